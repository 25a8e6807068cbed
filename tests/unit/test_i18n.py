"""Language switching and formatting (kiosk.i18n)."""

from __future__ import annotations

import contextvars
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kiosk.i18n as i18n
from kiosk.domain.model import MailboxFamily, MailboxState, OrderStatus, PaymentMethod
from kiosk.i18n import N_, _, day, get_language, hour, long_day, moment, money, set_language

EN_PO = Path(i18n.__file__).parent / "locale" / "en.po"
UNTRANSLATED = "Questa frase non esiste in nessun catalogo: prova 7f3a."


def test_default_language_is_italian() -> None:
    assert get_language() == "it"
    assert i18n.LANGUAGES == ("it", "en")


def test_money_italian() -> None:
    assert money(1220) == "12,20\u00a0€"
    assert money(0) == "0,00\u00a0€"
    assert money(5) == "0,05\u00a0€"
    assert money(123450) == "1.234,50\u00a0€"
    assert money(3050) == "30,50\u00a0€"


def test_money_english() -> None:
    set_language("en")
    assert money(1220) == "€12.20"
    assert money(123450) == "€1,234.50"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**11))
def test_money_italian_shape(cents: int) -> None:
    euros, rest = divmod(cents, 100)
    assert money(cents) == f"{euros:,}".replace(",", ".") + f",{rest:02d}\u00a0€"


def test_set_language_switches_and_rejects_unknown() -> None:
    set_language("en")
    assert get_language() == "en"
    set_language("it")
    assert get_language() == "it"
    for bad in ("fr", "EN", "it_IT", ""):
        with pytest.raises(ValueError, match="lingua non supportata"):
            set_language(bad)
    assert get_language() == "it"


def test_untranslated_strings_fall_back_to_the_italian_source() -> None:
    assert _(UNTRANSLATED) == UNTRANSLATED
    set_language("en")
    assert _(UNTRANSLATED) == UNTRANSLATED


def test_italian_is_the_source_language() -> None:
    for label in ("attiva", "Inserire lo userid.", "La password non può contenere lo userid."):
        assert _(label) == label
    assert MailboxState.ATTIVA.label == "attiva"
    assert MailboxState.SOSPESA.label == "sospesa"
    assert MailboxState.CESSATA.label == "cessata"
    assert PaymentMethod.BOLLETTINO.label == "bollettino postale"
    assert MailboxFamily.LEGALMAIL.label == "PEC @legalmail.it"


def test_n_marks_without_translating() -> None:
    set_language("en")
    assert N_("attiva") == "attiva"


@pytest.mark.skipif(not EN_PO.exists(), reason="kiosk/locale/en.po does not exist yet")
def test_english_catalogue_translates() -> None:
    catalogue = i18n._catalogue("en")
    assert catalogue, "en.po exists but has no translated entries"
    source, target = next(iter(catalogue.items()))
    assert _(source) == source
    set_language("en")
    assert _(source) == target
    assert _(UNTRANSLATED) == UNTRANSLATED
    set_language("it")
    assert _(source) == source


@pytest.mark.skipif(not EN_PO.exists(), reason="kiosk/locale/en.po does not exist yet")
def test_english_catalogue_translates_enum_labels_when_present() -> None:
    catalogue = i18n._catalogue("en")
    set_language("en")
    for state in MailboxState:
        italian = {"attiva": "attiva", "sospesa": "sospesa", "cessata": "cessata"}[state.value]
        assert state.label == catalogue.get(italian, italian)


def test_language_is_process_wide() -> None:
    """Chosen in one task (a Textual screen), seen in every other (the next screen)."""
    ctx = contextvars.copy_context()
    ctx.run(set_language, "en")
    assert get_language() == "en"
    assert money(1220) == "€12.20"
    set_language("it")
    assert ctx.run(get_language) == "it"
    assert money(1220) == "12,20\u00a0€"


def test_day_and_long_day() -> None:
    assert day(date(2026, 11, 5)) == "05/11/2026"
    assert long_day(date(2026, 11, 25)) == "25 novembre 2026"
    assert long_day(date(2027, 2, 1)) == "1 febbraio 2027"
    set_language("en")
    assert day(date(2026, 11, 5)) == "05/11/2026"
    assert long_day(date(2026, 11, 25)) == "25 November 2026"


def test_moment_and_hour_in_rome_time() -> None:
    winter = datetime(2026, 11, 25, 13, 5, tzinfo=UTC)  # CET, UTC+1
    summer = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)  # CEST, UTC+2
    assert moment(winter) == "25/11/2026 14:05"
    assert hour(winter) == "14:05"
    assert moment(summer) == "01/07/2026 14:00"
    assert moment(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01/01/2027 00:30"


def test_model_vocabulary() -> None:
    assert {m for m in PaymentMethod if m.offline} == {
        PaymentMethod.BONIFICO,
        PaymentMethod.BOLLETTINO,
        PaymentMethod.ASSEGNO,
    }
    assert {s for s in OrderStatus if s.is_open} == {OrderStatus.PENDING, OrderStatus.PAID}
    assert [f.value for f in MailboxFamily] == [
        "convenzione_ordine",
        "dominio_convenzione",
        "legalmail",
    ]
    assert all(m.label for m in PaymentMethod)
    assert all(f.label for f in MailboxFamily)


def test_plural_forms_follow_the_count() -> None:
    from kiosk.i18n import _n

    assert _n("tra {n} g", "tra {n} gg", 1).format(n=1) == "tra 1 g"
    assert _n("tra {n} g", "tra {n} gg", 5).format(n=5) == "tra 5 gg"
    set_language("en")
    assert _n("tra {n} g", "tra {n} gg", 1).format(n=1) == "in 1 day"
    assert _n("tra {n} g", "tra {n} gg", 5).format(n=5) == "in 5 days"
    assert _n("una frase senza traduzione", "frasi", 2) == "frasi"
