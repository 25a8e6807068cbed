"""One catalogue for every text the program shows.

Source strings are Italian (the language of the help desk and of the seed FAQ): they are the
msgids, and Italian needs no catalogue. Other languages come from `kiosk/locale/<lang>.po`,
compiled at build time (hatch_build.py, for `pip install -e .` too; `make catalogue` after an
edit) to `kiosk/locale/<lang>/LC_MESSAGES/messages.mo`, which the standard `gettext` module reads
on first use; plural forms follow the catalogue's Plural-Forms header. Babel is a build and test
tool only: nothing here imports it, so the first frame does not wait for it.

A missing .mo (a .po edited without recompiling) is logged once and the Italian source shows;
tests/unit/test_i18n.py fails on it instead.

The current language is process-wide: one kiosk process serves one person at a time (over SSH,
one process per session), and a choice made on one screen must hold on every screen, each of
which Textual runs in a task of its own (a context variable would not carry across them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date, datetime
    from gettext import NullTranslations

LANGUAGES = ("it", "en")
DOMAIN = "messages"
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
_current = {"language": "it"}


def set_language(lang: str) -> None:
    """Switch the language of everything translated from now on."""
    if lang not in LANGUAGES:
        raise ValueError(f"lingua non supportata: {lang}")
    _current["language"] = lang


def get_language() -> str:
    return _current["language"]


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Texts in `lang` inside the block, the previous language after it. The switch is
    process-wide: keep the block synchronous (no `await` in it), so no other task of the event
    loop runs, and reads the wrong language, while it lasts (documents are always Italian)."""
    previous = get_language()
    set_language(lang)
    try:
        yield
    finally:
        _current["language"] = previous


def mo_file(lang: str) -> str:
    """Where the compiled catalogue of `lang` lives (built by hatch_build.py)."""
    return os.path.join(LOCALE_DIR, lang, "LC_MESSAGES", f"{DOMAIN}.mo")


@cache
def _translations(lang: str) -> NullTranslations:
    """The catalogue of `lang`, read once. Italian, the source language, is gettext's
    NullTranslations: msgids as they are, plural when n != 1 (the Italian rule)."""
    import gettext

    if lang == "it":
        return gettext.NullTranslations()
    path = mo_file(lang)
    try:
        with open(path, "rb") as fh:
            return gettext.GNUTranslations(fh)
    except Exception as exc:  # missing (OSError), or corrupt: the kiosk goes on in Italian
        import logging

        logging.getLogger(__name__).error(
            "the %r catalogue is not compiled or unreadable (%s): texts stay in Italian; "
            "run `make catalogue` or reinstall (pip install -e .)",
            lang,
            exc,
        )
        return gettext.NullTranslations()


def _(message: str) -> str:
    """Translate an Italian source string into the current language."""
    lang = _current["language"]
    if lang == "it" or not message:  # "" is the catalogue's header in gettext
        return message
    return _translations(lang).gettext(message)


def _n(singular: str, plural: str, n: int) -> str:
    """Singular or plural of an Italian source message by `n`, by the rules of the current
    language (the catalogue's Plural-Forms); without a translation, Italian's: plural if n != 1."""
    return _translations(_current["language"]).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for translation without translating it yet (module-level constants)."""
    return message


# Formats for the two supported locales, it_IT and en_GB, written out rather than loaded from
# Babel (slow to import); tests/unit/test_i18n.py checks them against Babel's output.
_MONTHS = {
    "it": (
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
        "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def money(cents: int) -> str:
    """Euro amount in the current language, as Babel formats it for it_IT or en_GB:
    `1.234,50 €` (a non-breaking space before €) or `€1,234.50`; negative `-12,20 €`, `-€12.20`."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    if _current["language"] == "it":
        return f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}\u00a0€"
    return f"{sign}€{euros:,}.{rest:02d}"


def day(value: date) -> str:
    """A calendar date as people write it: 25/11/2026 in Italian, 25/11/2026 in British English."""
    return value.strftime("%d/%m/%Y")


def long_day(value: date) -> str:
    """A calendar date in words, as Babel's long format: `25 novembre 2026`, `25 November 2026`."""
    month = _MONTHS[_current["language"]][value.month - 1]
    return f"{value.day} {month} {value.year}"


def moment(value: datetime) -> str:
    """An instant in Rome time, e.g. `25/11/2026 14:05`."""
    from kiosk.clock import ROME

    return value.astimezone(ROME).strftime("%d/%m/%Y %H:%M")


def hour(value: datetime) -> str:
    """The time of day in Rome, e.g. `14:05`."""
    from kiosk.clock import ROME

    return value.astimezone(ROME).strftime("%H:%M")
