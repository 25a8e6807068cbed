"""`payments confirm` takes the causale as the payer wrote it, and one bank reference pays one
order: the same reference for a second order is refused unless forced with a note (audited)."""

from __future__ import annotations

import sqlite3

from tests.cli.helpers import DEMO_USER, ROSSI, ROSSI_USER, SOSPESA, Kiosk


def place(kiosk: Kiosk, userid: str, pec: str) -> str:
    code: str = kiosk.ok("renewal", "order", userid, pec, "--method", "bonifico")["order_code"]
    return code


def test_the_causale_as_written_finds_the_order(demo_db: Kiosk) -> None:
    code = place(demo_db, DEMO_USER, SOSPESA)
    written = f"rinnovo pec {code[:3].lower()}-{code[3:7].lower()} {code[7:]} avv demo"
    paid = demo_db.ok("payments", "confirm", written, "--amount", "30,50", "--reference", "CRO 1")
    assert paid["order_code"] == code
    assert demo_db.ok("renewal", "show", code)["status"] == "paid"


def test_a_mistyped_causale_confirms_nothing(demo_db: Kiosk) -> None:
    code = place(demo_db, DEMO_USER, SOSPESA)
    wrong = code[:-1] + ("X" if code[-1] != "X" else "Y")  # the check character catches it
    refused = demo_db.refused("payments", "confirm", f"RINNOVO {wrong}", "--amount", "30.50",
                              "--reference", "CRO 2")  # fmt: skip
    assert refused["error"] == "unknown_order"
    assert demo_db.ok("renewal", "show", code)["status"] == "pending"


def test_one_reference_pays_one_order(demo_db: Kiosk, sqlite_url: str) -> None:
    first = place(demo_db, DEMO_USER, SOSPESA)
    second = place(demo_db, ROSSI_USER, ROSSI)
    demo_db.ok("payments", "confirm", first, "--amount", "30.50", "--reference", "CRO 0042")
    again = demo_db.refused("payments", "confirm", second, "--amount", "14.64",
                            "--reference", "cro  0042")  # fmt: skip
    assert again["error"] == "reference_used"
    assert first in again["message"]
    assert demo_db.ok("renewal", "show", second)["status"] == "pending"
    # forcing needs a reason
    no_note = demo_db.refused("payments", "confirm", second, "--amount", "14.64",
                              "--reference", "CRO 0042", "--force", code=2)  # fmt: skip
    assert no_note["field"] == "note"
    note = "due rinnovi in un solo bonifico"
    forced = demo_db.ok("payments", "confirm", second, "--amount", "14.64", "--reference",
                        "CRO 0042", "--force", "--note", note)  # fmt: skip
    assert forced["order_code"] == second
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as db:
        (details,) = db.execute(
            "SELECT details FROM audit_event WHERE action = 'payment.reference_reused'"
        ).fetchone()
    assert "due rinnovi in un solo bonifico" in details and first in details
