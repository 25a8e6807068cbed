"""What the administration's use cases return (`kiosk.services.admin`, `kiosk.services.staff`):
frozen dataclasses, for the screens and the CLI alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kiosk.domain.model import Role
from kiosk.i18n import N_
from kiosk.services.dto import LineOutcome


@dataclass(frozen=True, slots=True)
class AccountHolder:
    """Whose prepaid account a top-up is for, shown before it is confirmed."""

    userid: str
    nominativo: str
    balance_cents: int


@dataclass(frozen=True, slots=True)
class TopUpDone:
    userid: str
    amount_cents: int
    balance_cents: int  # after the top-up


class Resolution(StrEnum):
    """What the administration made of a statement line that needed a person."""

    MATCHED = "matched"  # confirmed as the payment of an order
    REFUND = "refund"  # to be sent back to the payer

    @property
    def label(self) -> str:
        from kiosk.i18n import _

        return _(_RESOLUTION_LABELS[self])  # a Resolution's label


_RESOLUTION_LABELS = {
    Resolution.MATCHED: N_("abbinata"),
    Resolution.REFUND: N_("da rimborsare"),
}


@dataclass(frozen=True, slots=True)
class StatementException:
    """An imported statement line that did not match an order by itself (`outcome` says why),
    and, once a person resolved it, how (`resolution`), by whom, when, with what note."""

    id: int
    reference: str
    booked_on: date | None
    amount_cents: int
    causale: str
    outcome: LineOutcome
    order_code: str | None
    imported_at: datetime
    resolution: Resolution | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    note: str = ""
    invoice_number: str | None = None  # a line matched just now: the invoice it issued


@dataclass(frozen=True, slots=True)
class StaffMember:
    """An operator or administrator, as the administration manages them."""

    userid: str
    nominativo: str
    email: str
    role: Role
    created_at: datetime
    disabled_at: datetime | None
    has_password: bool  # False: a new account (or a reset one) still waiting for its code

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


@dataclass(frozen=True, slots=True)
class StaffAccess:
    """A new staff account, or a reset one: the code to choose a password went by e-mail to
    `email` (the address on record); nobody else ever sees it, the administrator included."""

    member: StaffMember
    minutes: int  # how long the e-mailed code is valid


@dataclass(frozen=True, slots=True)
class StaffKey:
    """One SSH public key of an operator, as the administration sees it (`staff_keys`): its
    OpenSSH SHA256 fingerprint, type and comment, who added it and when."""

    userid: str
    fingerprint: str
    key_type: str
    comment: str
    added_by: str
    added_at: datetime
