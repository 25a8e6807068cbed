"""What the help desk's queues return: the callback queue, the expiry radar, the day's takings.

Frozen data only (no ORM, no I/O): the operator screens import this before the database is
open, like `kiosk.services.dto`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from kiosk.domain.model import MailboxState
from kiosk.services.dto import OpenOrder


class CallbackStatus(StrEnum):
    OPEN = "open"
    TAKEN = "taken"
    CLOSED = "closed"


class CallbackOrigin(StrEnum):
    REQUEST = "request"  # left at the kiosk or at the desk
    WINDOW = "window"  # the queue's own: a box whose online window closed lately


@dataclass(frozen=True, slots=True)
class CallbackNoteView:
    at: datetime
    author: str
    text: str


@dataclass(frozen=True, slots=True)
class CallbackEntry:
    """One line of the queue. `key` is what take/note/close accept: the request's number, or,
    for a box past the window nobody has taken yet (no request yet: `id` None), its address."""

    key: str
    id: int | None
    origin: CallbackOrigin
    status: CallbackStatus
    pec: str
    userid: str | None
    nominativo: str
    phone: str
    expiry: date | None
    created_at: datetime | None
    taken_by: str | None = None
    taken_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    outcome: str = ""
    note: str = ""  # what the requester wrote
    notes: tuple[CallbackNoteView, ...] = ()


@dataclass(frozen=True, slots=True)
class CallbackQueue:
    entries: tuple[CallbackEntry, ...]
    truncated: bool = False  # more than the limit matched


@dataclass(frozen=True, slots=True)
class RadarRow:
    pec: str
    userid: str
    nominativo: str
    email_known: bool
    expiry: date
    state: MailboxState
    days_left: int
    open_order: OpenOrder | None


@dataclass(frozen=True, slots=True)
class Radar:
    area: str
    days: int
    sort: str  # expiry | name | userid
    today: date
    rows: tuple[RadarRow, ...]
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class ReminderSend:
    """What "send a reminder to the selection" did: queued now, already queued today (not sent
    twice), and the addresses that are not (or no longer) in the radar's reach."""

    queued: tuple[str, ...]
    already: tuple[str, ...]
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TakingsPayment:
    at: datetime
    order_code: str
    pec: str
    method: str  # a PaymentMethod value (or whatever the payment row says)
    method_label: str
    amount_cents: int
    operator: str | None  # the desk operator behind it; None: self-service or the bank
    reference: str


@dataclass(frozen=True, slots=True)
class TakingsTotal:
    key: str  # a method value, or an operator's userid ("" for none)
    label: str
    count: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class Takings:
    """Payments received on `day` (a day in Rome), totalled by method and by operator."""

    day: date
    payments: tuple[TakingsPayment, ...]
    by_method: tuple[TakingsTotal, ...]
    by_operator: tuple[TakingsTotal, ...]
    total_cents: int

    @property
    def count(self) -> int:
        return len(self.payments)


@dataclass(frozen=True, slots=True)
class TakingsFile:
    day: date
    path: Path
    written: bool  # False: the same report was already there
    printed: bool = False
