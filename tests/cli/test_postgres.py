"""The whole back-office flow on PostgreSQL: the real command (a subprocess) makes the schema,
the rest of the flow runs `kiosk.cli.main` in process (a subprocess per step cost ~2 s each
here, ~25 s for the flow, and proved no more: the in-process runner is the same entry point).

Needs KIOSK_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:5432/test): a fresh database
is created on that server for the test and dropped afterwards. Unset: skipped. Set but
unreachable: the test fails.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests.cli.helpers import Kiosk, add_staff, at, instant, mailbox
from tests.conftest import NOW

PG_ENV = "KIOSK_TEST_POSTGRES_URL"
PEC = "mario.bianchi@pec.avvocatinocera.it"


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def _admin(base: str, sql: str) -> None:
    conn = await asyncpg.connect(_dsn(base), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV} to run the CLI flow on PostgreSQL")
    name = f"kiosk_cli_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(base, f'CREATE DATABASE "{name}"'))  # fails if the server is unreachable
    try:
        yield _with_database(base, name)
    finally:
        asyncio.run(_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.mark.postgres
def test_import_quote_order_confirm_activate_on_postgres(
    make_kiosk: Callable[..., Kiosk], pg_url: str, good_csv: Path
) -> None:
    real_command = make_kiosk(subprocess_mode=True, KIOSK_DATABASE_URL=pg_url)
    pec_kiosk = make_kiosk(KIOSK_DATABASE_URL=pg_url)

    assert real_command.ok("db", "migrate") == {"migrated": True, "backend": "postgres"}
    add_staff(pec_kiosk)
    report = pec_kiosk.ok("import", "mailboxes", str(good_csv))
    assert (report["subscribers_created"], report["mailboxes_created"]) == (2, 4)
    again = pec_kiosk.ok("import", "mailboxes", str(good_csv))
    assert (again["subscribers_created"], again["mailboxes_created"]) == (0, 0)
    assert again["rows_unchanged"] == 4

    quote = pec_kiosk.ok("renewal", "quote", "mario.bianchi", PEC)
    assert quote["renewable"] is True
    assert (quote["total_cents"], quote["next_expiry"]) == (1830, "2027-12-10")

    order = pec_kiosk.ok("renewal", "order", "mario.bianchi", PEC, "--method", "bonifico")
    code = order["order_code"]
    assert order["status"] == "pending"
    assert order["epc_payload"].startswith("BCD\n002\n1\nSCT\n")
    assert "EUR18.30" in order["epc_payload"].split("\n")
    pending = pec_kiosk.refused("renewal", "quote", "mario.bianchi", PEC)
    assert (pending["reason"], pending["order_code"]) == ("pending", code)

    paid = pec_kiosk.ok("payments", "confirm", code, "--amount", "18.30", "--reference", "CRO 1")
    assert paid["invoice_number"] == "2026/000001"
    assert instant(paid["activation_due_at"]) >= NOW + timedelta(hours=24)
    same = pec_kiosk.ok("payments", "confirm", code, "--amount", "18.30", "--reference", "CRO 1")
    assert same["invoice_number"] == "2026/000001"

    assert pec_kiosk.ok("activate-due")["activated"] == []
    later = at(timedelta(hours=24, seconds=30))
    done = pec_kiosk.ok("activate-due", now=later)["activated"]
    assert done == [{"order_code": code, "pec": PEC, "new_expiry": "2027-12-10"}]

    account = pec_kiosk.ok("account", "show", "mario.bianchi", now=later)
    box = mailbox(account, PEC)
    assert (box["expiry"], box["state"], box["renewable"]) == ("2027-12-10", "attiva", False)
    assert account["balance_cents"] == 0


@pytest.mark.postgres
def test_pin_unlock_and_over_long_userids_on_postgres(
    make_kiosk: Callable[..., Kiosk], pg_url: str
) -> None:
    pec_kiosk = make_kiosk(KIOSK_DATABASE_URL=pg_url)
    pec_kiosk.ok("db", "load-demo")
    assert pec_kiosk.ok("pin", "set", "--pin-stdin", input="97531086\n") == {"pin_set": True}
    unlocked = pec_kiosk.ok("users", "unlock", "avv.demo")
    assert unlocked == {"userid": "avv.demo", "unlocked": True, "was_held": False}
    for args in (("account", "show", "a" * 45), ("users", "unlock", "a" * 45)):
        assert pec_kiosk.refused(*args, code=2)["error"] == "invalid_input"
