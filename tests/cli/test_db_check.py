"""`pec-kiosk db check`: exit 0 on a consistent database, 1 with the problems named."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli.helpers import DEMO_USER, RENEWABLE, Kiosk


def test_check_of_a_consistent_demo_database(demo_db: Kiosk) -> None:
    demo_db.ok("renewal", "order", DEMO_USER, RENEWABLE, "--method", "prepaid")
    assert demo_db.ok("db", "check") == {"consistent": True, "problems": []}
    result = demo_db("db", "check", expect=0)
    assert "coerente" in result.stdout


def test_check_names_what_is_wrong(demo_db: Kiosk, sqlite_url: str) -> None:
    demo_db.ok("renewal", "order", DEMO_USER, RENEWABLE, "--method", "prepaid")
    with sqlite3.connect(Path(sqlite_url.removeprefix("sqlite://"))) as conn:
        conn.execute("UPDATE prepaid_account SET balance_cents = balance_cents + 1")
        conn.execute("UPDATE invoice_counter SET last_number = 7")
    report = demo_db.refused("db", "check")
    assert report["consistent"] is False
    assert {p["kind"] for p in report["problems"]} == {"ledger_balance", "invoice_counter"}
    text = demo_db("db", "check", expect=1)
    assert "[ledger_balance]" in text.stderr and "[invoice_counter]" in text.stderr
    assert f"Trovati {len(report['problems'])} problemi di coerenza" in text.stderr
