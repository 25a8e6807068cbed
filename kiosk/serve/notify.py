"""`POST /notify`: the bank's server-to-server notification.

The body is handed over exactly as received, with its signature header, to
`CardPaymentService.receive_notification`, which checks it, asks the bank, records it and, if it
is a payment, records that once. The answer is 200 once the notification is recorded, whatever
became of it (the bank must not keep sending a tampered or refused one); 503 when it could not
be handled now (database or bank unreachable), so that the bank sends it again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from kiosk.errors import Unavailable
from kiosk.payments.signing import SIGNATURE_HEADER

if TYPE_CHECKING:
    from kiosk.services.facade import Services

log = logging.getLogger("kiosk.serve")
MAX_BODY = 64 * 1024  # a notification is a few hundred bytes
ServicesProvider = Callable[[], Awaitable["Services"]]


def notify_handler(services: ServicesProvider) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def notify(request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return web.Response(status=413, text="too large")
        body = await request.content.read(MAX_BODY + 1)
        if len(body) > MAX_BODY:
            return web.Response(status=413, text="too large")
        try:
            result = await (await services()).cards.receive_notification(
                body, request.headers.get(SIGNATURE_HEADER)
            )
        except Unavailable as exc:
            log.warning("notification not recorded now: %s", exc.message)
            return web.Response(status=503, text="retry later")
        if result.retry:
            return web.Response(status=503, text="retry later")
        return web.Response(status=200, text="OK")

    return notify
