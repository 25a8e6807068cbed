"""Bank-statement CSV exports, read through a profile from `data/statements.toml`.

Italian banks export statements for Excel: `;` between fields, Windows-1252 text, amounts as
`1.234,56` (signed, or in separate *Dare* / *Avere* columns), dates `DD/MM/YYYY`, often a UTF-8
byte-order mark before the header, and a trailing `;;` on every line. A profile names the columns
by their header; everything else is ignored.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kiosk.i18n import _
from kiosk.payments.statements import StatementEntry, StatementError, derived_reference

PROFILE_FILE = "statements.toml"
_ENCODINGS = ("cp1252", "utf-8", "latin-1")
CREDIT_VALUES = ("A", "C", "CR", "CRDT", "AVERE", "ENTRATA")
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y")


@dataclass(frozen=True, slots=True)
class CsvProfile:
    """How one bank's export is laid out. Column names are matched ignoring case and spaces."""

    name: str
    date_column: str
    causale_columns: tuple[str, ...]
    amount_column: str = ""  # a signed amount...
    credit_column: str = ""  # ...or the credit (Avere) and debit (Dare) amounts apart
    debit_column: str = ""
    direction_column: str = ""  # with `amount_column`: a column saying credit or debit
    credit_values: tuple[str, ...] = CREDIT_VALUES
    reference_column: str = ""  # the bank's entry reference (CRO/TRN); empty: derived
    currency_column: str = ""
    delimiter: str = ";"
    encoding: str = "cp1252"
    decimal: str = ","
    date_formats: tuple[str, ...] = DATE_FORMATS
    skip_lines: int = 0  # lines above the header (the bank's title, the account number)
    description: str = ""


def load_profiles(directory: Path) -> tuple[str, dict[str, CsvProfile]]:
    """The default profile's name and every profile of `statements.toml`; ValueError if wrong."""
    path = directory / PROFILE_FILE
    with path.open("rb") as fh:
        doc = tomllib.load(fh)
    profiles: dict[str, CsvProfile] = {}
    for name, raw in doc.get("profile", {}).items():
        columns = dict(raw.get("columns", {}))
        causale = columns.get("causale", [])
        causale = (causale,) if isinstance(causale, str) else tuple(causale)
        if not columns.get("date") or not causale:
            raise ValueError(f"{path}: profile {name}: columns.date and columns.causale needed")
        if not columns.get("amount") and not (columns.get("credit") and columns.get("debit")):
            raise ValueError(f"{path}: profile {name}: columns.amount or credit + debit needed")
        if raw.get("encoding", "cp1252").lower() not in {e.lower() for e in _ENCODINGS}:
            raise ValueError(f"{path}: profile {name}: encoding one of {_ENCODINGS}")
        profiles[name] = CsvProfile(
            name=name,
            date_column=columns["date"],
            causale_columns=causale,
            amount_column=columns.get("amount", ""),
            credit_column=columns.get("credit", ""),
            debit_column=columns.get("debit", ""),
            direction_column=columns.get("direction", ""),
            credit_values=tuple(v.upper() for v in raw.get("credit_values", ())) or CREDIT_VALUES,
            reference_column=columns.get("reference", ""),
            currency_column=columns.get("currency", ""),
            delimiter=raw.get("delimiter", ";"),
            encoding=raw.get("encoding", "cp1252"),
            decimal=raw.get("decimal", ","),
            date_formats=tuple(raw.get("date_formats", ())) or DATE_FORMATS,
            skip_lines=int(raw.get("skip_lines", 0)),
            description=raw.get("description", ""),
        )
    default = doc.get("default", "")
    if default not in profiles:
        raise ValueError(f"{path}: default profile {default!r} is not defined")
    return default, profiles


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def decode(data: bytes, encoding: str) -> str:
    """The text of the file: UTF-8 when it starts with a byte-order mark, else the profile's."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StatementError(
            _("riga {line}").format(line=line),
            _("caratteri non leggibili come {encoding}").format(encoding=encoding),
        ) from None


_GROUPED = {
    ",": re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$"),
    ".": re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$"),
}


def parse_amount(text: str, decimal: str = ",") -> int:
    """`1.234,56`, `-30,50`, `+30,5`, `30,50 €` (or with `decimal="."`, `1,234.56`) as signed
    cents; ValueError otherwise."""
    cleaned = text.strip().replace("€", "").replace("EUR", "").replace("\xa0", "").strip()
    cleaned = cleaned.replace(" ", "")
    sign = 1
    if cleaned[:1] in "+-" and cleaned:
        sign = -1 if cleaned[0] == "-" else 1
        cleaned = cleaned[1:]
    elif cleaned.endswith("-"):  # some exports put the minus after the number
        sign, cleaned = -1, cleaned[:-1]
    match = _GROUPED[decimal].match(cleaned)
    if not match:
        raise ValueError(text)
    thousands = "." if decimal == "," else ","
    euros = int(match.group(1).replace(thousands, ""))
    cents = int((match.group(2) or "0").ljust(2, "0"))
    return sign * (euros * 100 + cents)


def _date(text: str, formats: tuple[str, ...]) -> date:
    for fmt in formats:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_csv(data: bytes, profile: CsvProfile) -> list[StatementEntry]:
    """Every movement of the export, or `StatementError` naming the line that is wrong."""
    text = decode(data, profile.encoding)
    skipped = profile.skip_lines
    body = "\n".join(text.splitlines()[skipped:])
    reader = csv.reader(io.StringIO(body), delimiter=profile.delimiter)
    header = next(reader, None)
    while header is not None and not any(h.strip() for h in header):  # blank lines first
        header = next(reader, None)
    if header is None:
        raise StatementError("", _("il file è vuoto"))
    index = {_key(h): i for i, h in enumerate(header) if h.strip()}
    header_line = skipped + reader.line_num

    def column(name: str) -> int | None:
        if not name:
            return None
        if _key(name) not in index:
            raise StatementError(
                _("riga {line}").format(line=header_line),
                _("manca la colonna «{name}» (profilo {profile})").format(
                    name=name, profile=profile.name
                ),
            )
        return index[_key(name)]

    date_i = column(profile.date_column)
    causale_i = [column(c) for c in profile.causale_columns]
    amount_i, credit_i = column(profile.amount_column), column(profile.credit_column)
    debit_i, direction_i = column(profile.debit_column), column(profile.direction_column)
    reference_i, currency_i = column(profile.reference_column), column(profile.currency_column)

    entries: list[StatementEntry] = []
    seen: Counter[tuple[date, int, str]] = Counter()
    for row in reader:
        line = skipped + reader.line_num
        where = _("riga {line}").format(line=line)

        def cell(i: int | None, row: list[str] = row) -> str:
            return row[i].strip() if i is not None and i < len(row) else ""

        if not any(c.strip() for c in row):
            continue
        raw_date = cell(date_i)
        try:
            if amount_i is not None:
                signed = parse_amount(cell(amount_i), profile.decimal)
                direction = cell(direction_i).upper()
                if direction:
                    signed = abs(signed) if direction in profile.credit_values else -abs(signed)
            else:
                credit = cell(credit_i)
                debit = cell(debit_i)
                if credit and debit:
                    raise ValueError(credit)
                signed = (
                    parse_amount(credit, profile.decimal)
                    if credit
                    else -abs(parse_amount(debit, profile.decimal))
                )
        except ValueError:
            if not raw_date:  # a totals or balance line at the foot of the export
                continue
            raise StatementError(where, _("importo non valido")) from None
        try:
            booked_on = _date(raw_date, profile.date_formats)
        except ValueError:
            raise StatementError(
                where, _("data non valida: «{value}»").format(value=raw_date)
            ) from None
        causale = " ".join(" ".join(cell(i) for i in causale_i).split())
        reference = " ".join(cell(reference_i).split())
        if not reference:
            key = (booked_on, signed, causale.upper())
            seen[key] += 1
            reference = derived_reference(booked_on, signed, causale, seen[key])
        entries.append(
            StatementEntry(
                where=where,
                reference=reference,
                booked_on=booked_on,
                amount_cents=abs(signed),
                credit=signed > 0,
                causale=causale,
                currency=cell(currency_i).upper() or "EUR",
            )
        )
    return entries
