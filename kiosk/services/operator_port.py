"""What the help desk's screens may ask of the core (`host.desk.operator`).

The counterpart of `Desk` for operators and administrators: every call names the acting
operator (`operator`, a userid) so that the services can check the role and audit who did it.
`kiosk.services.operator_desk.OperatorFrontDesk` implements it on top of the services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # named in annotations only: imported after the kiosk's first paint
    from datetime import date

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
