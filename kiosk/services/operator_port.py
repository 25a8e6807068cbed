"""What the help desk's screens may ask of the core (`host.desk.operator`).

The counterpart of `Desk` for operators and administrators: every call names the acting
operator (`operator`, a userid) so that the services can check the role and audit who did it.
`kiosk.services.operator_desk.OperatorFrontDesk` implements it on top of the services.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # named in annotations only: imported after the kiosk's first paint
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
