"""The scheduler's jobs: renew what is due, cancel what stayed unpaid.

Each run is safe beside other processes doing the same (another `serve`, a cron `pec-kiosk
activate-due`): every order changes state by a conditional UPDATE in its own transaction
(`PAID → ACTIVATED`, `PENDING → CANCELLED`), so one process does it and the others find it done.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from kiosk.errors import KioskError
from kiosk.serve.notify import ServicesProvider

log = logging.getLogger("kiosk.serve")
JOB_ACTOR = "serve"  # who the audit trail says renewed or cancelled


async def activate_due(services: ServicesProvider) -> None:
    run = await (await services()).payments.activate_due(actor=JOB_ACTOR)
    for done in run.activated:
        log.info("renewed %s (order %s)", done.pec, done.order_code)
    for failed in run.failed:
        log.warning("not renewed: %s", failed.reason)


async def cancel_stale(services: ServicesProvider) -> None:
    for code in await (await services()).payments.cancel_stale(actor=JOB_ACTOR):
        log.info("cancelled unpaid order %s", code)


async def queue_reminders(services: ServicesProvider) -> None:
    run = await (await services()).reminders.queue_due()
    if run.queued:
        log.info("expiry reminders queued: %s", run.queued)


async def send_outbox(services: ServicesProvider) -> None:
    """The outbox sender, for the life of the process (it waits for the database itself)."""
    from kiosk.mail.sender import run_sender

    while True:
        try:
            provided = await services()
        except KioskError as exc:
            log.warning("outbox sender waiting for the database: %s", exc.message)
            await asyncio.sleep(5)
            continue
        await run_sender(provided)


def every(
    seconds: float, name: str, job: Callable[[], Awaitable[None]]
) -> Callable[[], Coroutine[Any, Any, None]]:
    """A background task running `job` now and then every `seconds`; a failed run is logged
    and the next one comes at its time."""

    async def loop() -> None:
        while True:
            try:
                await job()
            except KioskError as exc:  # the database away, a rule: the next run will tell
                log.warning("%s: %s", name, exc.message)
            except Exception:
                log.exception("%s failed", name)
            await asyncio.sleep(seconds)

    return loop
