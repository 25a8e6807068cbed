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
from kiosk.i18n import N_, _
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


class LineOutcome(StrEnum):
    """What reconciliation made of a credit line of a bank statement."""

    CONFIRMED = "confirmed"
    ALREADY_RECORDED = "already_recorded"  # this very payment was confirmed before (by hand)
    ALREADY_IMPORTED = "already_imported"  # this entry reference came in an earlier import
    CHEQUE_CASHED = "cheque_cashed"  # a cheque received at the desk (order paid then) credited
    # the rest need a person
    DUPLICATE = "duplicate_line"
    NO_CODE = "no_code"
    MISTYPED = "mistyped_code"
    UNKNOWN_ORDER = "unknown_order"
    WRONG_AMOUNT = "wrong_amount"
    ALREADY_PAID = "already_paid"
    CANCELLED = "cancelled"
    REFERENCE_USED = "reference_used"
    NOT_EURO = "not_euro"

    @property
    def needs_person(self) -> bool:
        return self not in _SETTLED

    @property
    def label(self) -> str:
        from kiosk.i18n import _

        return _(_OUTCOME_LABELS[self])  # a LineOutcome's label


_SETTLED = frozenset(
    (
        LineOutcome.CONFIRMED,
        LineOutcome.ALREADY_RECORDED,
        LineOutcome.ALREADY_IMPORTED,
        LineOutcome.CHEQUE_CASHED,
    )
)
_OUTCOME_LABELS = {
    LineOutcome.CONFIRMED: N_("confermato"),
    LineOutcome.ALREADY_RECORDED: N_("già registrato"),
    LineOutcome.ALREADY_IMPORTED: N_("già importato"),
    LineOutcome.CHEQUE_CASHED: N_("assegno incassato"),
    LineOutcome.DUPLICATE: N_("riga doppia"),
    LineOutcome.NO_CODE: N_("senza codice ordine"),
    LineOutcome.MISTYPED: N_("codice errato"),
    LineOutcome.UNKNOWN_ORDER: N_("ordine sconosciuto"),
    LineOutcome.WRONG_AMOUNT: N_("importo diverso"),
    LineOutcome.ALREADY_PAID: N_("ordine già pagato"),
    LineOutcome.CANCELLED: N_("ordine annullato"),
    LineOutcome.REFERENCE_USED: N_("riferimento già usato"),
    LineOutcome.NOT_EURO: N_("non in euro"),
}


@dataclass(frozen=True, slots=True)
class StatementLineResult:
    """One credit line and its outcome; `suggestions`: open orders it may mean (never applied)."""

    where: str
    reference: str
    booked_on: date | None
    amount_cents: int
    causale: str
    outcome: LineOutcome
    message: str
    order_code: str | None = None
    invoice_number: str | None = None
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StatementImport:
    """What `payments import` did (or, `dry_run`, would do) with one statement file."""

    file_hash: str
    format: str
    profile: str | None
    dry_run: bool
    lines: tuple[StatementLineResult, ...]
    ignored: int  # debits and entries not yet booked

    @property
    def confirmed(self) -> tuple[StatementLineResult, ...]:
        return tuple(r for r in self.lines if r.outcome is LineOutcome.CONFIRMED)

    @property
    def to_check(self) -> tuple[StatementLineResult, ...]:
        return tuple(r for r in self.lines if r.outcome.needs_person)

    @property
    def settled(self) -> tuple[StatementLineResult, ...]:
        """Already there: imported before, or the same payment confirmed by hand."""
        return tuple(
            r
            for r in self.lines
            if not r.outcome.needs_person and r.outcome is not LineOutcome.CONFIRMED
        )


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
class BoxExpiryChange:
    """A box of the provider's file whose expiry differs from ours (same box otherwise)."""

    line: int
    pec: str
    our_expiry: date
    provider_expiry: date


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did (or, with `dry_run`, would do). `rows_unchanged` counts the boxes
    already here as they are (`kept_ours` among them: our expiry is the later one);
    `renewed_elsewhere`: boxes whose later expiry at the provider replaced ours
    (`mailboxes_updated` of them); `duplicates`: rows said twice, identically."""

    subscribers_created: int
    mailboxes_created: int
    rows_unchanged: int
    errors: tuple[tuple[int, str], ...] = field(default=())
    duplicates: int = 0
    mailboxes_updated: int = 0
    renewed_elsewhere: tuple[BoxExpiryChange, ...] = ()
    kept_ours: tuple[BoxExpiryChange, ...] = ()
    dry_run: bool = False
    encoding: str = "utf-8"


class DocumentKind(StrEnum):
    """The documents the program makes of an order."""

    REMINDER = "reminder"  # promemoria di pagamento (PDF), while an offline payment is awaited
    INVOICE = "invoice"  # the invoice's courtesy copy (PDF)
    FATTURAPA = "fatturapa"  # the invoice as FatturaPA XML
    RECEIPT = "receipt"  # the receipt printed at the help desk (PDF)


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
    operator: str | None = None  # an assisted renewal: the help-desk operator


@dataclass(frozen=True, slots=True)
class InvoiceExport:
    """What `invoices export` wrote: every invoice of the year as FatturaPA XML and PDF."""

    year: int
    directory: Path
    invoices: tuple[str, ...]  # their numbers, in order
    files: tuple[Path, ...]
    written: int  # files new or changed (0 when run again)


class ProblemKind(StrEnum):
    """What `pec-kiosk db check` can find wrong (stable codes, for `--json` and scripts)."""

    LEDGER_BALANCE = "ledger_balance"  # a prepaid balance differs from the sum of its ledger
    PAID_WITHOUT_PAYMENT = "paid_without_payment"
    PAID_WITHOUT_INVOICE = "paid_without_invoice"
    UNPAID_WITH_PAYMENT = "unpaid_with_payment"
    UNPAID_WITH_INVOICE = "unpaid_with_invoice"
    INVOICE_GAP = "invoice_gap"  # a year's invoice numbers are not 1..N
    INVOICE_DATE_ORDER = "invoice_date_order"  # an invoice dated before the one numbered before
    OPEN_ORDERS = "open_orders"  # more than one open order for a mailbox
    INVOICE_COUNTER = "invoice_counter"  # a year's counter is not its highest invoice number


@dataclass(frozen=True, slots=True)
class Problem:
    """One inconsistency found in the database: its kind, what it concerns, in words."""

    kind: ProblemKind
    subject: str
    message: str


# --- e-mail --------------------------------------------------------------------------------


class MailStatus(StrEnum):
    """Where an outbox message stands."""

    PENDING = "pending"  # waiting for its (next) attempt
    SENDING = "sending"  # claimed by a sender (until its lease runs out)
    SENT = "sent"
    FAILED = "failed"  # failed for good: `outbox retry` queues it again

    @property
    def label(self) -> str:
        return _(_MAIL_STATUS_LABELS[self])


_MAIL_STATUS_LABELS = {
    MailStatus.PENDING: N_("da inviare"),
    MailStatus.SENDING: N_("in invio"),
    MailStatus.SENT: N_("inviato"),
    MailStatus.FAILED: N_("non recapitabile"),
}


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    mime_type: str  # e.g. application/pdf
    data: bytes


@dataclass(frozen=True, slots=True)
class RenderedMail:
    """An outbox message as it goes out: rendered at send time, codes and attachments
    included (held in memory only)."""

    to: str
    subject: str
    body: str
    message_id: str
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """An outbox row as the back office sees it: never the body of a message with a code."""

    id: int
    kind: str
    template: str
    to_address: str
    status: MailStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    message_id: str
    lang: str


@dataclass(frozen=True, slots=True)
class MailClaim:
    """A message a sender has claimed: its lease is `token` until `until`."""

    id: int
    token: str
    attempts: int  # this one included


@dataclass(frozen=True, slots=True)
class SendReport:
    """One pass of the sender: what went, what waits for a retry, what failed for good."""

    sent: tuple[int, ...] = ()
    retrying: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class EmailedDocument:
    """A document queued for e-mail: where it goes, with the address partially masked."""

    order_code: str
    kind: DocumentKind
    masked_address: str


@dataclass(frozen=True, slots=True)
class ReminderRun:
    """Expiry reminders queued by one run of the `reminders` job."""

    queued: tuple[str, ...]  # the mailboxes reminded
    already: int  # due, but queued by an earlier run
