"""What the help desk's screens may ask of the core (`host.desk.operator`).

The counterpart of `Desk` for operators and administrators: every call names the acting
operator (`operator`, a userid) so that the services can check the role and audit who did it.
`kiosk.services.operator_desk.OperatorFrontDesk` implements it on top of the services.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.domain.model import Role
from kiosk.services.admin_dto import (
    AccountHolder,
    StaffAccess,
    StaffMember,
    StatementException,
    TopUpDone,
)
from kiosk.services.dto import OrderView, PaymentConfirmation, StatementImport


class OperatorDesk(Protocol):
    """Everything an operator screen may ask of the core (methods added per feature)."""

    # --- the administration only (refused to operators: `Refusal(NOT_ADMIN)`) ----------------

    async def admin_account_holder(self, operator: str, userid: str) -> AccountHolder: ...

    async def admin_top_up(
        self, operator: str, userid: str, amount_cents: int, reference: str, note: str = ""
    ) -> TopUpDone: ...

    async def admin_order(self, operator: str, code: str) -> OrderView: ...

    async def admin_confirm_payment(
        self,
        operator: str,
        code: str,
        amount_cents: int,
        reference: str,
        *,
        force: bool = False,
        note: str = "",
    ) -> PaymentConfirmation: ...

    async def admin_import_statement(self, operator: str, path: str) -> StatementImport: ...

    async def admin_statement_exceptions(
        self, operator: str, *, include_resolved: bool = False
    ) -> tuple[StatementException, ...]: ...

    async def admin_match_exception(
        self, operator: str, line_id: int, order_code: str, *, force: bool = False, note: str = ""
    ) -> StatementException: ...

    async def admin_refund_exception(
        self, operator: str, line_id: int, note: str
    ) -> StatementException: ...

    async def staff_members(self, operator: str) -> tuple[StaffMember, ...]: ...

    async def staff_add(
        self,
        operator: str,
        *,
        userid: str,
        nominativo: str,
        email: str,
        role: Role,
        codice_fiscale: str = "",
    ) -> StaffAccess: ...

    async def staff_set_enabled(self, operator: str, userid: str, enabled: bool) -> StaffMember: ...

    async def staff_reset(self, operator: str, userid: str) -> StaffAccess: ...
