"""Reading the provider's CSV: encoding, delimiter, records, and every row checked on its own.

Streaming: the file is read line by line by `csv.reader` (the encoding is found by one pass over
its bytes in chunks), and each record becomes a small `Box` or an error with the number of its
*first* physical line (a quoted field may span lines). A subscriber's columns repeat on each of
their boxes: they are checked and kept once (`Person`), the boxes point at them. Nothing here
touches the database: the whole file is parsed and checked before any write lock is taken.

Provider files are what spreadsheets save: UTF-8 (with or without BOM) or Windows-1252, `,` or
`;`, empty trailing columns (`;;`), the same row twice.
"""

from __future__ import annotations

import codecs
import csv
import functools
import itertools
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO

from kiosk.domain import validation
from kiosk.domain.dates import is_anniversary
from kiosk.domain.model import MailboxFamily
from kiosk.errors import InvalidInput
from kiosk.i18n import _, _n
from kiosk.refdata import ReferenceData
from kiosk.services.provider_rows import Box, ParsedFile, Person

# beyond these a renewal window or a next expiry cannot be computed (year 9999 is the limit)
MIN_DATE = date(1990, 1, 1)
MAX_DATE = date(2199, 12, 31)
HEADER = (
    "userid",
    "nominativo",
    "codice_fiscale",
    "email",
    "area",
    "pec",
    "famiglia",
    "data_attivazione",
    "data_scadenza",
)
# the columns' sizes in the database (kiosk/store/models.py): longer is an error, never cut
MAX_LENGTH = {
    "userid": validation.USERID_MAX,
    "nominativo": validation.NOMINATIVO_MAX,
    "email": validation.EMAIL_MAX,
    "pec": validation.EMAIL_MAX,
    "area": 100,
}
_CHUNK = 1 << 20


def detect_encoding(path: Path) -> str:
    """`utf-8-sig` with a BOM, `utf-8` when every byte decodes so, else `cp1252` (Excel's
    Italian default), or `latin-1` for the five bytes cp1252 leaves undefined."""
    with path.open("rb") as raw:
        head = raw.read(3)
        if head == codecs.BOM_UTF8:
            return "utf-8-sig"
        raw.seek(0)
        candidates = ["utf-8", "cp1252"]
        decoders = {enc: codecs.getincrementaldecoder(enc)() for enc in candidates}
        while chunk := raw.read(_CHUNK):
            for enc in list(candidates):
                try:
                    decoders[enc].decode(chunk)
                except UnicodeDecodeError:
                    candidates.remove(enc)
            if not candidates:
                return "latin-1"
        for enc in list(candidates):
            try:
                decoders[enc].decode(b"", final=True)
            except UnicodeDecodeError:
                candidates.remove(enc)
        return candidates[0] if candidates else "latin-1"


def open_provider_file(path: Path, encoding: str | None) -> tuple[BinaryIO, str]:
    """The file and its encoding (given, or detected), for `decoded_lines`."""
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise InvalidInput(
                "encoding", _("Codifica sconosciuta: {encoding}.").format(encoding=encoding)
            ) from None
        if name == "utf-8":
            name = "utf-8-sig"  # a forced UTF-8 still drops a BOM
    else:
        name = detect_encoding(path)
    return path.open("rb"), name


class Undecodable(Exception):
    """A line the encoding cannot read (its number)."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def decoded_lines(raw: BinaryIO, encoding: str) -> Iterator[str]:
    """The file's lines decoded one by one, so that a byte the encoding cannot read is
    reported at its own line."""
    for number, line in enumerate(raw, start=1):
        try:
            yield line.decode(encoding)
        except UnicodeDecodeError:
            raise Undecodable(number) from None


class _Lines:
    """The text's lines; reading stops at a line the encoding cannot read."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._it = iter(lines)
        self.count = 0
        self.failed_at: int | None = None

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        try:
            line = next(self._it)
        except Undecodable as exc:
            self.failed_at = exc.line
            raise StopIteration from None
        self.count += 1
        return line


def parse_lines(
    lines: Iterable[str], refdata: ReferenceData, encoding: str = "utf-8"
) -> ParsedFile:
    """Every record of the file checked; rows of one PEC said twice counted, or refused when
    they disagree; rows of one userid must agree; a codice fiscale belongs to one userid."""
    from kiosk.services.imports import ImportRejected

    parsed = ParsedFile(encoding=encoding)
    source = _Lines(lines)
    first = next(source, None)
    if first is None:
        raise ImportRejected(
            [(1, _undecodable(encoding) if source.failed_at else _header_message())]
        )
    first = first.lstrip("\ufeff")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(itertools.chain([first], source), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    while header and not header[-1]:
        header.pop()  # Excel's trailing empty columns
    if tuple(header) != HEADER:
        raise ImportRejected(
            [(1, _undecodable(encoding) if source.failed_at else _header_message())]
        )
    checker = _RowChecker(refdata)
    by_pec: dict[str, int] = {}  # -> index in parsed.boxes
    users: dict[str, int] = {}  # -> index in parsed.people
    cf_owner: dict[str, int] = {}  # -> index in parsed.people
    people, boxes, errors = parsed.people, parsed.boxes, parsed.errors
    while True:
        line = reader.line_num + 1  # the record's first physical line
        try:
            record = next(reader, None)
        except csv.Error as exc:
            errors.append((line, _("riga CSV non leggibile ({detail})").format(detail=exc)))
            break
        if record is None:
            break
        while len(record) > len(HEADER) and not record[-1].strip():
            record.pop()
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(HEADER):
            errors.append((line, _columns_message(len(record))))
            continue
        try:
            person, pec, family, anchor, expiry = checker.row(line, record)
        except InvalidInput as exc:
            errors.append((line, f"{exc.field}: {exc.message}"))
            continue
        seen = by_pec.get(pec)
        if seen is not None:
            earlier = boxes[seen]
            said = people[earlier.owner]
            if (said.userid, said.data(), earlier.family, earlier.anchor, earlier.expiry) == (
                person.userid, person.data(), family, anchor, expiry
            ):  # fmt: skip
                parsed.duplicates += 1
            else:
                errors.append(
                    (
                        line,
                        _("PEC {pec} già presente alla riga {first} con dati diversi").format(
                            pec=pec, first=earlier.line
                        ),
                    )
                )
            continue
        owner = _owner(person, line, people, users, cf_owner, errors)
        by_pec[pec] = len(boxes)
        boxes.append(Box(line, pec, owner, family, anchor, expiry))
    if source.failed_at is not None:
        errors.append((source.failed_at, _undecodable(encoding)))
    _date.cache_clear()  # the boxes hold the dates they need; the raw texts can go
    _anniversary.cache_clear()
    return parsed


def _undecodable(encoding: str) -> str:
    return _(
        "la riga non si legge con la codifica {encoding}: indicarne un'altra con --encoding"
    ).format(encoding=encoding)


def _header_message() -> str:
    return _("Intestazione attesa: {header}").format(header=",".join(HEADER))


def _columns_message(found: int) -> str:
    return _n("attese {n} colonne, trovata {m}", "attese {n} colonne, trovate {m}", found).format(
        n=len(HEADER), m=found
    )


def _owner(
    person: Person,
    line: int,
    people: list[Person],
    users: dict[str, int],
    cf_owner: dict[str, int],
    errors: list[tuple[int, str]],
) -> int:
    """The index of the row's subscriber in `people` (added when new); rows of one userid
    must agree, and a codice fiscale belongs to one userid."""
    owner = users.get(person.userid)
    if owner is None:
        owner = users[person.userid] = len(people)
        people.append(person)
    first = people[owner]
    if first.data() != person.data():
        errors.append(
            (
                line,
                _("dati di {userid} diversi da quelli della riga {first}").format(
                    userid=person.userid, first=first.line
                ),
            )
        )
    holder = people[cf_owner.setdefault(person.codice_fiscale, owner)]
    if holder.userid != person.userid:
        errors.append(
            (
                line,
                _("codice fiscale già usato da {userid} alla riga {first}").format(
                    userid=holder.userid, first=holder.line
                ),
            )
        )
    return owner


_LIMITS = tuple((HEADER.index(name), name, limit) for name, limit in MAX_LENGTH.items())


class _RowChecker:
    """One record to its checked values, or `InvalidInput` naming the column. A person's
    columns repeat on each of their boxes, usually on consecutive rows: the last person checked
    is remembered (only the last: a cache of every person would hold the raw columns of all)."""

    def __init__(self, refdata: ReferenceData) -> None:
        self.refdata = refdata
        self._last: tuple[tuple[str, ...], Person | InvalidInput] | None = None

    def row(self, line: int, record: list[str]) -> tuple[Person, str, MailboxFamily, date, date]:
        cells = [cell.strip() for cell in record]
        for index, name, limit in _LIMITS:
            if len(cells[index]) > limit:
                raise InvalidInput(name, _too_long(len(cells[index]), limit))
        userid, nominativo, cf, email, area_cell, pec, famiglia, attivazione, scadenza = cells
        area_code = sys.intern(area_cell or self.refdata.default_area)
        area = self.refdata.area(area_code)
        if area is None:
            raise InvalidInput("area", _("area sconosciuta: {area}").format(area=area_code))
        person = self._person(line, (userid, nominativo, cf, email, area_code))
        family = self._family(famiglia, area_code, area.prices)
        anchor = _date(attivazione, "data_attivazione")
        expiry = _date(scadenza, "data_scadenza")
        if expiry < anchor:
            raise InvalidInput(
                "data_scadenza", _("data di scadenza precedente alla data di attivazione")
            )
        if not (anchor >= MIN_DATE and expiry <= MAX_DATE):
            raise InvalidInput(
                "data_scadenza",
                _("date fuori dall'intervallo ammesso ({first} - {last})").format(
                    first=MIN_DATE.isoformat(), last=MAX_DATE.isoformat()
                ),
            )
        if not _anniversary(anchor, expiry):
            raise InvalidInput(
                "data_scadenza",
                _("la scadenza deve cadere un numero intero di anni dopo l'attivazione"),
            )
        return person, validation.pec(pec, family, area.domains_for(family)), family, anchor, expiry

    def _person(self, line: int, raw: tuple[str, str, str, str, str]) -> Person:
        if self._last is not None and self._last[0] == raw:
            known = self._last[1]
        else:
            userid, nominativo, cf, email, area = raw
            try:
                known = Person(
                    validation.userid(userid),
                    validation.nominativo(nominativo),
                    validation.codice_fiscale(cf),
                    validation.email(email),
                    area,
                    line,
                )
            except InvalidInput as exc:
                known = exc
            self._last = (raw, known)
        if isinstance(known, InvalidInput):
            raise known
        return known

    @staticmethod
    def _family(value: str, area_code: str, prices: dict[MailboxFamily, int]) -> MailboxFamily:
        try:
            family = MailboxFamily(value.lower())
        except ValueError:
            raise InvalidInput(
                "famiglia",
                _("famiglia sconosciuta: {value} (ammesse: {allowed})").format(
                    value=value, allowed=", ".join(f.value for f in MailboxFamily)
                ),
            ) from None
        if family not in prices:
            raise InvalidInput(
                "famiglia",
                _("l'area {area} non prevede caselle {family}").format(
                    area=area_code, family=family.value
                ),
            )
        return family


# a provider file has a few thousand distinct dates for 100,000 rows: each is parsed once
_date = functools.lru_cache(maxsize=65536)(validation.calendar_date)
_anniversary = functools.lru_cache(maxsize=65536)(is_anniversary)


def _too_long(found: int, limit: int) -> str:
    return _(
        "{m} caratteri, al massimo {n}: il valore verrebbe troncato, non viene importato"
    ).format(m=found, n=limit)
