"""Delivering the outbox: `send_due_once` (one pass: claim what is due, render, send, mark) and
`run_sender` (the loop `pec-kiosk serve` runs among its background tasks).

Nothing is lost while the relay is down: a failed attempt leaves the row `pending` with a later
`next_attempt_at` (exponential backoff), and only a permanent refusal, a message whose subject
is gone, or `mail_max_attempts` failures make it `failed` (`pec-kiosk outbox retry`). A sender
killed between the relay's acceptance and `mark_sent` leaves the row `sending` until its lease
runs out; another sender then sends it again with the same Message-ID (at most one duplicate,
recognisable as such).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from kiosk.errors import KioskError, Refusal
from kiosk.mail.compose import compose
from kiosk.mail.transport import DeliveryError, SmtpTransport, Transport
from kiosk.services.dto import MailStatus, SendReport
from kiosk.services.facade import Services

log = logging.getLogger("kiosk.mail")
BATCH = 50


async def send_due_once(
    services: Services, *, transport: Transport | None = None, limit: int = BATCH
) -> SendReport:
    """Send what is due now, once. `Unavailable` when the database cannot be reached."""
    settings = services.ctx.settings
    transport = transport or SmtpTransport(settings)
    outbox = services.outbox
    sent: list[int] = []
    retrying: list[int] = []
    failed: list[int] = []
    for claim in await outbox.claim_due(limit):
        row = await outbox.claimed_row(claim)
        try:
            mail = await outbox.render_mail(row)
        except Refusal as exc:  # what it reported is gone: it must not be sent
            await outbox.mark_failed(claim, exc.message, permanent=True)
            failed.append(claim.id)
            continue
        except KioskError:
            raise
        except Exception as exc:  # a fault of ours: logged, tried again later
            log.exception("cannot render outbox message %s", claim.id)
            await outbox.mark_failed(claim, f"{type(exc).__name__}: {exc}", permanent=False)
            retrying.append(claim.id)
            continue
        message = compose(mail, sender=settings.mail_from, at=services.ctx.now())
        try:
            await transport.send(message)
        except DeliveryError as exc:
            status = await outbox.mark_failed(claim, str(exc), permanent=exc.permanent)
            log.warning("outbox message %s not delivered (%s): %s", claim.id, status.value, exc)
            (failed if status is MailStatus.FAILED else retrying).append(claim.id)
            continue
        await outbox.mark_sent(claim)
        log.info("outbox message %s sent (%s)", claim.id, mail.message_id)
        sent.append(claim.id)
    return SendReport(tuple(sent), tuple(retrying), tuple(failed))


async def run_sender(
    services: Services,
    *,
    transport: Transport | None = None,
    poll_seconds: float | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Send due messages every `poll_seconds` (default `mail_poll_seconds`) until `stop` is set
    or the task is cancelled; a full batch is followed at once by the next. Several senders
    (processes or hosts) may run at once: rows are claimed with a lease."""
    poll = services.ctx.settings.mail_poll_seconds if poll_seconds is None else poll_seconds
    stop = stop or asyncio.Event()
    while not stop.is_set():
        busy = False
        try:
            report = await send_due_once(services, transport=transport)
            busy = len(report.sent) + len(report.retrying) + len(report.failed) >= BATCH
        except KioskError as exc:  # the database is away: the messages wait in it
            log.warning("outbox sender: %s", exc.message)
        except Exception:
            log.exception("outbox sender")
        if busy:
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), poll)
