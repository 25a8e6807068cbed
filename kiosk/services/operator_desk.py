"""`OperatorFrontDesk`: the `OperatorDesk` on top of the services, through the kiosk's link
(`FrontDesk._call`: the database context, `Unavailable` while the database is away)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from kiosk.domain.model import PaymentMethod, Role
from kiosk.domain.search import SubscriberHit
from kiosk.services.admin_dto import (
    AccountHolder,
    StaffAccess,
    StaffKey,
    StaffMember,
    StatementException,
    TopUpDone,
)
from kiosk.services.desk_dto import AssistedOrder, ChequeDetails, DeskPaymentView
from kiosk.services.desk_views import (
    CallbackEntry,
    CallbackQueue,
    Radar,
    ReminderSend,
    Takings,
    TakingsFile,
)
from kiosk.services.dto import (
    DocumentFile,
    DocumentKind,
    EmailedDocument,
    MailboxView,
    OrderView,
    PaymentConfirmation,
    Quote,
    SessionUser,
    StatementImport,
)
from kiosk.services.subscriber_dto import SubscriberPage

if TYPE_CHECKING:
    from kiosk.services.frontdesk import FrontDesk


class OperatorFrontDesk:
    def __init__(self, front: FrontDesk) -> None:
        self._front = front
        self._call = front._call

    # --- a subscriber's page ------------------------------------------------------------------

    async def subscriber_page(self, userid: str, *, operator: str) -> SubscriberPage:
        return await self._call(lambda s: s.subscribers.page(userid, operator=operator))

    async def link_mailbox(self, userid: str, pec: str, *, operator: str) -> MailboxView:
        return await self._call(
            lambda s: s.subscribers.link_mailbox(userid, pec, operator=operator)
        )

    async def unlock_login(self, userid: str, *, operator: str) -> bool:
        return await self._call(lambda s: s.subscribers.unlock(userid, operator=operator))

    async def send_recovery_code(self, userid: str, *, operator: str) -> str:
        return await self._call(lambda s: s.subscribers.send_recovery(userid, operator=operator))

    async def email_subscriber_document(
        self, userid: str, order_code: str, kind: DocumentKind, *, operator: str
    ) -> EmailedDocument:
        return await self._call(
            lambda s: s.subscribers.email_document(userid, order_code, kind, operator=operator)
        )

    async def print_subscriber_document(
        self, userid: str, order_code: str, kind: DocumentKind, *, operator: str
    ) -> DocumentFile:
        return await self._call(
            lambda s: s.subscribers.print_document(userid, order_code, kind, operator=operator)
        )

    async def cancel_subscriber_order(
        self, userid: str, order_code: str, *, operator: str
    ) -> OrderView:
        return await self._call(
            lambda s: s.subscribers.cancel_order(userid, order_code, operator=operator)
        )

    async def reissue_subscriber_order(
        self, userid: str, order_code: str, *, operator: str
    ) -> OrderView:
        return await self._call(
            lambda s: s.subscribers.reissue_order(userid, order_code, operator=operator)
        )

    # --- the callback queue -----------------------------------------------------------------

    async def callback_queue(
        self, operator: str, *, status: str = "open", mine: bool = False, text: str = ""
    ) -> CallbackQueue:
        return await self._call(
            lambda s: s.callbacks.queue(operator, status=status, mine=mine, text=text)
        )

    async def callback_entry(self, operator: str, key: str) -> CallbackEntry:
        return await self._call(lambda s: s.callbacks.entry(operator, key))

    async def take_callback(self, operator: str, key: str) -> CallbackEntry:
        return await self._call(lambda s: s.callbacks.take(operator, key))

    async def note_callback(self, operator: str, key: str, text: str) -> CallbackEntry:
        return await self._call(lambda s: s.callbacks.add_note(operator, key, text))

    async def close_callback(self, operator: str, key: str, outcome: str) -> CallbackEntry:
        return await self._call(lambda s: s.callbacks.close(operator, key, outcome))

    # --- the expiry radar -------------------------------------------------------------------

    async def expiry_radar(
        self, operator: str, area: str, days: int, sort: str = "expiry"
    ) -> Radar:
        return await self._call(lambda s: s.radar.scan(operator, area, days, sort))

    async def send_expiry_reminders(self, operator: str, pecs: list[str]) -> ReminderSend:
        return await self._call(lambda s: s.radar.send_reminders(operator, pecs))

    # --- the day's takings ------------------------------------------------------------------

    async def takings(self, operator: str, on: date | None = None) -> Takings:
        return await self._call(lambda s: s.takings.day(operator, on))

    async def takings_pdf(self, operator: str, on: date | None = None) -> TakingsFile:
        return await self._call(lambda s: s.takings.report(operator, on))

    async def print_takings(self, operator: str, on: date | None = None) -> TakingsFile:
        return await self._call(lambda s: s.takings.print_report(operator, on))

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

    async def staff_keys(self, operator: str, userid: str) -> tuple[StaffKey, ...]:
        return await self._call(lambda s: s.staff_keys.keys(userid, actor=operator))

    async def staff_key_add(self, operator: str, userid: str, public_key: str) -> StaffKey:
        return await self._call(lambda s: s.staff_keys.add(userid, public_key, actor=operator))

    async def staff_key_remove(self, operator: str, userid: str, fingerprint: str) -> StaffKey:
        return await self._call(lambda s: s.staff_keys.remove(userid, fingerprint, actor=operator))

    async def search(self, text: str, *, operator: str) -> tuple[SubscriberHit, ...]:
        return await self._call(lambda s: s.search.for_operator(text, operator=operator))
