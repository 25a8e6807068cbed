"""What the help desk's assisted renewal takes and gives back: a cheque's details as typed at
the desk, the money received at the desk, an assisted order with it, the operator of a hand-over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.domain import validation
from kiosk.domain.model import PaymentMethod
from kiosk.domain.money import parse_amount
from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _
from kiosk.services.dto import OrderView, SessionUser


@dataclass(frozen=True, slots=True)
class ChequeDetails:
    """A cheque handed in at the desk, as the operator typed it (checked by the service)."""

    bank: str
    number: str
    drawer: str
    amount: str  # as typed: `30,50`


BANK_MAX, DRAWER_MAX = 80, 120
_CHEQUE_NUMBER = re.compile(r"^[0-9A-Z][0-9A-Z-]{2,19}$")


def checked_cheque(cheque: ChequeDetails) -> tuple[str, str, str, int]:
    """Bank, number, drawer and amount in cents, or the first field that is wrong."""
    errors = cheque_errors(cheque)
    if errors:
        raise errors[0]
    number = "".join(cheque.number.split()).upper()
    return (
        " ".join(cheque.bank.split()),
        number,
        " ".join(cheque.drawer.split()),
        parse_amount(cheque.amount),
    )


def cheque_errors(cheque: ChequeDetails) -> list[InvalidInput]:
    """Every field of the cheque form that is wrong, at once (the screen shows them all)."""
    errors = []
    for field, value, limit, missing in (
        ("cheque_bank", cheque.bank, BANK_MAX, _("Indicare la banca dell'assegno.")),
        ("cheque_drawer", cheque.drawer, DRAWER_MAX, _("Indicare chi ha firmato l'assegno.")),
    ):
        try:
            if not validation.free_text(value, field, limit):
                errors.append(InvalidInput(field, missing))
        except InvalidInput as exc:
            errors.append(exc)
    number = "".join(cheque.number.split()).upper()
    if not _CHEQUE_NUMBER.match(number):
        errors.append(
            InvalidInput(
                "cheque_number",
                _("Numero dell'assegno non valido: da 3 a 20 cifre o lettere."),
            )
        )
    try:
        if parse_amount(cheque.amount) <= 0:
            raise ValueError
    except ValueError:
        errors.append(InvalidInput("cheque_amount", _("Importo non valido (es. 30,50).")))
    order = {"cheque_bank": 0, "cheque_number": 1, "cheque_drawer": 2, "cheque_amount": 3}
    return sorted(errors, key=lambda e: order[e.field])


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
