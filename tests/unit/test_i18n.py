"""Language switching and formatting (kiosk.i18n)."""

from __future__ import annotations

import contextvars
import gettext
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.plurals import get_plural
from babel.numbers import format_currency
from hypothesis import given, settings
from hypothesis import strategies as st

import kiosk.i18n as i18n
from hatch_build import compile_catalogues
from kiosk.domain.model import MailboxFamily, MailboxState, OrderStatus, PaymentMethod
from kiosk.i18n import (
    LANGUAGES,
    N_,
    _,
    _n,
    day,
    get_language,
    hour,
    long_day,
    moment,
    money,
    set_language,
)

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


def test_english_catalogue_translates() -> None:
    assert _("Accedi") == "Accedi"
    set_language("en")
    assert _("Accedi") == "Log in"
    assert _(UNTRANSLATED) == UNTRANSLATED
    set_language("it")
    assert _("Accedi") == "Accedi"


def test_english_catalogue_translates_enum_labels() -> None:
    set_language("en")
    assert [state.label for state in MailboxState] == ["active", "suspended", "closed"]


def test_the_empty_string_is_not_the_catalogue_header() -> None:
    """gettext keeps the .mo's metadata under msgid "": `_("")` must stay empty."""
    set_language("en")
    assert i18n._translations("en").gettext("").startswith("Project-Id-Version")
    assert _("") == ""


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
    # the import file's `famiglia` values, as the README documents them, are the families
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    documented = re.search(r"\(`famiglia`: ([^;]*);", readme)
    assert documented is not None
    assert set(re.findall(r"`(\w+)`", documented.group(1))) == {f.value for f in MailboxFamily}
    assert all(m.label for m in PaymentMethod)
    assert all(f.label for f in MailboxFamily)


def test_plural_forms_follow_the_count() -> None:
    assert _n("tra {n} g", "tra {n} gg", 1).format(n=1) == "tra 1 g"
    assert _n("tra {n} g", "tra {n} gg", 5).format(n=5) == "tra 5 gg"
    assert _n("tra {n} g", "tra {n} gg", 0).format(n=0) == "tra 0 gg"
    set_language("en")
    assert _n("tra {n} g", "tra {n} gg", 0).format(n=0) == "in 0 days"
    assert _n("tra {n} g", "tra {n} gg", 1).format(n=1) == "in 1 day"
    assert _n("tra {n} g", "tra {n} gg", 2).format(n=2) == "in 2 days"
    assert _n("{n} g fa", "{n} gg fa", 1).format(n=1) == "1 day ago"
    assert _n("una frase senza traduzione", "frasi", 2) == "frasi"
    assert _n("una frase senza traduzione", "frasi", 1) == "una frase senza traduzione"


COUNTS = [*range(-3, 120), 1000, 10**6, 10**9 + 1]


@pytest.mark.parametrize("lang", ["it", "en"])
def test_plural_rule_is_the_languages_own(lang: str) -> None:
    """Italian (the msgids, no catalogue: gettext's NullTranslations) and English (the .mo's
    Plural-Forms header) both pick the form that the language's rule (Babel's CLDR data, as
    gettext evaluates it) picks.

    A message has two forms: the first for CLDR's "one" (form 0), the second for every other
    category. Babel 2.19 gives Italian a third, "many" (whole millions: "1 milione di giorni");
    our messages have no such form, so it reads as the second, as gettext's n != 1 does."""
    rule = gettext.c2py(get_plural(lang).plural_expr)
    set_language(lang)
    for n in COUNTS:
        form = min(rule(n), 1)
        expected = ("tra {n} g", "tra {n} gg") if lang == "it" else ("in {n} day", "in {n} days")
        assert _n("tra {n} g", "tra {n} gg", n) == expected[form], n
        assert _n(UNTRANSLATED, "plurale", n) == (UNTRANSLATED, "plurale")[form], n


def test_the_english_mo_declares_its_plural_forms() -> None:
    info = i18n._translations("en").info()
    assert info["plural-forms"] == "nplurals=2; plural=(n != 1);"
    assert info["language"] == "en"


@pytest.fixture
def locale_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """kiosk.i18n reading catalogues from an empty directory (the real ones are reloaded after)."""
    directory = tmp_path / "kiosk" / "locale"
    directory.mkdir(parents=True)
    monkeypatch.setattr(i18n, "LOCALE_DIR", str(directory))
    i18n._translations.cache_clear()
    yield directory
    monkeypatch.undo()
    i18n._translations.cache_clear()


THREE_FORMS_PO = r"""
msgid ""
msgstr ""
"Language: en\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);\n"
"Content-Type: text/plain; charset=utf-8\n"

msgid "Accedi"
msgstr "Sign in"

msgid "{n} casella"
msgid_plural "{n} caselle"
msgstr[0] "{n} box"
msgstr[1] "a pair of boxes"
msgstr[2] "{n} boxes"

msgid "non ancora tradotta"
msgid_plural "non ancora tradotte"
msgstr[0] ""
msgstr[1] ""
msgstr[2] ""
"""


def test_plural_forms_come_from_the_catalogue_header(locale_dir: Path) -> None:
    """Three forms, chosen by the header's own expression, not by a rule written in the code."""
    (locale_dir / "en.po").write_text(THREE_FORMS_PO, "utf-8")
    assert compile_catalogues(locale_dir.parents[1]) == [
        Path("kiosk/locale/en/LC_MESSAGES/messages.mo")
    ]
    set_language("en")
    assert i18n._translations("en").info()["plural-forms"] == (
        "nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);"
    )
    forms = [_n("{n} casella", "{n} caselle", n).format(n=n) for n in (0, 1, 2, 3)]
    assert forms == ["0 boxes", "1 box", "a pair of boxes", "3 boxes"]
    assert _("Accedi") == "Sign in"
    # an untranslated plural entry shows the Italian source, never an empty string
    assert _n("non ancora tradotta", "non ancora tradotte", 2) == "non ancora tradotte"


def test_a_missing_mo_shows_the_source_text_and_is_logged_once(
    locale_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (locale_dir / "en.po").write_text("# en.po edited, never compiled\n", "utf-8")
    set_language("en")
    with caplog.at_level(logging.ERROR, logger="kiosk.i18n"):
        assert _("Accedi") == "Accedi"
        assert _n("tra {n} g", "tra {n} gg", 1) == "tra {n} g"
        assert _n("tra {n} g", "tra {n} gg", 2) == "tra {n} gg"
        assert _("Avanti") == "Avanti"
    assert len(caplog.records) == 1, caplog.records
    assert "'en' catalogue is not compiled" in caplog.records[0].getMessage()
    assert "make catalogue" in caplog.records[0].getMessage()


def test_a_corrupt_mo_shows_the_source_text(
    locale_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    mo = Path(i18n.mo_file("en"))
    mo.parent.mkdir(parents=True)
    mo.write_bytes(b"\xde\x12\x04\x95 truncated")
    set_language("en")
    with caplog.at_level(logging.ERROR, logger="kiosk.i18n"):
        assert _("Accedi") == "Accedi"
    assert len(caplog.records) == 1


def test_the_compiled_catalogues_are_there() -> None:
    """Every kiosk/locale/<lang>.po has its .mo (tests/unit/test_catalogue.py: and it is current).
    At run time a missing one only logs an error; here it fails."""
    languages = sorted(po.stem for po in Path(i18n.LOCALE_DIR).glob("*.po"))
    assert languages == [lang for lang in sorted(LANGUAGES) if lang != "it"]
    for lang in languages:
        assert Path(i18n.mo_file(lang)).is_file(), (
            f"{i18n.mo_file(lang)} is missing: run `make catalogue` (or pip install -e .)"
        )


def test_importing_i18n_and_formatting_does_not_load_babel() -> None:
    """Babel is a build and test tool: the kiosk's first frame must not wait for it."""
    code = (
        "import sys, datetime, kiosk.i18n as i;"
        "i.money(1220); i.long_day(datetime.date(2026, 11, 25)); i._n('a', 'b', 2);"
        "i.set_language('en'); i._('Accedi'); i.money(1220); i._n('a', 'b', 2);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# The formats are written out in kiosk.i18n; Babel (CLDR's it_IT and en_GB) is the reference.
BABEL_LOCALES = {"it": "it_IT", "en": "en_GB"}


@settings(max_examples=300, deadline=None)
@given(
    lang=st.sampled_from(LANGUAGES),
    cents=st.one_of(
        st.integers(min_value=-(10**13), max_value=10**13),
        st.integers(min_value=-100_000, max_value=100_000),
    ),
)
def test_money_is_babels_format(lang: str, cents: int) -> None:
    set_language(lang)
    expected = format_currency(Decimal(cents) / 100, "EUR", locale=BABEL_LOCALES[lang])
    assert money(cents) == expected


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "cents", [0, 1, -1, 99, 100, -100, 99_999, 100_000, 123_456_789, -123_456_789]
)
def test_money_is_babels_format_at_the_edges(lang: str, cents: int) -> None:
    set_language(lang)
    expected = format_currency(Decimal(cents) / 100, "EUR", locale=BABEL_LOCALES[lang])
    assert money(cents) == expected


def test_money_negative_amounts() -> None:
    assert money(-1220) == "-12,20\u00a0€"
    assert money(-123456789) == "-1.234.567,89\u00a0€"
    set_language("en")
    assert money(-1220) == "-€12.20"
    assert money(-5) == "-€0.05"


@settings(max_examples=300, deadline=None)
@given(lang=st.sampled_from(LANGUAGES), value=st.dates())
def test_long_day_is_babels_long_format(lang: str, value: date) -> None:
    set_language(lang)
    assert long_day(value) == format_date(value, format="long", locale=BABEL_LOCALES[lang])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_long_day_every_month_is_babels(lang: str) -> None:
    set_language(lang)
    for month in range(1, 13):
        for value in (date(2026, month, 1), date(2027, month, 28)):
            assert long_day(value) == format_date(value, format="long", locale=BABEL_LOCALES[lang])
