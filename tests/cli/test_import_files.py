"""`import mailboxes` on files as spreadsheets save them, the right reasons, and its summary."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.cli.helpers import GOOD_ROWS, HEADER, Kiosk

ROW = (
    "avv.uno,Avv. Uno,RSSGPP75C12H703W,uno@example.org,,uno@legalmail.it,legalmail,"
    "2024-12-01,2025-12-01"
)


def counts(sqlite_url: str) -> tuple[int, int, int]:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as conn:
        return tuple(
            conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("subscriber", "mailbox", "audit_event")
        )


def test_a_windows_file_with_semicolons_and_empty_columns(cli: Kiosk, tmp_path: Path) -> None:
    """cp1252, `;`, Excel's trailing `;;`, CRLF: detected; a UTF-8 BOM is dropped."""
    rows = [r.replace(",", ";") + ";;" for r in GOOD_ROWS]
    rows[0] = rows[0].replace("Mario Bianchi", "Mario Bianchi Nicolò")
    rows[1] = rows[1].replace("Mario Bianchi", "Mario Bianchi Nicolò")
    text = "\r\n".join([HEADER.replace(",", ";") + ";;", *rows]) + "\r\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("cp1252"))
    report = cli.ok("import", "mailboxes", str(path))
    assert (report["encoding"], report["mailboxes_created"]) == ("cp1252", 4)
    assert cli.ok("account", "show", "mario.bianchi")["nominativo"] == "Avv. Mario Bianchi Nicolò"

    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    again = cli.ok("import", "mailboxes", str(bom))
    assert (again["encoding"], again["rows_unchanged"]) == ("utf-8-sig", 4)
    forced = cli.ok("import", "mailboxes", str(path), "--encoding", "latin-1")
    assert forced["rows_unchanged"] == 4


def test_duplicates_counted_conflicting_duplicates_refused(cli: Kiosk, tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("\n".join([HEADER, ROW, ROW, ROW]) + "\n", encoding="utf-8")
    result = cli("import", "mailboxes", str(path), expect=0)
    assert re.search(r"Righe duplicate \(ignorate\) +2\n", result.stdout), result
    assert cli.ok("import", "mailboxes", str(path))["duplicates"] == 2

    clash = ROW.replace("2024-12-01,2025-12-01", "2023-12-01,2025-12-01")
    path.write_text("\n".join([HEADER, ROW, clash]) + "\n", encoding="utf-8")
    data = cli.refused("import", "mailboxes", str(path), code=2)
    assert [e["line"] for e in data["errors"]] == [3]
    assert "già presente alla riga 2 con dati diversi" in data["errors"][0]["reason"]


def test_an_email_in_other_case_is_the_same_email(cli: Kiosk, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\n{ROW}\n", encoding="utf-8")
    cli.ok("import", "mailboxes", str(path))
    path.write_text(
        f"{HEADER}\n{ROW.replace('uno@example.org', 'Uno@Example.ORG')}\n", encoding="utf-8"
    )
    assert cli.ok("import", "mailboxes", str(path))["rows_unchanged"] == 1


def test_error_lines_are_the_records_first_line(cli: Kiosk, tmp_path: Path) -> None:
    multi = ROW.replace("Avv. Uno", '"Avv. Uno\nsecondo rigo"')
    bad = ROW.replace("avv.uno", "avv.due").replace("uno@legal", "due@legal")
    bad = bad.replace("2024-12-01,2025-12-01", "2024-12-01,2023-12-01")
    path = tmp_path / "m.csv"
    path.write_text(f"{HEADER}\n{multi}\n{bad}\n", encoding="utf-8")
    data = cli.refused("import", "mailboxes", str(path), code=2)
    lines = {e["line"]: e["reason"] for e in data["errors"]}
    assert set(lines) == {2, 4}, lines  # the quoted field spans lines 2-3
    assert "data di scadenza precedente alla data di attivazione" in lines[4]


def test_right_reasons_for_bad_values(cli: Kiosk, tmp_path: Path) -> None:
    cases = {
        "bidi": ROW.replace("Avv. Uno", "Avv. \u202eonU"),
        "escape": ROW.replace("Avv. Uno", "Avv. \x1b[31mUno"),
        "zw": ROW.replace("uno@example.org", "uno\u200b@example.org"),
        "formula": ROW.replace("Avv. Uno", "=HYPERLINK(1)"),
        "long": ROW.replace("Avv. Uno", "A" * 121),
        "longid": ROW.replace("avv.uno", "a" * 33),
    }
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER, *cases.values()]) + "\n", encoding="utf-8")
    data = cli.refused("import", "mailboxes", str(path), code=2)
    reasons = {e["line"]: e["reason"] for e in data["errors"]}
    assert "U+202E" in reasons[2] and "nominativo" in reasons[2]
    assert "U+001B" in reasons[3]
    assert "U+200B" in reasons[4] and "email" in reasons[4]
    assert "non possono iniziare con =" in reasons[5]
    assert "121 caratteri, al massimo 120" in reasons[6] and "troncato" in reasons[6]
    assert "33 caratteri, al massimo 32" in reasons[7]
    assert "Il file contiene 6 righe non valide" in data["message"]

    path.write_text(f"{HEADER}\n{cases['formula']}\n", encoding="utf-8")
    assert (
        "contiene 1 riga non valida:"
        in cli.refused("import", "mailboxes", str(path), code=2)["message"]
    )


def test_spaces_and_lower_case_are_normalised(cli: Kiosk, tmp_path: Path) -> None:
    row = ROW.replace("RSSGPP75C12H703W", " rssgpp 75c12 h703w ").replace(
        "Avv. Uno", "   Avv.   Uno   " + " " * 120
    )
    path = tmp_path / "n.csv"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    assert cli.ok("import", "mailboxes", str(path))["subscribers_created"] == 1
    assert cli.ok("account", "show", "avv.uno")["nominativo"] == "Avv. Uno"


def test_summary_table_in_italian_and_dry_run(cli: Kiosk, good_csv: Path, sqlite_url: str) -> None:
    cli.ok("overview")  # the database, migrated and empty
    before = counts(sqlite_url)
    dry = cli("import", "mailboxes", str(good_csv), "--dry-run", expect=0)
    assert "nulla è stato scritto" in dry.stdout
    assert "Nuove caselle" in dry.stdout and "4 caselle importate" in dry.stdout
    assert counts(sqlite_url) == before
    assert cli.ok("import", "mailboxes", str(good_csv), "--dry-run")["dry_run"] is True
    assert counts(sqlite_url) == before

    done = cli("import", "mailboxes", str(good_csv), expect=0)
    for label in ("Nuovi iscritti", "Caselle aggiornate", "Righe invariate", "Errori"):
        assert label in done.stdout
    assert "4 caselle importate; 0 righe già presenti." in done.stdout
