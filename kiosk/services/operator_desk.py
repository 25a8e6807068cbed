"""`OperatorFrontDesk`: the `OperatorDesk` on top of the services, through the kiosk's link
(`FrontDesk._call`: the database context, `Unavailable` while the database is away)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.domain.model import PaymentMethod
from kiosk.services.desk_dto import AssistedOrder, ChequeDetails, DeskPaymentView
from kiosk.services.dto import DocumentFile, Quote, SessionUser

if TYPE_CHECKING:
    from kiosk.services.frontdesk import FrontDesk


class OperatorFrontDesk:
    def __init__(self, front: FrontDesk) -> None:
        self._front = front
        self._call = front._call

    # --- assisted renewal -------------------------------------------------------------------

    async def assisted_quote(self, operator: str, userid: str, pec: str) -> Quote:
        return await self._call(lambda s: s.desk.assisted_quote(operator, userid, pec))

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
        return await self._call(
            lambda s: s.desk.assisted_order(
                operator, userid, pec, method, cheque=cheque, handover=handover
            )
        )

    async def desk_payment(self, operator: str, order_code: str) -> DeskPaymentView | None:
        return await self._call(lambda s: s.desk.desk_payment(operator, order_code))

    async def print_receipt(self, operator: str, order_code: str) -> DocumentFile:
        return await self._call(lambda s: s.receipts.print_receipt(operator, order_code))

    # --- the walk-in hand-over ----------------------------------------------------------------

    async def handover_login(self, userid: str, password: str, *, lawyer: str) -> SessionUser:
        return await self._call(lambda s: s.desk.handover_login(userid, password, lawyer=lawyer))

    async def end_handover(self, operator: str, lawyer: str, *, how: str) -> None:
        await self._call(lambda s: s.desk.end_handover(operator, lawyer, how=how))
