"""`outbox list|show|retry|send|caught` and `reminders queue`; and the newcomer's path: the
demo's SMTP catcher keeps the recovery e-mail, `outbox caught` shows the code, and the code
sets a new password."""

from __future__ import annotations

import asyncio
import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.mail.catcher import start_catcher
from kiosk.settings import Settings
from tests.cli.helpers import DEMO_USER, SOSPESA, Kiosk
from tests.smtp import free_port, smtp_server


@pytest.fixture
def catcher(data_dir: Path) -> Iterator[int]:
    """The catcher as `serve` would run it, on its own loop in a thread; its port."""
    port = free_port()
    settings = Settings(data_dir=data_dir, smtp_catcher=True, smtp_port=port)
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    stop = asyncio.Event()

    async def serve() -> None:
        server = await start_catcher(settings)
        ready.set()
        async with server:
            await stop.wait()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield port
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    loop.close()


def test_list_show_send_and_retry(demo_db: Kiosk) -> None:
    order = demo_db.ok("renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico")
    (item,) = demo_db.ok("outbox", "list")
    assert item["status"] == "pending" and item["kind"] == "order" and item["attempts"] == 0
    assert item["message_id"].startswith("<")
    text = demo_db("outbox", "list", expect=0).stdout
    assert "da inviare" in text and "avv.demo@example.org" in text
    port = free_port()  # nobody there
    env = {"KIOSK_SMTP_PORT": str(port), "KIOSK_MAIL_MAX_ATTEMPTS": "1"}
    sent = demo_db.ok("outbox", "send", env=env)
    assert sent == {"sent": [], "retrying": [], "failed": [item["id"]]}
    shown = demo_db.ok("outbox", "show", str(item["id"]))
    assert shown["status"] == "failed" and shown["last_error"]
    assert "non recapitabile" in demo_db("outbox", "show", str(item["id"]), expect=0).stdout
    with smtp_server(port) as (_port, inbox):
        assert demo_db.ok("outbox", "send", env=env)["sent"] == []  # failed stays failed
        assert demo_db.ok("outbox", "retry", str(item["id"]))["status"] == "pending"
        assert demo_db.ok("outbox", "send", env=env)["sent"] == [item["id"]]
    assert order["order_code"] in str(inbox.messages[0]["Subject"])
    refused = demo_db.refused("outbox", "retry", str(item["id"]))
    assert refused["error"] == "mail_not_failed"
    assert demo_db.refused("outbox", "show", "999")["error"] == "unknown_mail"


def test_reminders_queue_is_repeatable(demo_db: Kiosk) -> None:
    first = demo_db.ok("reminders", "queue")
    assert len(first["queued"]) == 2 and first["already"] == 0
    assert demo_db.ok("reminders", "queue") == {"queued": [], "already": 2}
    assert "Promemoria messi in coda: 0" in demo_db("reminders", "queue", expect=0).stdout


def test_recovery_from_the_caught_mail(demo_db: Kiosk, catcher: int, data_dir: Path) -> None:
    env = {"KIOSK_SMTP_CATCHER": "1", "KIOSK_SMTP_PORT": str(catcher)}
    assert demo_db("outbox", "caught", expect=0).stdout.strip() == "Nessun messaggio raccolto."
    # the kiosk's recovery screen asks the services for a code (the CLI has no command for it)
    asyncio.run(_request_recovery(demo_db))
    assert demo_db.ok("outbox", "send", env=env)["sent"]
    files = list((data_dir / "mail").glob("*.eml"))
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert stat.S_IMODE((data_dir / "mail").stat().st_mode) == 0o700
    shown = demo_db("outbox", "caught", "--last", "1", expect=0).stdout
    assert "Recupero credenziali PEC" in shown and "avv.demo@example.org" in shown
    code = re.search(r"Codice di recupero: (\d{8})", shown)
    assert code is not None
    (caught,) = demo_db.ok("outbox", "caught", "--last", "1")
    assert caught["subject"] == "Recupero credenziali PEC"
    asyncio.run(_reset(demo_db, code.group(1)))


async def _services_call(kiosk: Kiosk, name: str, *args: str) -> object:
    from kiosk.services.runtime import open_services
    from tests.cli.helpers import NOW_ARG

    settings = Settings(
        data_dir=Path(kiosk.env["KIOSK_DATA_DIR"]),
        database_url=kiosk.env["KIOSK_DATABASE_URL"],
        now=NOW_ARG,
        allow_clock_override=True,
        password_time_cost=1,
        password_memory_kib=1024,
        test_mode=True,
    )
    async with open_services(settings) as services:
        return await getattr(services.auth, name)(*args)


async def _request_recovery(kiosk: Kiosk) -> None:
    await _services_call(kiosk, "request_recovery", DEMO_USER)


async def _reset(kiosk: Kiosk, code: str) -> None:
    user = await _services_call(kiosk, "reset_password", DEMO_USER, code, "Nuova-Password-2026")
    assert getattr(user, "userid", None) == DEMO_USER


def test_counts_below_one_are_bad_input(demo_db: Kiosk) -> None:
    """`--limit -1` reached the ORM and ended in a traceback; `--last -5` listed everything."""
    for args in (("outbox", "list", "--limit", "-1"), ("outbox", "caught", "--last", "-5")):
        result = demo_db(*args, expect=2)
        assert "x>=1" in result.stderr
