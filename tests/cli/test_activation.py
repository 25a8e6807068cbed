"""`activate-due` renews what it can: an order that cannot be renewed is listed, the others go
through, and the exit code (1) says that a person must look."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from tests.cli.helpers import DEMO_USER, ROSSI, ROSSI_USER, SOSPESA, Kiosk, at


def test_one_stuck_order_does_not_stop_the_others(demo_db: Kiosk, sqlite_url: str) -> None:
    stuck = demo_db.ok("renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico")
    fine = demo_db.ok("renewal", "order", ROSSI_USER, ROSSI, "--method", "bonifico")
    demo_db.ok("payments", "confirm", stuck["order_code"], "--amount", "30.50",
               "--reference", "CRO 1")  # fmt: skip
    demo_db.ok("payments", "confirm", fine["order_code"], "--amount", "14.64",
               "--reference", "CRO 2")  # fmt: skip
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as db:  # moved meanwhile
        db.execute("UPDATE mailbox SET expiry_date = '2027-10-16' WHERE address = ?", (SOSPESA,))
    later = at(timedelta(hours=25))
    result = demo_db("activate-due", "--json", now=later, expect=1)
    data = result.json
    assert [a["order_code"] for a in data["activated"]] == [fine["order_code"]]
    assert [f["order_code"] for f in data["failed"]] == [stuck["order_code"]]
    text = demo_db("activate-due", now=later, expect=1)
    assert "Non rinnovato" in text.stderr and stuck["order_code"] in text.stderr
    assert demo_db.ok("renewal", "show", fine["order_code"], now=later)["status"] == "activated"
    assert demo_db.ok("renewal", "show", stuck["order_code"], now=later)["status"] == "paid"
