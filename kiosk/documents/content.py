"""What a document says, as plain frozen data: the services fill it from the database, the
renderers (`pdf`, `fatturapa`) lay it out. Every text in it is final (Italian, formatted), so a
renderer needs neither the database nor the current language, and may run in another thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kiosk.domain.model import PaymentMethod


@dataclass(frozen=True, slots=True)
class DocumentLine:
    description: str
    net_cents: int
    period: tuple[date, date] | None = None  # the year of service a renewal buys


@dataclass(frozen=True, slots=True)
class Customer:
    """Who pays: the subscriber whose mailbox is renewed (also in an assisted renewal)."""

    name: str
    codice_fiscale: str | None
    email: str
    pec: str  # the mailbox renewed: where FatturaPA sends the invoice (PECDestinatario)
    userid: str


@dataclass(frozen=True, slots=True)
class Amounts:
    """The document's lines and totals. IVA is the order's, computed once on the taxable total
    (kiosk.domain.money): renderers copy these numbers and never compute their own."""

    lines: tuple[DocumentLine, ...]
    net_cents: int
    vat_cents: int
    total_cents: int
    vat_rate_percent: int

    def __post_init__(self) -> None:
        if sum(line.net_cents for line in self.lines) != self.net_cents:
            raise ValueError("the lines do not add up to the taxable total")
        if self.net_cents + self.vat_cents != self.total_cents:
            raise ValueError("taxable + IVA is not the total")


@dataclass(frozen=True, slots=True)
class InvoiceContent:
    year: int
    sequence: int  # the progressive number within the year
    issued_at: datetime
    issued_on: date  # in Rome
    order_code: str
    customer: Customer
    amounts: Amounts
    method: PaymentMethod
    method_label: str
    paid_on: date | None
    payment_reference: str | None
    next_expiry: date
    operator: str | None = None  # an assisted renewal: the help-desk operator (userid)

    @property
    def number(self) -> str:
        """As printed and as FatturaPA's Numero: `2026/000042`."""
        return f"{self.year}/{self.sequence:06d}"


@dataclass(frozen=True, slots=True)
class ReminderContent:
    """How to pay an order awaiting an offline payment (bonifico, bollettino, assegno)."""

    order_code: str
    created_at: datetime
    created_on: date  # in Rome
    customer: Customer
    amounts: Amounts
    method: PaymentMethod
    method_label: str
    amount_text: str  # the total as people read it: `18,30 €`
    causale: str
    causale_label: str  # "Causale", or "Da scrivere sul retro" for a cheque
    details: tuple[tuple[str, str], ...]  # the coordinates, as on the kiosk's screen
    admin_email: str
    qr_payload: str  # EPC for a bonifico, the essentials as text otherwise
    pay_by: date  # unpaid after this day, the order may be cancelled
    current_expiry: date
    next_expiry: date
    activation_delay_hours: int


@dataclass(frozen=True, slots=True)
class ReceiptContent:
    """The receipt printed at the help desk for a paid order: what was paid, how, to whom.

    `cheque`: (bank, number, drawer) of a cheque handed in at the desk; `desk_status` says where
    that money is (`ricevuto allo sportello`, `da incassare`, `incassato`)."""

    order_code: str
    paid_at: datetime
    paid_on: date  # in Rome
    customer: Customer
    amounts: Amounts
    method: PaymentMethod
    method_label: str
    payment_reference: str
    operator: str | None  # who placed the order (assisted renewal)
    received_by: str | None  # who received the money at the desk
    desk_status: str | None
    cheque: tuple[str, str, str] | None
    invoice_number: str | None
    current_expiry: date
    next_expiry: date
    activation_delay_hours: int
