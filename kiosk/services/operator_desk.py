"""`OperatorFrontDesk`: the `OperatorDesk` on top of the services, through the kiosk's link
(`FrontDesk._call`: the database context, `Unavailable` while the database is away)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.services.dto import DocumentFile, DocumentKind, EmailedDocument, MailboxView, OrderView
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
