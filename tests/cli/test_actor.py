"""The CLI records who acts: `--as USERID` (or KIOSK_AS, or the OS user mapped to an operator in
the configuration), checked against the operator and administration accounts, in the audit."""

from __future__ import annotations

import getpass
import json
import sqlite3
from pathlib import Path

from tests.cli.helpers import DEMO_USER, SOSPESA, Kiosk

NOBODY = {"KIOSK_AS": ""}


def audit_actors(sqlite_url: str, action: str) -> list[str]:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as db:
        rows = db.execute("SELECT actor FROM audit_event WHERE action = ? ORDER BY id", (action,))
        return [row[0] for row in rows]


def test_a_write_needs_someone_who_is_staff(demo_db: Kiosk, sqlite_url: str) -> None:
    order = ("renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico")
    nobody = demo_db(*order, "--json", env=NOBODY, expect=2)
    assert json.loads(nobody.stdout)["field"] == "as"
    assert "--as USERID" in json.loads(nobody.stdout)["message"]
    lawyer = demo_db.refused("--as", DEMO_USER, *order, code=2)
    assert "non è un operatore" in lawyer["message"]
    stranger = demo_db.refused("--as", "chi.sono.io", *order, code=2)
    assert "non è un operatore" in stranger["message"]
    assert audit_actors(sqlite_url, "order.created") == []  # nothing was done

    placed = demo_db.ok("--as", "Operatore.Demo", *order)
    demo_db.ok("payments", "confirm", placed["order_code"], "--amount", "30.50",
               "--reference", "CRO 7", env={"KIOSK_AS": "admin.demo"})  # fmt: skip
    assert audit_actors(sqlite_url, "order.created") == ["operatore.demo"]
    assert audit_actors(sqlite_url, "payment.confirmed") == ["admin.demo"]
    # reading needs nobody
    demo_db("account", "show", DEMO_USER, env=NOBODY, expect=0)


def test_the_os_user_can_be_mapped_to_an_operator(demo_db: Kiosk, sqlite_url: str) -> None:
    mapping = json.dumps({getpass.getuser(): "operatore.demo"})
    env = {"KIOSK_AS": "", "KIOSK_OPERATOR_ACCOUNTS": mapping}
    demo_db.ok("account", "topup", DEMO_USER, "--amount", "5", "--reference", "R1", env=env)
    assert audit_actors(sqlite_url, "prepaid.topup") == ["operatore.demo"]


def test_in_the_demo_the_demo_administrator_acts(demo: Kiosk, data_dir: Path) -> None:
    demo.ok("renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico", env=NOBODY)
    assert audit_actors(f"sqlite://{data_dir / 'demo.sqlite3'}", "order.created") == ["admin.demo"]


def test_the_first_administrator_needs_nobody(cli: Kiosk) -> None:
    cli.ok("users", "add", "capo.sportello", "--role", "admin", "--name", "Carla Capo",
           "--cf", "NRENRC75T10A509L", "--email", "capo@example.org",
           "--password", "Sportello-2026!", env=NOBODY)  # fmt: skip
    # once there is one, the next needs someone
    again = cli.refused("users", "add", "altro.utente", "--name", "Aldo Altro",
                        "--cf", "BNCMRA80A01F912M", "--email", "altro@example.org",
                        "--password", "Sportello-2026!", code=2, env=NOBODY)  # fmt: skip
    assert again["field"] == "as"
