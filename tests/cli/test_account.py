"""`account topup` and `account adjust`: who (the acting operator), with what payment, within
a ceiling, for lawyers only; a mistake is reversed by an entry of its own."""

from __future__ import annotations

import sqlite3

from tests.cli.helpers import DEMO_USER, OPERATOR, Kiosk


def ledger(sqlite_url: str) -> list[tuple[str, int, str | None, str | None]]:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as db:
        return list(
            db.execute(
                "SELECT kind, amount_cents, reference, recorded_by FROM prepaid_entry "
                "WHERE description NOT LIKE 'Ricarica dimostrativa%' ORDER BY id"
            )
        )


def test_top_up_needs_a_reference_and_says_who(demo_db: Kiosk, sqlite_url: str) -> None:
    missing = demo_db("account", "topup", DEMO_USER, "--amount", "50", expect=2)
    assert "--reference" in missing.stderr
    done = demo_db.ok("--as", OPERATOR, "account", "topup", DEMO_USER, "--amount", "50",
                      "--reference", "CRO 77")  # fmt: skip
    assert done["balance_cents"] == 1830 + 5000
    assert ledger(sqlite_url) == [("topup", 5000, "CRO 77", OPERATOR)]


def test_top_up_refusals(demo_db: Kiosk, sqlite_url: str) -> None:
    too_much = demo_db.refused("account", "topup", DEMO_USER, "--amount", "1000.01",
                               "--reference", "X", code=2)  # fmt: skip
    assert too_much["field"] == "amount"
    staff = demo_db.refused("account", "topup", OPERATOR, "--amount", "5", "--reference", "X")
    assert staff["error"] == "not_subscriber"
    assert ledger(sqlite_url) == []


def test_adjust_reverses_a_mistake_without_editing_history(demo_db: Kiosk, sqlite_url: str) -> None:
    demo_db.ok("account", "topup", DEMO_USER, "--amount", "50", "--reference", "CRO 1")
    back = demo_db.ok("account", "adjust", DEMO_USER, "--amount", "-50",
                      "--reason", "ricarica registrata due volte")  # fmt: skip
    assert back["balance_cents"] == 1830
    assert [row[:2] for row in ledger(sqlite_url)] == [("topup", 5000), ("adjustment", -5000)]
    below = demo_db.refused("account", "adjust", DEMO_USER, "--amount", "-20", "--reason", "x")
    assert below["error"] == "insufficient_balance"


def test_an_amount_past_every_limit_is_bad_input_not_a_crash(demo_db: Kiosk) -> None:
    for amount in ("99999999999999", "99999999999999999999999999,00", "-99999999999999"):
        refused = demo_db.refused(
            "account", "topup", DEMO_USER, "--amount", amount, "--reference", "CRO 9", code=2
        )
        assert refused["error"] == "invalid_input"
        assert "fuori dai limiti" in refused["message"], refused
    refused = demo_db.refused(
        "account", "topup", DEMO_USER, "--amount", "99999999", "--reference", "CRO 9", code=2
    )
    assert "al massimo" in refused["message"]  # parsed, then above max_topup_cents
    assert demo_db.ok("account", "show", DEMO_USER)["balance_cents"] == 1830
