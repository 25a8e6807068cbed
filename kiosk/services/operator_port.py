"""What the help desk's screens may ask of the core (`host.desk.operator`).

The counterpart of `Desk` for operators and administrators: every call names the acting
operator (`operator`, a userid) so that the services can check the role and audit who did it.
`kiosk.services.operator_desk.OperatorFrontDesk` implements it on top of the services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # named in annotations only: imported after the kiosk's first paint
    from datetime import date

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


class OperatorDesk(Protocol):
    """Everything an operator screen may ask of the core (methods added per feature)."""

    # --- a subscriber's page (kiosk.services.subscribers) ----------------------------------

    async def subscriber_page(self, userid: str, *, operator: str) -> SubscriberPage: ...

    async def link_mailbox(self, userid: str, pec: str, *, operator: str) -> MailboxView: ...

    async def unlock_login(self, userid: str, *, operator: str) -> bool: ...

    async def send_recovery_code(self, userid: str, *, operator: str) -> str:
        """The masked e-mail address on record the code went to."""
        ...

    async def email_subscriber_document(
        self, userid: str, order_code: str, kind: DocumentKind, *, operator: str
    ) -> EmailedDocument: ...

    async def print_subscriber_document(
        self, userid: str, order_code: str, kind: DocumentKind, *, operator: str
    ) -> DocumentFile: ...

    async def cancel_subscriber_order(
        self, userid: str, order_code: str, *, operator: str
    ) -> OrderView: ...

    async def reissue_subscriber_order(
        self, userid: str, order_code: str, *, operator: str
    ) -> OrderView: ...

    # --- the callback queue (kiosk.services.callbacks) ----------------------------------------

    async def callback_queue(
        self, operator: str, *, status: str = "open", mine: bool = False, text: str = ""
    ) -> CallbackQueue: ...

    async def callback_entry(self, operator: str, key: str) -> CallbackEntry: ...

    async def take_callback(self, operator: str, key: str) -> CallbackEntry: ...

    async def note_callback(self, operator: str, key: str, text: str) -> CallbackEntry: ...

    async def close_callback(self, operator: str, key: str, outcome: str) -> CallbackEntry: ...

    # --- the expiry radar (kiosk.services.radar) ----------------------------------------------

    async def expiry_radar(
        self, operator: str, area: str, days: int, sort: str = "expiry"
    ) -> Radar: ...

    async def send_expiry_reminders(self, operator: str, pecs: list[str]) -> ReminderSend: ...

    # --- the day's takings (kiosk.services.takings) -------------------------------------------

    async def takings(self, operator: str, on: date | None = None) -> Takings: ...

    async def takings_pdf(self, operator: str, on: date | None = None) -> TakingsFile: ...

    async def print_takings(self, operator: str, on: date | None = None) -> TakingsFile: ...

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

    async def staff_keys(self, operator: str, userid: str) -> tuple[StaffKey, ...]:
        """The SSH keys of the operator `userid`, oldest first."""
        ...

    async def staff_key_add(self, operator: str, userid: str, public_key: str) -> StaffKey:
        """Authorise an OpenSSH public key line for `userid` (`InvalidInput("public_key")` if
        it is not one, `Conflict` if some operator has it already)."""
        ...

    async def staff_key_remove(self, operator: str, userid: str, fingerprint: str) -> StaffKey: ...

    async def search(self, text: str, *, operator: str) -> tuple[SubscriberHit, ...]:
        """Cerca: subscribers by userid, PEC address, codice fiscale or name (prefix, case and
        accents ignored; nothing under 2 characters); `Refusal(NOT_OPERATOR)` unless
        `operator` is an operator or the administration."""
        ...
