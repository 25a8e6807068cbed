"""Frozen views returned by the services: what screens and the CLI may see of the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from kiosk.domain.dates import WindowStatus
from kiosk.domain.instructions import PaymentInstructions
from kiosk.domain.model import (
    MailboxFamily,
    MailboxState,
    OrderStatus,
    PaymentMethod,
    Refusal,
    Role,
)
from kiosk.domain.money import PriceLine
from kiosk.refdata import Contacts


@dataclass(frozen=True, slots=True)
class SessionUser:
    """Who is logged in. Holds no secret."""

    userid: str
    nominativo: str
    role: Role
    area_code: str


@dataclass(frozen=True, slots=True)
class MailboxView:
    address: str
    family: MailboxFamily
    area_code: str
    anchor_date: date
    expiry: date
    state: MailboxState
    days_left: int
    opens_on: date
    closes_on: date
    window: WindowStatus
    pending_order_code: str | None

    @property
    def renewable(self) -> bool:
        """Online renewal is possible right now (in the window, nothing pending)."""
        return self.window is WindowStatus.OPEN and self.pending_order_code is None


@dataclass(frozen=True, slots=True)
class AccountView:
    userid: str
    nominativo: str
    email: str
    role: Role
    area_code: str
    balance_cents: int
    mailboxes: tuple[MailboxView, ...]


@dataclass(frozen=True, slots=True)
class Quote:
    """The cost and the next expiry, shown before anything is paid."""

    userid: str
    mailbox: MailboxView
    lines: tuple[PriceLine, ...]
    net_cents: int
    vat_cents: int
    total_cents: int
    current_expiry: date
    next_expiry: date
    assisted: bool
    balance_cents: int

    @property
    def prepaid_covers(self) -> bool:
        return self.balance_cents >= self.total_cents


@dataclass(frozen=True, slots=True)
class RenewalRefusal:
    """Why this renewal cannot go ahead, and what to do instead."""

    reason: Refusal
    message: str
    pec: str
    current_expiry: date | None = None
    opens_on: date | None = None
    order_code: str | None = None
    order_method: PaymentMethod | None = None
    instructions: PaymentInstructions | None = None
    contacts: Contacts | None = None


@dataclass(frozen=True, slots=True)
class OrderView:
    code: str
    status: OrderStatus
    method: PaymentMethod
    userid: str
    pec: str
    lines: tuple[PriceLine, ...]
    net_cents: int
    vat_cents: int
    total_cents: int
    current_expiry: date
    next_expiry: date
    created_at: datetime
    assisted: bool
    operator: str | None = None
    paid_at: datetime | None = None
    activation_due_at: datetime | None = None
    activated_at: datetime | None = None
    invoice_number: str | None = None
    instructions: PaymentInstructions | None = None
    balance_after_cents: int | None = None


@dataclass(frozen=True, slots=True)
class PaymentConfirmation:
    order_code: str
    invoice_number: str
    activation_due_at: datetime
    already_confirmed: bool


@dataclass(frozen=True, slots=True)
class Activation:
    order_code: str
    pec: str
    new_expiry: date


@dataclass(frozen=True, slots=True)
class CallbackView:
    id: int
    pec: str
    userid: str | None
    phone: str
    created_at: datetime
    status: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    subscribers_created: int
    mailboxes_created: int
    rows_unchanged: int
    errors: tuple[tuple[int, str], ...] = field(default=())
