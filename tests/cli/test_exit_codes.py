"""Every failure says what it is, with its exit code and never a traceback: bad configuration 2,
database unreachable or busy 3, a refusal (also one found by the database's own constraints,
after a concurrent change) 1, an over-long argument 2."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import asyncpg
import pytest

from tests.cli.helpers import DEMO_USER, NOW_ARG, RENEWABLE, ROOT, SOSPESA, Kiosk
from tests.cli.pgdb import dsn, empty_database, with_user

LOCK_TIMEOUT = 1.0  # seconds (KIOSK_DB_LOCK_TIMEOUT of the commands that must give up)
MARGIN = 10.0  # starting the interpreter, importing, migrating: seconds, on a loaded machine


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from empty_database()


@pytest.fixture
def pg_demo(make_kiosk: Callable[..., Kiosk], pg_url: str) -> Kiosk:
    kiosk = make_kiosk(subprocess_mode=True, KIOSK_DATABASE_URL=pg_url)
    kiosk.ok("db", "load-demo")
    return kiosk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.postgres
def test_an_unknown_postgres_role_is_bad_configuration(
    make_kiosk: Callable[..., Kiosk], pg_url: str
) -> None:
    url = with_user(pg_url, "nobody_of_pec_kiosk")
    kiosk = make_kiosk(subprocess_mode=True, KIOSK_DATABASE_URL=url)
    refused = kiosk.refused("account", "show", DEMO_USER, code=2)
    assert refused["error"] == "bad_configuration"
    assert "verificare la configurazione" in refused["message"]
    text = kiosk("db", "migrate", expect=2)
    assert "rifiuta l'accesso" in text.stderr and "non raggiungibile" not in text.stderr


def test_a_server_with_nothing_listening_is_unreachable(make_kiosk: Callable[..., Kiosk]) -> None:
    url = f"postgres://postgres@127.0.0.1:{free_port()}/test"
    kiosk = make_kiosk(subprocess_mode=True, KIOSK_DATABASE_URL=url)
    refused = kiosk.refused("account", "show", DEMO_USER, code=3)
    assert refused["error"] == "unavailable" and "non raggiungibile" in refused["message"]


LONG = {"userid": "u" * 500, "reference": "r" * 1000, "note": "n" * 1000, "pec": "p" * 1000}


@pytest.mark.parametrize(
    "args",
    [
        ("account", "show", LONG["userid"]),
        ("account", "topup", LONG["userid"], "--amount", "5", "--reference", "CRO 1"),
        ("account", "topup", DEMO_USER, "--amount", "5", "--reference", LONG["reference"]),
        ("account", "topup", DEMO_USER, "--amount", "5", "--reference", "R",
         "--note", LONG["note"]),
        ("account", "adjust", DEMO_USER, "--amount", "5", "--reason", LONG["note"]),
        ("renewal", "quote", DEMO_USER, LONG["pec"] + "@x.it"),
        ("renewal", "order", LONG["userid"], RENEWABLE, "--method", "bonifico"),
        ("payments", "confirm", "RLM" + "X" * 997, "--amount", "5", "--reference", "R"),
        ("payments", "confirm", "RLM4K7Q2X3", "--amount", "5", "--reference", LONG["reference"]),
        ("payments", "confirm", "RLM4K7Q2X3", "--amount", "5", "--reference", "R", "--force",
         "--note", LONG["note"]),
        ("callbacks", "add", "archivio.demo@legalmail.it", "--note", LONG["note"]),
        ("users", "unlock", LONG["userid"]),
    ],
    ids=lambda args: "-".join(a for a in args[:2]) + f"-{max(len(a) for a in args)}",
)  # fmt: skip
def test_an_over_long_argument_is_bad_input(demo_db: Kiosk, args: tuple[str, ...]) -> None:
    before = demo_db.ok("account", "show", DEMO_USER)
    refused = demo_db.refused(*args, code=2)
    assert refused["error"] == "invalid_input", refused
    assert len(refused["message"]) < 300  # says which field and how long, never echoes it
    assert demo_db.ok("account", "show", DEMO_USER) == before


def _pec_kiosk(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--now", NOW_ARG, *args, "--json"],
        env={**base, **env},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_sqlite_file_held_by_another_process_is_busy_after_the_lock_timeout(
    demo_db: Kiosk, sqlite_url: str
) -> None:
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite://"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process's write transaction, never ending
    try:
        started = time.monotonic()
        refused = demo_db.refused(
            "account", "topup", DEMO_USER, "--amount", "5", "--reference", "CRO 7", code=3,
            env={"KIOSK_DB_LOCK_TIMEOUT": str(LOCK_TIMEOUT)},
        )  # fmt: skip
        elapsed = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused["busy"] is True and "occupato" in refused["message"]
    assert LOCK_TIMEOUT <= elapsed < LOCK_TIMEOUT + MARGIN
    assert demo_db.ok("account", "show", DEMO_USER)["balance_cents"] == 1830


@pytest.mark.postgres
def test_a_postgres_row_held_by_another_connection_is_busy_after_the_lock_timeout(
    pg_demo: Kiosk, pg_url: str
) -> None:
    async def scenario() -> tuple[dict[str, object], float]:
        holder = await asyncpg.connect(dsn(pg_url))
        try:
            transaction = holder.transaction()
            await transaction.start()
            await holder.execute(  # the account's row, locked by another process's change
                "SELECT * FROM prepaid_account WHERE subscriber_id = "
                "(SELECT id FROM subscriber WHERE userid = 'avv.demo') FOR UPDATE"
            )
            started = time.monotonic()
            result = await asyncio.to_thread(
                pg_demo.refused, "account", "topup", DEMO_USER, "--amount", "5",
                "--reference", "CRO 7", code=3,
                env={"KIOSK_DB_LOCK_TIMEOUT": str(LOCK_TIMEOUT)},
            )  # fmt: skip
            elapsed = time.monotonic() - started
            await transaction.rollback()
        finally:
            await holder.close()
        return result, elapsed

    refused, elapsed = asyncio.run(scenario())
    assert refused["busy"] is True and "occupato" in str(refused["message"])
    assert LOCK_TIMEOUT <= elapsed < LOCK_TIMEOUT + MARGIN
    assert pg_demo.ok("account", "show", DEMO_USER)["balance_cents"] == 1830


@pytest.mark.postgres
def test_an_order_beaten_by_another_process_is_refused_not_unavailable(
    pg_demo: Kiosk, pg_url: str
) -> None:
    """Another station's order for the same box is being committed while ours is written: the
    database's one-open-order index stops ours, and we hear why (exit 1), not "unreachable"."""

    async def scenario() -> tuple[int, str, str]:
        other = await asyncpg.connect(dsn(pg_url))
        watcher = await asyncpg.connect(dsn(pg_url))  # outside the transaction's snapshot
        try:
            transaction = other.transaction()
            await transaction.start()
            await other.execute(
                "INSERT INTO renewal_order (code, mailbox_id, subscriber_id, method, status, "
                "renewal_net_cents, fee_net_cents, net_cents, vat_cents, total_cents, "
                "current_expiry, next_expiry, created_at) SELECT 'RLM0000000', id, owner_id, "
                "'bonifico', 'pending', 2500, 0, 2500, 550, 3050, expiry_date, "
                "expiry_date + interval '1 year', now() FROM mailbox WHERE address = $1",
                SOSPESA,
            )
            ours = _pec_kiosk(
                pg_demo.env, "renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico"
            )
            # ours is written and waits on the index entry of the uncommitted order
            deadline = time.monotonic() + 60
            while not await watcher.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pec-kiosk' "
                "AND wait_event_type = 'Lock'"
            ):
                assert ours.poll() is None and time.monotonic() < deadline, ours.communicate()
                await asyncio.sleep(0.05)
            await transaction.commit()
            out, err = await asyncio.to_thread(ours.communicate, timeout=60)
        finally:
            await other.close()
            await watcher.close()
        return ours.returncode, out, err

    code, out, err = asyncio.run(scenario())
    assert code == 1, (out, err)
    assert "Traceback" not in err
    assert '"error": "pending"' in out and "RLM0000000" in out
