"""`callbacks list|take|note|close` and `takings [--day] [--json] [--pdf]`."""

from __future__ import annotations

import stat
from pathlib import Path

from pypdf import PdfReader

from tests.cli.helpers import CESSATA, DEMO_USER, SOSPESA, Kiosk

OP = {"KIOSK_AS": "operatore.demo"}


def test_callbacks_list_take_note_close(demo_db: Kiosk) -> None:
    (entry,) = demo_db.ok("callbacks", "list", env=OP)["entries"]
    assert entry["key"] == CESSATA and entry["status"] == "open" and entry["id"] is None
    taken = demo_db.ok("callbacks", "take", CESSATA, env=OP)
    assert taken["status"] == "taken" and taken["taken_by"] == "operatore.demo"
    key = str(taken["id"])
    refused = demo_db.refused("callbacks", "take", key, env={"KIOSK_AS": "admin.demo"}, code=0)
    assert refused["taken_by"] == "admin.demo"  # an administrator takes it over
    noted = demo_db.ok("callbacks", "note", key, "Non risponde")
    assert [n["text"] for n in noted["notes"]] == ["Non risponde"]
    text = demo_db("callbacks", "close", key, "--outcome", "Richiamato", expect=0).stdout
    assert "closed" in text and "Richiamato" in text
    assert demo_db.ok("callbacks", "list", env=OP)["entries"] == []
    again = demo_db.refused("callbacks", "close", key, "--outcome", "x")
    assert again["error"] == "callback_closed"


def test_callbacks_bad_input(demo_db: Kiosk) -> None:
    assert demo_db.refused("callbacks", "take", "boh", code=2)["error"] == "invalid_input"
    assert demo_db.refused("callbacks", "note", "1", "   ", code=2)["field"] == "note"
    assert demo_db.refused("callbacks", "note", "1", "ciao")["error"] == "unknown_callback"
    result = demo_db("callbacks", "list", "--status", "chiuse", expect=2)
    assert "chiuse" in result.stderr


def test_takings_text_json_and_pdf(demo_db: Kiosk, tmp_path: Path) -> None:
    order = demo_db.ok("renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico")
    total = order["total_cents"]
    euros = f"{total // 100},{total % 100:02d}"
    demo_db.ok(
        "payments", "confirm", order["order_code"], "--amount", euros, "--reference", "CRO 1"
    )
    data = demo_db.ok("takings", env=OP)
    assert data["day"] == "2026-11-25" and data["total_cents"] == total and data["count"] == 1
    assert data["by_method"] == [
        {"key": "bonifico", "label": "bonifico", "count": 1, "amount_cents": total}
    ]
    assert [t["key"] for t in data["by_operator"]] == ["admin.demo"]
    text = demo_db("takings", "--day", "25/11/2026", expect=0, env=OP).stdout
    assert "Incassi del 25/11/2026" in text and euros in text and "admin.demo" in text
    target = tmp_path / "cassa.pdf"
    demo_db("takings", "--pdf", str(target), expect=0, env=OP)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert euros in PdfReader(target).pages[0].extract_text()
    empty = demo_db.ok("takings", "--day", "2026-11-24", env=OP)
    assert empty["payments"] == [] and empty["total_cents"] == 0


def test_takings_bad_input(demo_db: Kiosk) -> None:
    bad = demo_db.refused("takings", "--day", "2026-02-30", code=2, env=OP)
    assert bad["error"] == "invalid_input" and bad["field"] == "day"
    assert demo_db.refused("takings", "--day", "2026-11-26", code=2, env=OP)["field"] == "day"
    result = demo_db("takings", "--day", "ieri", expect=2, env=OP)
    assert "Data non valida" in result.stderr and "Traceback" not in result.stderr
    lawyer = demo_db.refused("takings", code=2, env={"KIOSK_AS": DEMO_USER})
    assert lawyer["error"] == "invalid_input"
