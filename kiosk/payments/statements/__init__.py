"""Bank statements as lines to reconcile: CSV exports and ISO 20022 camt.053 (pure, no database).

`read_statement` turns the bytes of a file into `StatementEntry`s, or raises `StatementError`
saying where (line of the CSV, entry of the XML) and why, in Italian: a file that cannot be read
completely is refused whole, so that an import never stops half way through.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.i18n import _


class StatementFormat(StrEnum):
    CSV = "csv"
    CAMT053 = "camt053"


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One movement of the statement. `where` says where it is in the file, for people."""

    where: str
    reference: str  # the bank's entry reference (or one derived from the line, see below)
    booked_on: date | None
    amount_cents: int  # always positive; `credit` says the direction
    credit: bool
    causale: str
    currency: str = "EUR"
    booked: bool = True  # False: a pending entry (camt Sts PDNG), not yet money on the account


class StatementError(ValueError):
    """The file cannot be read as a statement: `where` (line, element) and why."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message

    @property
    def text(self) -> str:
        return _("{where}: {message}").format(where=self.where, message=self.message)


def derived_reference(booked_on: date | None, amount_cents: int, causale: str, nth: int) -> str:
    """A stable reference for a line the bank gave none: the same line of the same export (the
    `nth` time that date, amount and causale occur in it) always gets the same one."""
    key = f"{booked_on}|{amount_cents}|{' '.join(causale.split()).upper()}|{nth}"
    return "EC-" + hashlib.sha256(key.encode()).hexdigest()[:20].upper()


def sniff(data: bytes) -> StatementFormat:
    """XML (camt.053) when the content starts with `<`, a CSV export otherwise."""
    head = data.lstrip(b"\xef\xbb\xbf").lstrip()
    return StatementFormat.CAMT053 if head.startswith(b"<") else StatementFormat.CSV
