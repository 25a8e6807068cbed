"""`pec-kiosk payments confirm` and `pec-kiosk activate-due`: invoice, then renewal 24 h later."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from kiosk.domain import ordercode
from tests.cli.helpers import (
    DEMO_USER,
    RENEWABLE,
    ROSSI,
    ROSSI_USER,
    Kiosk,
    at,
    instant,
    mailbox,
)
from tests.conftest import NOW

DAY = timedelta(hours=24)


def place(kiosk: Kiosk, userid: str, pec: str, method: str, **kw: str) -> str:
    code: str = kiosk.ok("renewal", "order", userid, pec, "--method", method, **kw)["order_code"]
    return code


def test_confirm_issues_consecutive_invoices_and_is_idempotent(
    demo_db: Kiosk, sqlite_url: str
) -> None:
    first = place(demo_db, DEMO_USER, RENEWABLE, "bonifico")
    second = place(demo_db, ROSSI_USER, ROSSI, "bollettino")

    paid = demo_db.ok("payments", "confirm", first, "--amount", "18.30", "--reference", "CRO 0001")
    assert paid["order_code"] == first
    assert paid["invoice_number"] == "2026/000001"
    due = instant(paid["activation_due_at"])
    assert NOW + DAY <= due < NOW + DAY + timedelta(minutes=1)

    # the same confirmation again (a second operator, a re-run script) changes nothing
    again = demo_db.ok("payments", "confirm", first, "--amount", "18.30", "--reference", "CRO 0001")
    assert again["invoice_number"] == "2026/000001"
    assert again["activation_due_at"] == paid["activation_due_at"]
    text = demo_db(
        "payments", "confirm", first, "--amount", "18,30", "--reference", "CRO 0001", expect=0
    )
    assert "già registrato" in text.stdout

    # the next payment gets the next number: no number was spent by the repeats
    paid2 = demo_db.ok("payments", "confirm", second, "--amount", "14,64", "--reference", "VCY 77")
    assert paid2["invoice_number"] == "2026/000002"

    order = demo_db.ok("renewal", "show", first)
    assert (order["status"], order["invoice_number"]) == ("paid", "2026/000001")
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as conn:
        invoices = conn.execute("SELECT year, number FROM invoice ORDER BY number").fetchall()
        payments = conn.execute("SELECT count(*) FROM payment").fetchone()[0]
    assert invoices == [(2026, 1), (2026, 2)]
    assert payments == 2


def test_invoice_numbers_restart_with_the_italian_year(demo_db: Kiosk) -> None:
    """The year is Rome's: 00:30 on 1 January in Rome is still 31 December in UTC."""
    first = place(demo_db, DEMO_USER, RENEWABLE, "bonifico")
    second = place(demo_db, ROSSI_USER, ROSSI, "bollettino")
    paid = demo_db.ok(
        "payments",
        "confirm",
        first,
        "--amount",
        "18.30",
        "--reference",
        "CRO 1",
        now="2026-12-31T23:59:00+01:00",
    )
    assert paid["invoice_number"] == "2026/000001"
    paid = demo_db.ok(
        "payments",
        "confirm",
        second,
        "--amount",
        "14.64",
        "--reference",
        "BOL 2",
        now="2027-01-01T00:30:00+01:00",
    )
    assert paid["invoice_number"] == "2027/000001"


def test_confirm_refusals(demo_db: Kiosk) -> None:
    code = place(demo_db, DEMO_USER, RENEWABLE, "bonifico")

    wrong = demo_db.refused("payments", "confirm", code, "--amount", "12.20", "--reference", "X1")
    assert wrong["error"] == "wrong_amount"
    assert "18,30" in wrong["message"]

    bad = demo_db.refused(
        "payments", "confirm", code, "--amount", "dodici", "--reference", "X1", code=2
    )
    assert bad["error"] == "invalid_input"
    text = demo_db("payments", "confirm", code, "--amount", "dodici", "--reference", "X1")
    assert text.code == 2
    assert "Importo non valido" in text.stderr

    body = "ABCDEF"
    unknown = ordercode.PREFIX + body + ordercode.check_char(body)
    assert unknown != code
    data = demo_db.refused("payments", "confirm", unknown, "--amount", "18.30", "--reference", "X1")
    assert data["error"] == "unknown_order"

    # one character mistyped: the check character catches it
    typo = code[:5] + ("2" if code[5] != "2" else "3") + code[6:]
    data = demo_db.refused("payments", "confirm", typo, "--amount", "18.30", "--reference", "X1")
    assert data["error"] == "unknown_order"
    data = demo_db.refused("payments", "confirm", "boh", "--amount", "18.30", "--reference", "X1")
    assert data["error"] == "unknown_order"

    # the refusals left the order pending; the code as people type it is accepted
    typed = f"{code[:3].lower()}-{code[3:6]} {code[6:]}"
    paid = demo_db.ok("payments", "confirm", typed, "--amount", "18.30", "--reference", "CRO 9")
    assert (paid["order_code"], paid["invoice_number"]) == (code, "2026/000001")

    # paid: another amount or another reference is not the same payment
    data = demo_db.refused("payments", "confirm", code, "--amount", "18.30", "--reference", "CRO 8")
    assert data["error"] == "already_paid"
    data = demo_db.refused("payments", "confirm", code, "--amount", "18.31", "--reference", "CRO 9")
    assert data["error"] in ("already_paid", "wrong_amount")


def test_renewal_happens_24_hours_after_payment(demo_db: Kiosk) -> None:
    prepaid = place(demo_db, DEMO_USER, RENEWABLE, "prepaid")  # paid at NOW
    transfer = place(demo_db, ROSSI_USER, ROSSI, "bonifico")
    demo_db.ok(
        "payments",
        "confirm",
        transfer,
        "--amount",
        "14.64",
        "--reference",
        "TRN 1",
        now=at(timedelta(hours=1)),
    )  # paid at NOW + 1 h

    assert demo_db.ok("activate-due")["activated"] == []
    before = at(DAY - timedelta(minutes=1))
    assert demo_db.ok("activate-due", now=before)["activated"] == []
    text = demo_db("activate-due", now=before, expect=0)
    assert "Caselle rinnovate: 0" in text.stdout
    account = demo_db.ok("account", "show", DEMO_USER, now=before)
    assert mailbox(account, RENEWABLE)["expiry"] == "2026-12-15"

    after = at(DAY + timedelta(seconds=5))
    done = demo_db.ok("activate-due", now=after)["activated"]
    assert done == [{"order_code": prepaid, "pec": RENEWABLE, "new_expiry": "2027-12-15"}]
    account = demo_db.ok("account", "show", DEMO_USER, now=after)
    box = mailbox(account, RENEWABLE)
    assert (box["expiry"], box["state"], box["renewable"]) == ("2027-12-15", "attiva", False)
    assert box["pending_order"] is None
    assert demo_db.ok("renewal", "show", prepaid, now=after)["status"] == "activated"
    assert demo_db.ok("activate-due", now=after)["activated"] == []  # nothing twice

    later = at(DAY + timedelta(hours=1, seconds=5))
    text = demo_db("activate-due", now=later, expect=0)
    assert ROSSI in text.stdout
    assert "09/01/2028" in text.stdout
    assert "Caselle rinnovate: 1" in text.stdout
    rossi = demo_db.ok("account", "show", ROSSI_USER, now=later)
    assert mailbox(rossi, ROSSI)["expiry"] == "2028-01-09"
    # the renewed box is quoted from its new expiry: too early now
    q = demo_db.refused("renewal", "quote", ROSSI_USER, ROSSI, now=later)
    assert (q["reason"], q["opens_on"]) == ("too_early", "2027-10-09")


def test_blank_reference_is_bad_input(demo_db: Kiosk) -> None:
    """Exit 2 is for bad input: a blank --reference is one (not a rule refusing the payment)."""
    code = place(demo_db, DEMO_USER, RENEWABLE, "bonifico")
    data = demo_db.refused(
        "payments", "confirm", code, "--amount", "18.30", "--reference", "   ", code=2
    )
    assert "riferimento" in data["message"]
    assert demo_db.ok("renewal", "show", code)["status"] == "pending"
