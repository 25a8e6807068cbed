"""`OperatorFrontDesk`: the `OperatorDesk` on top of the services, through the kiosk's link
(`FrontDesk._call`: the database context, `Unavailable` while the database is away)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.domain.model import Role
from kiosk.services.admin_dto import (
    AccountHolder,
    StaffAccess,
    StaffMember,
    StatementException,
    TopUpDone,
)
from kiosk.services.dto import OrderView, PaymentConfirmation, StatementImport

if TYPE_CHECKING:
    from kiosk.services.frontdesk import FrontDesk


class OperatorFrontDesk:
    def __init__(self, front: FrontDesk) -> None:
        self._front = front
        self._call = front._call

    # --- the administration only ---------------------------------------------------------

    async def admin_account_holder(self, operator: str, userid: str) -> AccountHolder:
        return await self._call(lambda s: s.admin.account_holder(userid, actor=operator))

    async def admin_top_up(
        self, operator: str, userid: str, amount_cents: int, reference: str, note: str = ""
    ) -> TopUpDone:
        return await self._call(
            lambda s: s.admin.top_up(
                userid, amount_cents, actor=operator, reference=reference, note=note
            )
        )

    async def admin_order(self, operator: str, code: str) -> OrderView:
        return await self._call(lambda s: s.admin.order(code, actor=operator))

    async def admin_confirm_payment(
        self,
        operator: str,
        code: str,
        amount_cents: int,
        reference: str,
        *,
        force: bool = False,
        note: str = "",
    ) -> PaymentConfirmation:
        return await self._call(
            lambda s: s.admin.confirm_payment(
                code, amount_cents, reference, actor=operator, force=force, note=note
            )
        )

    async def admin_import_statement(self, operator: str, path: str) -> StatementImport:
        return await self._call(lambda s: s.admin.import_statement(path, actor=operator))

    async def admin_statement_exceptions(
        self, operator: str, *, include_resolved: bool = False
    ) -> tuple[StatementException, ...]:
        return await self._call(
            lambda s: s.admin.exceptions(actor=operator, include_resolved=include_resolved)
        )

    async def admin_match_exception(
        self, operator: str, line_id: int, order_code: str, *, force: bool = False, note: str = ""
    ) -> StatementException:
        return await self._call(
            lambda s: s.admin.match_exception(
                line_id, order_code, actor=operator, force=force, note=note
            )
        )

    async def admin_refund_exception(
        self, operator: str, line_id: int, note: str
    ) -> StatementException:
        return await self._call(
            lambda s: s.admin.refund_exception(line_id, actor=operator, note=note)
        )

    async def staff_members(self, operator: str) -> tuple[StaffMember, ...]:
        return await self._call(lambda s: s.staff.members(actor=operator))

    async def staff_add(
        self,
        operator: str,
        *,
        userid: str,
        nominativo: str,
        email: str,
        role: Role,
        codice_fiscale: str = "",
    ) -> StaffAccess:
        return await self._call(
            lambda s: s.staff.add(
                actor=operator,
                userid=userid,
                nominativo=nominativo,
                email=email,
                role=role,
                codice_fiscale=codice_fiscale,
            )
        )

    async def staff_set_enabled(self, operator: str, userid: str, enabled: bool) -> StaffMember:
        return await self._call(lambda s: s.staff.set_enabled(userid, enabled, actor=operator))

    async def staff_reset(self, operator: str, userid: str) -> StaffAccess:
        return await self._call(lambda s: s.staff.reset(userid, actor=operator))
