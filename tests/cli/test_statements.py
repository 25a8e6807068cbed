"""`pec-kiosk payments import`: a bank statement reconciled from the command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.helpers import DEMO_USER, RENEWABLE, ROSSI, ROSSI_USER, SOSPESA, Kiosk
from tests.statements import FIXTURES, STATEMENTS, TO_CHECK, Codes, fill


def place(kiosk: Kiosk) -> Codes:
    def order(userid: str, pec: str) -> str:
        code: str = kiosk.ok("renewal", "order", userid, pec, "--method", "bonifico")["order_code"]
        return code

    good, other, gone = (
        order(DEMO_USER, SOSPESA),
        order(ROSSI_USER, ROSSI),
        order(DEMO_USER, RENEWABLE),
    )
    kiosk.ok("renewal", "cancel", gone)
    return Codes(good, other, gone)


def snapshot(sqlite_url: str) -> list[tuple[str, int]]:
    """Row counts of the tables an import may touch."""
    tables = ("payment", "invoice", "statement_line", "audit_event", "outbox_email")
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as db:
        return [(t, db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables]


@pytest.mark.parametrize("name", ["banca.csv", "dare-avere.csv", "camt053-001.08.xml"])
def test_import_confirms_lists_and_is_idempotent(
    demo_db: Kiosk, tmp_path: Path, sqlite_url: str, name: str
) -> None:
    fmt, profile, ignored, reference = FIXTURES[name]
    codes = place(demo_db)
    path = tmp_path / name
    path.write_bytes(fill(name, codes))
    options = [*(("--format", fmt) if fmt else ()), *(("--profile", profile) if profile else ())]
    result = demo_db.ok("payments", "import", str(path), *options)
    assert (result["confirmed"], result["to_check"], result["ignored"]) == (1, 5, ignored)
    assert sorted(line["outcome"] for line in result["lines"] if line["needs_person"]) == TO_CHECK
    mistyped = next(line for line in result["lines"] if line["outcome"] == "mistyped_code")
    assert mistyped["suggestions"] == [codes.open_]
    shown = demo_db.ok("renewal", "show", codes.good)
    assert shown["status"] == "paid" and shown["invoice_number"] == "2026/000001"
    assert demo_db.ok("renewal", "show", codes.open_)["status"] == "pending"
    before = snapshot(sqlite_url)
    again = demo_db.ok("payments", "import", str(path), *options)
    assert (again["confirmed"], again["settled"], again["to_check"]) == (0, 5, 1)  # + duplicate
    assert snapshot(sqlite_url) == before
    assert reference in {line["reference"] for line in again["lines"]}


def test_the_summary_for_people_in_italian(demo_db: Kiosk, tmp_path: Path) -> None:
    codes = place(demo_db)
    path = tmp_path / "estratto.csv"
    path.write_bytes(fill("banca-bom.csv", codes))
    shown = demo_db("payments", "import", str(path), expect=0)
    out = shown.stdout
    assert "Confermati:" in out and "Da verificare (nessuna conferma):" in out
    assert f"forse {codes.open_}?" in out
    assert "ordine annullato" in out and "riga doppia" in out and "senza codice ordine" in out
    assert "Ignorati (addebiti, non contabilizzati)  1" in out
    assert "Niccolò" in out


def test_a_dry_run_changes_nothing(demo_db: Kiosk, tmp_path: Path, sqlite_url: str) -> None:
    codes = place(demo_db)
    path = tmp_path / "camt.xml"
    path.write_bytes(fill("camt053-001.02.xml", codes))
    before = snapshot(sqlite_url)
    dry = demo_db.ok("payments", "import", str(path), "--dry-run")
    assert dry["dry_run"] and dry["confirmed"] == 1 and dry["to_check"] == 5
    assert snapshot(sqlite_url) == before
    assert demo_db.ok("renewal", "show", codes.good)["status"] == "pending"
    assert "Prova: nessuna modifica" in demo_db("payments", "import", str(path), "--dry-run",
                                                  expect=0).stdout  # fmt: skip
    assert snapshot(sqlite_url) == before


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b"Data contabile;Importo;Causale;Descrizione;Riferimento banca;;\r\n"
         b"23/11/2026;30,50;B;x;R1;;\r\n23/11/2026;30.50.1;B;y;R2;;\r\n", "riga 3"),
        (b"<?xml version='1.0'?><Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.08'>"
         b"<BkToCstmrStmt><Stmt><Ntry></Stmt>", "riga 1, colonna"),
    ],
)  # fmt: skip
def test_a_malformed_statement_is_exit_2_saying_where(
    demo_db: Kiosk, tmp_path: Path, sqlite_url: str, content: bytes, where: str
) -> None:
    path = tmp_path / "estratto"
    path.write_bytes(content)
    before = snapshot(sqlite_url)
    refused = demo_db.refused("payments", "import", str(path), code=2)
    assert refused["error"] == "invalid_input" and where in refused["message"]
    shown = demo_db("payments", "import", str(path), expect=2)
    assert where in shown.stderr and shown.stdout == ""
    assert snapshot(sqlite_url) == before


def test_an_xxe_attempt_is_refused(demo_db: Kiosk, sqlite_url: str) -> None:
    refused = demo_db.refused("payments", "import", str(STATEMENTS / "xxe.xml"), code=2)
    assert "DTD" in refused["message"] and "root" not in refused["message"]
    assert dict(snapshot(sqlite_url))["statement_line"] == 0


def test_a_missing_file_or_unknown_profile_is_exit_2(demo_db: Kiosk, tmp_path: Path) -> None:
    missing = demo_db.refused("payments", "import", str(tmp_path / "nessuno.csv"), code=2)
    assert missing["field"] == "file" and "nessuno.csv" in missing["message"]
    path = tmp_path / "estratto.csv"
    path.write_bytes(b"Data;Importo\n")
    unknown = demo_db.refused("payments", "import", str(path), "--profile", "boh", code=2)
    assert unknown["field"] == "profile" and "banca" in unknown["message"]
