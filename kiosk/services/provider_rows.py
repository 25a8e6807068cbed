"""What a provider file holds once parsed: its subscribers once each (`Person`), its boxes
(`Box`, kept column by column in `Boxes`), and what was wrong with it.

Sized for 100,000 rows in a process that must stay under 150 MB: plain tuples, a subscriber's
columns once however many boxes they have, and the boxes' columns in arrays.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from kiosk.domain.model import MailboxFamily

__all__ = ["Box", "Boxes", "ParsedFile", "Person"]


class Person(NamedTuple):
    """A subscriber of the file as its first row (`line`) says: a plain tuple, 60,000 of them
    in a large file."""

    userid: str
    nominativo: str
    codice_fiscale: str
    email: str
    area: str
    line: int

    def data(self) -> tuple[str, str, str, str]:
        """What every row of this userid must repeat (and the database must hold)."""
        return (self.nominativo, self.codice_fiscale, self.email, self.area)


class Box(NamedTuple):
    """A mailbox of the file; `owner` is its subscriber's index in `ParsedFile.people`, and the
    box's area is the subscriber's."""

    line: int
    pec: str
    owner: int
    family: MailboxFamily
    anchor: date
    expiry: date


_FAMILIES = tuple(MailboxFamily)


class Boxes:
    """The file's boxes kept column by column, handed out as `Box` one at a time: 100,000
    tuples and their line numbers would hold ~10 MB more."""

    __slots__ = ("_anchors", "_expiries", "_families", "_lines", "_owners", "_pecs")

    def __init__(self) -> None:
        self._lines = array("l")
        self._pecs: list[str] = []
        self._owners = array("l")
        self._families = bytearray()
        self._anchors: list[date] = []
        self._expiries: list[date] = []

    def append(self, box: Box) -> None:
        self._lines.append(box.line)
        self._pecs.append(box.pec)
        self._owners.append(box.owner)
        self._families.append(_FAMILIES.index(box.family))
        self._anchors.append(box.anchor)
        self._expiries.append(box.expiry)

    def __len__(self) -> int:
        return len(self._pecs)

    def __getitem__(self, i: int) -> Box:
        family = _FAMILIES[self._families[i]]
        anchor, expiry = self._anchors[i], self._expiries[i]
        return Box(self._lines[i], self._pecs[i], self._owners[i], family, anchor, expiry)

    def __iter__(self) -> Iterator[Box]:
        return (self[i] for i in range(len(self)))


@dataclass(slots=True)
class ParsedFile:
    people: list[Person] = field(default_factory=list)  # one per userid, first occurrence
    boxes: Boxes = field(default_factory=Boxes)  # one per PEC, first occurrence
    errors: list[tuple[int, str]] = field(default_factory=list)
    duplicates: int = 0  # rows said twice, identically
    encoding: str = "utf-8"
