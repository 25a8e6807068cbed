"""One catalogue for every text the program shows.

Source strings are Italian (the language of the help desk and of the seed FAQ); other languages
come from `kiosk/locale/<lang>.po`, read with Babel on first use so no compile step is needed.
The current language is process-wide: one kiosk process serves one person at a time (over SSH,
one process per session), and a choice made on one screen must hold on every screen, each of
which Textual runs in a task of its own (a context variable would not carry across them).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LANGUAGES = ("it", "en")
_LOCALES = {"it": "it_IT", "en": "en_GB"}
_LOCALE_DIR = Path(__file__).parent / "locale"
_current = {"language": "it"}


def set_language(lang: str) -> None:
    """Switch the language of everything translated from now on."""
    if lang not in LANGUAGES:
        raise ValueError(f"lingua non supportata: {lang}")
    _current["language"] = lang


def get_language() -> str:
    return _current["language"]


@cache
def _read(lang: str) -> Catalog | None:
    from babel.messages.pofile import read_po

    path = _LOCALE_DIR / f"{lang}.po"
    if not path.exists():
        return None
    with path.open("rb") as fh:
        return read_po(fh)


@cache
def _catalogue(lang: str) -> dict[str, str]:
    """Singular messages: Italian source → translation."""
    catalog = _read(lang)
    return {
        m.id: m.string
        for m in catalog or ()
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
    }


@cache
def _plurals(lang: str) -> dict[str, tuple[str, str]]:
    """Plural messages, keyed by the Italian singular: (one, other)."""
    catalog = _read(lang)
    return {
        m.id[0]: (m.string[0], m.string[1])
        for m in catalog or ()
        if isinstance(m.id, tuple) and isinstance(m.string, tuple) and all(m.string[:2])
    }


def _(message: str) -> str:
    """Translate an Italian source string into the current language."""
    lang = _current["language"]
    if lang == "it":
        return message
    return _catalogue(lang).get(message, message)


def _n(singular: str, plural: str, n: int) -> str:
    """Singular or plural by `n` (both Italian and English use "one" vs "other")."""
    lang = _current["language"]
    if lang != "it":
        forms = _plurals(lang).get(singular)
        if forms:
            return forms[0] if n == 1 else forms[1]
    return singular if n == 1 else plural


def N_(message: str) -> str:
    """Mark a string for translation without translating it yet (module-level constants)."""
    return message


def money(cents: int) -> str:
    """Euro amount in the current language, e.g. `12,20 €` (with Babel's non-breaking space)."""
    from babel.numbers import format_currency

    return str(format_currency(cents / 100, "EUR", locale=_LOCALES[_current["language"]]))


def day(value: date) -> str:
    """A calendar date as people write it: 25/11/2026 in Italian, 25/11/2026 in British English."""
    return value.strftime("%d/%m/%Y")


def long_day(value: date) -> str:
    """A calendar date in words, e.g. `25 novembre 2026`."""
    from babel.dates import format_date

    return str(format_date(value, format="long", locale=_LOCALES[_current["language"]]))


def moment(value: datetime) -> str:
    """An instant in Rome time, e.g. `25/11/2026 14:05`."""
    from kiosk.clock import ROME

    return value.astimezone(ROME).strftime("%d/%m/%Y %H:%M")


def hour(value: datetime) -> str:
    """The time of day in Rome, e.g. `14:05`."""
    from kiosk.clock import ROME

    return value.astimezone(ROME).strftime("%H:%M")
