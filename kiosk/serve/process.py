"""`pec-kiosk serve` as a process: the database opened on first need, served until a signal."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.errors import unavailable
from kiosk.serve.app import ServeApp, sandbox_for
from kiosk.services.runtime import ServiceHandle
from kiosk.settings import Settings

if TYPE_CHECKING:
    from kiosk.services.facade import Services

log = logging.getLogger("kiosk.serve")


class LazyServices:
    """The services, connected on the first call and again after a failed one: `serve` starts
    (and answers 503 to the bank, which retries) while the database is still away."""

    def __init__(self, handle: ServiceHandle) -> None:
        self.handle = handle
        self._services: Services | None = None
        self._lock = asyncio.Lock()

    async def __call__(self) -> Services:
        if self._services is not None:
            return self._services
        async with self._lock:
            if self._services is None:
                try:
                    self._services = await self.handle.connect()
                except Exception as exc:
                    from kiosk.services.tx import translate

                    error = translate(exc)
                    raise error if error is not None else unavailable() from exc
        return self._services


async def serve(
    settings: Settings, *, sandbox_bank: bool, on_ready: Callable[[Settings], None] | None = None
) -> None:
    """Run until SIGTERM / SIGINT; `on_ready` hears the settings as bound (port 0: the port
    the system chose, which the bank's and the notification's URLs then follow)."""
    handle = ServiceHandle(settings)
    handle.enter()
    try:
        app = ServeApp(
            settings,
            LazyServices(handle),
            sandbox_bank=sandbox_for(settings) if sandbox_bank else None,
        )
        port = await app.start()
        if port != settings.serve_port:  # before the first connection builds the gateway
            handle.settings = settings = settings.model_copy(update={"serve_port": port})
        if on_ready is not None:
            on_ready(settings)
        try:
            await app.run_until_signalled()
        finally:
            await app.stop()
    finally:
        await handle.close()
