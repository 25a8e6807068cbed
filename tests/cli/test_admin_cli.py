"""`users list|disable|enable|reset` and `payments exceptions list|match|refund`: the
administration's commands. Exit 0 done, 1 refused by a rule (an operator, a resolved line, a
wrong amount), 2 bad input (no note, a disabled account given as --as)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.cli.helpers import DEMO_USER, OPERATOR, SOSPESA, Kiosk
from tests.statements import camt, credit

ADMIN = "admin.demo"


def audit(sqlite_url: str, action: str) -> list[tuple[str, str]]:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as db:
        return list(
            db.execute(
                "SELECT actor, subject FROM audit_event WHERE action = ? ORDER BY id", (action,)
            )
        )


def test_users_list_disable_enable_reset(demo_db: Kiosk, sqlite_url: str) -> None:
    members = demo_db.ok("users", "list")
    assert [(m["userid"], m["role"], m["enabled"]) for m in members] == [
        (ADMIN, "admin", True),
        (OPERATOR, "operator", True),
    ]
    text = demo_db("users", "list", expect=0).stdout
    assert OPERATOR in text and "operatore" in text

    disabled = demo_db.ok("users", "disable", OPERATOR.upper())
    assert disabled["enabled"] is False and disabled["disabled_at"]
    # a disabled operator cannot act over the CLI either: not staff any more (exit 2)
    refused = demo_db.refused("--as", OPERATOR, "account", "show", DEMO_USER, code=0)
    assert refused["userid"] == DEMO_USER  # reading needs no --as
    as_disabled = demo_db.refused(
        "--as",
        OPERATOR,
        "account",
        "topup",
        DEMO_USER,
        "--amount",
        "5",
        "--reference",
        "X",
        code=2,
    )
    assert as_disabled["field"] == "as"
    assert demo_db.ok("users", "enable", OPERATOR)["enabled"] is True
    assert audit(sqlite_url, "staff.disabled") == [(ADMIN, OPERATOR)]
    assert audit(sqlite_url, "staff.enabled") == [(ADMIN, OPERATOR)]

    reset = demo_db("users", "reset", OPERATOR, expect=0)
    assert "sportello@example.org" in reset.stdout
    assert not any(ch.isdigit() for ch in reset.stdout.split("valido")[0])  # no code shown
    assert audit(sqlite_url, "staff.reset") == [(ADMIN, OPERATOR)]


def test_an_operator_is_refused_the_administrations_commands(demo_db: Kiosk) -> None:
    for args in (
        ("users", "list"),
        ("users", "disable", ADMIN),
        ("users", "reset", ADMIN),
        ("payments", "exceptions", "list"),
        ("payments", "exceptions", "refund", "1", "--note", "x"),
    ):
        refused = demo_db.refused("--as", OPERATOR, *args, code=1)
        assert refused["error"] == "not_admin", args


def test_users_refusals(demo_db: Kiosk) -> None:
    assert demo_db.refused("users", "disable", ADMIN)["error"] == "self"
    assert demo_db.refused("users", "disable", DEMO_USER)["error"] == "unknown_user"
    assert demo_db.refused("users", "reset", "nessuno")["error"] == "unknown_user"
    demo_db("users", "disable", expect=2)  # no userid: usage


def test_exceptions_list_match_refund(demo_db: Kiosk, tmp_path: Path) -> None:
    order = demo_db.ok("renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico")
    code, total = order["order_code"], order["total_cents"]
    euros = f"{total // 100}.{total % 100:02d}"
    statement = tmp_path / "admin-cli-estratto.xml"
    statement.write_bytes(
        camt(credit("REF-1", euros, "rinnovo pec") + credit("REF-2", "3.00", "regalo"))
    )
    imported = demo_db.ok("payments", "import", str(statement))
    assert imported["to_check"] == 2

    lines = demo_db.ok("payments", "exceptions", "list")
    by_ref = {line["reference"]: line for line in lines}
    assert by_ref["REF-1"]["outcome"] == "no_code"
    text = demo_db("payments", "exceptions", "list", expect=0).stdout
    assert "REF-1" in text and "senza codice ordine" in text

    no_note = demo_db.refused(
        "payments", "exceptions", "refund", str(by_ref["REF-2"]["id"]), "--note", " ", code=2
    )
    assert no_note["field"] == "note"
    wrong = demo_db.refused("payments", "exceptions", "match", str(by_ref["REF-2"]["id"]), code)
    assert wrong["error"] == "wrong_amount"
    demo_db("payments", "exceptions", "match", "0", code, expect=2)  # not a line number

    matched = demo_db("payments", "exceptions", "match", str(by_ref["REF-1"]["id"]),
                      code.lower(), expect=0)  # fmt: skip
    assert code in matched.stdout and "fattura" in matched.stdout
    again = demo_db.refused("payments", "exceptions", "match", str(by_ref["REF-1"]["id"]), code)
    assert again["error"] == "line_resolved"
    refund = demo_db.ok(
        "payments", "exceptions", "refund", str(by_ref["REF-2"]["id"]), "--note", "restituire"
    )
    assert refund["resolution"] == "refund"
    assert demo_db.ok("payments", "exceptions", "list") == []
    assert len(demo_db.ok("payments", "exceptions", "list", "--all")) == 2
    assert demo_db.ok("renewal", "show", code)["status"] == "paid"
