"""Frozen views returned by the services: what screens and the CLI may see of the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from kiosk.domain.dates import WindowStatus
from kiosk.domain.instructions import PaymentInstructions
from kiosk.domain.model import MailboxFamily, MailboxState, OrderStatus, PaymentMethod, Role
from kiosk.domain.money import PriceLine
from kiosk.errors import Reason, Refusal
from kiosk.refdata import Contacts


@dataclass(frozen=True, slots=True)
class SessionUser:
    """Who is logged in. Holds no secret."""

    userid: str
    nominativo: str
    role: Role
    area_code: str


@dataclass(frozen=True, slots=True)
class RegistrationStarted:
    """Iscriviti, step one done: the same answer whatever exists. `handle` names the pending
    registration for step two (the code); `message` says where the code went."""

    handle: str
    message: str
    minutes: int


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
    open_order: OpenOrder | None = None

    @property
    def pending_order_code(self) -> str | None:
        return self.open_order.code if self.open_order else None

    @property
    def renewable(self) -> bool:
        """Online renewal is possible right now (in the window, nothing open)."""
        return self.window is WindowStatus.OPEN and self.open_order is None


@dataclass(frozen=True, slots=True)
class OpenOrder:
    """A box's order that is not finished: awaiting payment, or paid and awaiting renewal."""

    code: str
    status: OrderStatus
    method: PaymentMethod
    total_cents: int
    activation_due_at: datetime | None


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
    vat_rate_percent: int
    activation_delay_hours: int
    # where to pay for each offline method, before the order (and its code) exists
    coordinates: tuple[tuple[PaymentMethod, tuple[tuple[str, str], ...]], ...] = ()

    @property
    def prepaid_covers(self) -> bool:
        return self.balance_cents >= self.total_cents

    def coordinates_for(self, method: PaymentMethod) -> tuple[tuple[str, str], ...]:
        return dict(self.coordinates).get(method, ())


class RenewalRefusal(Refusal):
    """Why this renewal cannot go ahead, and what to do instead (the order already open, the
    date the window opens, Supporto Vendite's contacts)."""

    def __init__(
        self,
        reason: Reason,
        message: str,
        pec: str,
        *,
        current_expiry: date | None = None,
        opens_on: date | None = None,
        order: OrderView | None = None,
        contacts: Contacts | None = None,
    ) -> None:
        super().__init__(reason, message)
        self.pec = pec
        self.current_expiry = current_expiry
        self.opens_on = opens_on
        self.order = order
        self.contacts = contacts


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
    activation_delay_hours: int = 24
    # card orders: the bank's page of the attempt still open, and whether the last attempt was
    # declined by the bank (the order stays payable, another method may be chosen)
    payment_url: str | None = None
    card_declined: bool = False


@dataclass(frozen=True, slots=True)
class CardCheckout:
    """The bank's page where the payer of a card order types the card."""

    order_code: str
    payment_url: str


class NotificationOutcome(StrEnum):
    """What became of one notification from the bank (`bank_notification.outcome`)."""

    PAID = "paid"
    DUPLICATE = "duplicate"  # the same payment again: nothing new
    DECLINED = "declined"  # KO: the order stays payable
    PENDING = "pending"  # the bank says the payer has not finished
    UNVERIFIED = "unverified"  # the bank could not be asked: it will notify again
    BAD_SIGNATURE = "bad_signature"
    MALFORMED = "malformed"
    UNKNOWN_ORDER = "unknown_order"
    WRONG_AMOUNT = "wrong_amount"
    CANCELLED = "cancelled"
    ALREADY_PAID = "already_paid"
    REFERENCE_USED = "reference_used"


@dataclass(frozen=True, slots=True)
class NotificationResult:
    outcome: NotificationOutcome
    needs_person: bool  # money may have moved and was not applied: refund or manual match
    order_code: str | None = None

    @property
    def retry(self) -> bool:
        """The bank should send it again (the endpoint answers 503)."""
        return self.outcome is NotificationOutcome.UNVERIFIED


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
class ActivationFailure:
    order_code: str
    reason: str


@dataclass(frozen=True, slots=True)
class ActivationRun:
    """What `activate_due` did: the boxes renewed, and the orders left for a person."""

    activated: tuple[Activation, ...]
    failed: tuple[ActivationFailure, ...] = ()


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


class DocumentKind(StrEnum):
    """The documents the program makes of an order."""

    REMINDER = "reminder"  # promemoria di pagamento (PDF), while an offline payment is awaited
    INVOICE = "invoice"  # the invoice's courtesy copy (PDF)
    FATTURAPA = "fatturapa"  # the invoice as FatturaPA XML


@dataclass(frozen=True, slots=True)
class DocumentFile:
    kind: DocumentKind
    order_code: str
    path: Path
    written: bool  # False: the file was already there with the same content


@dataclass(frozen=True, slots=True)
class InvoiceView:
    number: str  # 2026/000042
    issued_at: datetime
    order_code: str
    customer_name: str
    customer_cf: str | None
    customer_email: str
    pec: str
    method: PaymentMethod
    net_cents: int
    vat_cents: int
    total_cents: int
    xml_name: str  # the FatturaPA file's name, as the exchange system expects it


@dataclass(frozen=True, slots=True)
class InvoiceExport:
    """What `invoices export` wrote: every invoice of the year as FatturaPA XML and PDF."""

    year: int
    directory: Path
    invoices: tuple[str, ...]  # their numbers, in order
    files: tuple[Path, ...]
    written: int  # files new or changed (0 when run again)
