"""What the help desk's assisted renewal takes and gives back: a cheque's details as typed at
the desk, the money received at the desk, an assisted order with it, the operator of a hand-over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.domain.model import PaymentMethod
from kiosk.i18n import N_, _
from kiosk.services.dto import OrderView, SessionUser


@dataclass(frozen=True, slots=True)
class ChequeDetails:
    """A cheque handed in at the desk, as the operator typed it (checked by the service)."""

    bank: str
    number: str
    drawer: str
    amount: str  # as typed: `30,50`


class DeskStatus(StrEnum):
    """Where money handed in at the desk stands."""

    RECEIVED = "received"  # cash: in the till
    TO_BE_CASHED = "to_be_cashed"  # a cheque, until a statement line shows it credited
    CASHED = "cashed"

    @property
    def label(self) -> str:
        return _(_DESK_STATUS_LABELS[self])


_DESK_STATUS_LABELS = {
    DeskStatus.RECEIVED: N_("ricevuto allo sportello"),
    DeskStatus.TO_BE_CASHED: N_("da incassare"),
    DeskStatus.CASHED: N_("incassato"),
}


@dataclass(frozen=True, slots=True)
class DeskPaymentView:
    """Money received at the desk for an order."""

    order_code: str
    method: PaymentMethod
    amount_cents: int
    received_at: datetime
    received_by: str  # the operator's userid
    on_behalf_of: str  # the subscriber's userid
    status: DeskStatus
    cheque_bank: str | None = None
    cheque_number: str | None = None
    cheque_drawer: str | None = None
    cashed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AssistedOrder:
    """An assisted renewal placed at the desk; `desk` when the money was handed in there."""

    order: OrderView
    desk: DeskPaymentView | None = None


@dataclass(frozen=True, slots=True)
class ActingOperator:
    """A walk-in hand-over: `operator` acts inside `lawyer`'s session, on the lawyer's behalf."""

    operator: SessionUser
    lawyer: SessionUser
