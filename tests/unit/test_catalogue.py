"""The English catalogue (kiosk/locale/en.po) covers every message the code marks, faithfully.

Messages are extracted from the source at test time with Babel, the same way `pybabel extract`
does, so a new `_()` / `N_()` string without an English translation fails the suite by name.
"""

from __future__ import annotations

import gettext
import string
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import kiosk.i18n as i18n
from kiosk import refdata
from kiosk.domain import ordercode
from kiosk.domain.instructions import payment_instructions
from kiosk.domain.model import MailboxState, PaymentMethod
from kiosk.i18n import _, day, get_language, long_day, money, set_language

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("kiosk", "screens")
EN_PO = ROOT / "kiosk" / "locale" / "en.po"
KEYWORDS = {"_": None, "N_": None, "_n": (1, 2)}
PYTHON_ONLY = [("**.py", "python")]


def extract_messages() -> dict[str, list[str]]:
    """Every msgid marked with `_()`, `N_()` or `_n()` in kiosk/ and screens/, with where it is
    used (a plural message is listed under its singular, as Babel's catalogue keys it)."""
    found: dict[str, list[str]] = defaultdict(list)
    for package in PACKAGES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / package, method_map=PYTHON_ONLY, keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            assert isinstance(msgid, str), f"{package}/{filename}:{lineno}: context not supported"
            found[msgid].append(f"{package}/{filename}:{lineno}")
    return dict(found)


def read_catalogue() -> Catalog:
    with EN_PO.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def extracted() -> dict[str, list[str]]:
    messages = extract_messages()
    assert len(messages) > 100, "extraction found almost nothing: wrong directory or keywords?"
    return messages


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    return read_catalogue()


def placeholders(text: str) -> set[str]:
    """The `{name!conversion:spec}` fields of a str.format template, as written."""
    fields = set()
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        field = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        fields.add("{" + field + "}")
    return fields


def translated(catalogue: Catalog) -> list[tuple[str, str]]:
    return [
        (m.id, m.string)
        for m in catalogue
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
    ]


def test_catalogue_header() -> None:
    catalogue = read_catalogue()
    assert str(catalogue.locale) == "en"
    assert catalogue.charset.lower() == "utf-8"
    assert not catalogue.fuzzy, "the header is marked fuzzy"
    EN_PO.read_bytes().decode("utf-8")  # really UTF-8


def test_every_extracted_message_is_translated(
    extracted: dict[str, list[str]], catalogue: Catalog
) -> None:
    missing = [
        f"{msgid!r} ({', '.join(where)})"
        for msgid, where in sorted(extracted.items())
        if msgid not in catalogue or not _complete(catalogue[msgid].string)
    ]
    assert not missing, (
        f"{len(missing)} message(s) without an English translation in kiosk/locale/en.po:\n"
        + "\n".join(missing)
    )


def _complete(string: object) -> bool:
    if isinstance(string, tuple):
        return len(string) == 2 and all(string)
    return bool(string)


def test_plural_translations_keep_their_placeholders(catalogue: Catalog) -> None:
    plurals = [m for m in catalogue if isinstance(m.id, tuple)]
    assert plurals, "no plural message: _n() is used in screens/mailboxes.py"
    for m in plurals:
        assert isinstance(m.string, tuple)
        for source, target in zip(m.id, m.string, strict=True):
            assert placeholders(source) == placeholders(target), (m.id, m.string)


def test_no_fuzzy_entries(catalogue: Catalog) -> None:
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy entries in en.po (check and clear the flag): {fuzzy}"


def test_no_obsolete_entries(catalogue: Catalog) -> None:
    assert not catalogue.obsolete, f"obsolete entries in en.po: {list(catalogue.obsolete)}"
    text = EN_PO.read_text("utf-8").splitlines()
    lines = [n for n, line in enumerate(text, 1) if line.startswith("#~")]
    assert not lines, f"obsolete (#~) lines in en.po at {lines}"


def test_translations_keep_every_placeholder(catalogue: Catalog) -> None:
    wrong = []
    for msgid, msgstr in translated(catalogue):
        try:
            expected, actual = placeholders(msgid), placeholders(msgstr)
        except ValueError as exc:  # an unbalanced brace would make .format() raise
            wrong.append(f"{msgid!r} -> {msgstr!r}: {exc}")
            continue
        if expected != actual:
            wrong.append(f"{msgid!r} -> {msgstr!r}: {sorted(expected)} != {sorted(actual)}")
    assert not wrong, "placeholders changed in translation:\n" + "\n".join(wrong)


def test_translations_keep_leading_and_trailing_newlines(catalogue: Catalog) -> None:
    wrong = [
        msgid
        for msgid, msgstr in translated(catalogue)
        if (msgid.startswith("\n"), msgid.endswith("\n"))
        != (msgstr.startswith("\n"), msgstr.endswith("\n"))
    ]
    assert not wrong, f"leading/trailing newlines differ from the msgid: {wrong}"


def test_the_compiled_catalogue_is_this_file(catalogue: Catalog) -> None:
    """What kiosk.i18n reads (the .mo, through gettext) says what en.po says: every translated
    msgid, singular or plural, and the plural rule. Stale after an edit? `make catalogue`."""
    mo = Path(i18n.mo_file("en"))
    assert mo.is_file(), f"{mo} is missing: run `make catalogue` (or pip install -e .)"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    assert compiled.info()["plural-forms"] == catalogue.plural_forms
    rule = gettext.c2py(catalogue.plural_expr)
    stale = []
    for m in catalogue:
        if not m.id or not _complete(m.string):
            continue
        if isinstance(m.id, tuple):
            assert isinstance(m.string, tuple)
            for n in range(10):
                if compiled.ngettext(m.id[0], m.id[1], n) != m.string[rule(n)]:
                    stale.append(f"{m.id!r} (n={n})")
        elif isinstance(m.id, str) and compiled.gettext(m.id) != m.string:
            stale.append(repr(m.id))
    assert not stale, f"{mo} is out of date (run `make catalogue`): " + ", ".join(stale)
    assert i18n._translations("en").info() == compiled.info()


def test_known_strings_and_formats_switch_to_english() -> None:
    assert get_language() == "it"
    assert _("Accedi") == "Accedi"
    assert money(1220) == "12,20\u00a0€"
    assert long_day(date(2026, 11, 25)) == "25 novembre 2026"

    set_language("en")
    assert _("Accedi") == "Log in"
    assert _("Iscriviti") == "Sign up"
    assert _("Avanti") == "Next"
    assert _("Rinnova") == "Renew"
    assert _("Fine") == "Done"
    assert _("PRELEVA DAL CONTO PREPAGATO") == "PAY FROM PREPAID ACCOUNT"
    assert _("EFFETTUA VERSAMENTO APPOSITO") == "MAKE A SEPARATE PAYMENT"
    assert _("COLLEGAMENTO A BANCA") == "GO TO BANK"
    assert MailboxState.SOSPESA.label == "suspended"
    assert MailboxState.CESSATA.label == "closed"
    assert PaymentMethod.ASSEGNO.label == "cheque"
    assert PaymentMethod.BONIFICO.label == "bank transfer"
    assert _("Nessun ordine con codice {code}.").format(code="RLM4K7Q2XC") == (
        "No order with code RLM4K7Q2XC."
    )
    assert money(1220) == "€12.20"
    assert money(123450) == "€1,234.50"
    assert day(date(2026, 11, 5)) == "05/11/2026"
    assert long_day(date(2026, 11, 25)) == "25 November 2026"

    set_language("it")
    assert _("Accedi") == "Accedi"
    assert money(1220) == "12,20\u00a0€"


@pytest.mark.parametrize("method", [m for m in PaymentMethod if m.offline])
def test_english_qr_payloads_still_fit_an_80x24_terminal(method: PaymentMethod) -> None:
    """The translated QR headings must not push a payload past QR version 5 (108 bytes)."""
    payee = refdata.load(ROOT / "data").payee
    code = "RLM" + "4K7Q2X" + ordercode.check_char("4K7Q2X")
    set_language("en")
    result = payment_instructions(method, payee, code, 99_999_999)
    assert len(result.qr_payload.encode("utf-8")) <= 108
    assert ordercode.find_in_causale(result.qr_payload) == code
