"""`OperatorFrontDesk`: the `OperatorDesk` on top of the services, through the kiosk's link
(`FrontDesk._call`: the database context, `Unavailable` while the database is away)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.domain.search import SubscriberHit

if TYPE_CHECKING:
    from kiosk.services.frontdesk import FrontDesk


class OperatorFrontDesk:
    def __init__(self, front: FrontDesk) -> None:
        self._front = front
        self._call = front._call

    async def search(self, text: str, *, operator: str) -> tuple[SubscriberHit, ...]:
        return await self._call(lambda s: s.search.for_operator(text, operator=operator))
