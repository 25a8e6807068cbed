"""What the help desk's screens may ask of the core (`host.desk.operator`).

The counterpart of `Desk` for operators and administrators: every call names the acting
operator (`operator`, a userid) so that the services can check the role and audit who did it.
`kiosk.services.operator_desk.OperatorFrontDesk` implements it on top of the services.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.domain.model import PaymentMethod
from kiosk.services.desk_dto import AssistedOrder, ChequeDetails, DeskPaymentView
from kiosk.services.dto import DocumentFile, Quote, SessionUser


class OperatorDesk(Protocol):
    """Everything an operator screen may ask of the core (methods added per feature)."""

    # --- assisted renewal (screens.operator.assisted) ---------------------------------------

    async def assisted_quote(self, operator: str, userid: str, pec: str) -> Quote:
        """The quote with the assisted fee as its own line; `RenewalRefusal` says why not."""
        ...

    async def assisted_order(
        self,
        operator: str,
        userid: str,
        pec: str,
        method: PaymentMethod,
        *,
        cheque: ChequeDetails | None = None,
        handover: bool = False,
    ) -> AssistedOrder:
        """Place the assisted renewal; cash, or a cheque with its details, received at the
        desk (the order paid at once, a cheque to be cashed)."""
        ...

    async def desk_payment(self, operator: str, order_code: str) -> DeskPaymentView | None: ...

    async def print_receipt(self, operator: str, order_code: str) -> DocumentFile:
        """The receipt of a paid order to the desk's printer; `Refusal` says what went wrong."""
        ...

    # --- the walk-in hand-over (screens.operator.handover) -----------------------------------

    async def handover_login(self, userid: str, password: str, *, lawyer: str) -> SessionUser:
        """An operator authenticates inside `lawyer`'s session (the login's rules; anyone else
        is told the same as for a wrong password)."""
        ...

    async def end_handover(self, operator: str, lawyer: str, *, how: str) -> None:
        """Audit the end of a hand-over: `returned` to the lawyer, `ended`, or `idle`."""
        ...
