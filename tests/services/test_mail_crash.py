"""A sender killed (SIGKILL) after the relay received the message but before it could mark it
sent: the row stays claimed until its lease runs out, then another sender sends it again with
the same Message-ID. At most one duplicate, recognisable as such. Both backends."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.model import PaymentMethod
from kiosk.mail.sender import send_due_once
from kiosk.mail.transport import SmtpTransport
from kiosk.services.facade import Services
from kiosk.store.models import OutboxEmail
from tests.cli.helpers import FAST_HASHING, ROOT
from tests.services.conftest import SOSPESA
from tests.smtp import Inbox, smtp_server, smtp_settings

pytestmark = pytest.mark.serial


async def test_kill_between_send_and_mark_sent_gives_one_duplicate_at_most(
    demo: Services, clock: FixedClock
) -> None:
    await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    row = await OutboxEmail.get(kind="order")
    sender: list[asyncio.subprocess.Process] = []

    def kill_the_sender(_data: bytes) -> None:
        if len(inbox.raw) == 1:  # the first delivery: the sender dies before hearing 250
            os.kill(sender[0].pid, signal.SIGKILL)

    inbox = Inbox(on_data=kill_the_sender)
    settings = demo.ctx.settings
    with smtp_server(inbox=inbox) as (port, _inbox):
        env = {
            **os.environ,
            **FAST_HASHING,
            "PYTHONPATH": str(ROOT),
            "KIOSK_DATABASE_URL": settings.db_url,
            "KIOSK_DATA_DIR": str(settings.data_dir),
            "KIOSK_NOW": clock.now().isoformat(),
            "KIOSK_ALLOW_CLOCK_OVERRIDE": "1",
            "KIOSK_SMTP_HOST": "127.0.0.1",
            "KIOSK_SMTP_PORT": str(port),
        }
        sender.append(
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "kiosk",
                "outbox",
                "send",
                env=env,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        )
        _out, err = await asyncio.wait_for(sender[0].communicate(), 120)
        assert sender[0].returncode == -signal.SIGKILL, err.decode()
        assert len(inbox.raw) == 1
        claimed = await OutboxEmail.get(id=row.id)
        assert (claimed.status, claimed.attempts) == ("sending", 1)
        transport = SmtpTransport(smtp_settings(settings, port))
        # the dead sender's lease still holds: nobody sends it meanwhile
        assert (await send_due_once(demo, transport=transport)).sent == ()
        clock.advance(timedelta(seconds=settings.mail_lease_seconds + 60))
        assert (await send_due_once(demo, transport=transport)).sent == (row.id,)
        clock.advance(timedelta(hours=2))
        assert (await send_due_once(demo, transport=transport)).sent == ()
    first, second = inbox.messages
    assert first["Message-ID"] == second["Message-ID"] == row.message_id
    done = await OutboxEmail.get(id=row.id)
    assert (done.status, done.attempts) == ("sent", 2)
