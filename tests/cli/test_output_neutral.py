"""Text from the data never reaches the terminal raw: escape sequences, controls and bidi
characters are shown escaped; JSON stays valid and carries none of them raw."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from kiosk.cli.output import csv_cell, neutral
from tests.cli.helpers import Kiosk

EVIL_NAME = "Avv. \x1b[31mRosso\x1b[0m \u202eanitsuG \x85"
EVIL_PEC = "x\u2066y@legalmail.it"
ROW = (
    "avv.uno,Avv. Uno,RSSGPP75C12H703W,uno@example.org,,uno@legalmail.it,legalmail,"
    "2024-12-01,2026-12-01"
)
RAW = ("\x1b", "\u202e", "\u2066", "\x85")


def test_neutral_escapes_what_a_terminal_would_act_on() -> None:
    assert neutral("Avv. Mario Rossi, àèìòù ß €") == "Avv. Mario Rossi, àèìòù ß €"
    assert neutral(EVIL_NAME) == "Avv. \\x1b[31mRosso\\x1b[0m \\u202eanitsuG \\x85"
    assert neutral("a\tb\x7f\u200b\u2028") == "a\\x09b\\x7f\\u200b\\u2028"
    assert [csv_cell(v) for v in ("=1+1", "+39", "-2", "@A", "Rossi")] == [
        "'=1+1",
        "'+39",
        "'-2",
        "'@A",
        "Rossi",
    ]


def tainted(cli: Kiosk, tmp_path: Path, sqlite_url: str) -> None:
    """The import refuses such a name: put it in the database directly."""
    path = tmp_path / "uno.csv"
    path.write_text(
        "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,"
        f"data_scadenza\n{ROW}\n",
        encoding="utf-8",
    )
    cli.ok("import", "mailboxes", str(path))
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as conn:
        conn.execute("UPDATE subscriber SET nominativo = ?", (EVIL_NAME,))
        conn.execute("UPDATE mailbox SET address = ?", (EVIL_PEC,))


def test_account_show_and_overview_print_data_escaped(
    cli: Kiosk, tmp_path: Path, sqlite_url: str
) -> None:
    tainted(cli, tmp_path, sqlite_url)
    for args in (("account", "show", "avv.uno"), ("overview",)):
        out = cli(*args, expect=0).stdout
        assert not any(ch in out for ch in RAW), (args, out)
        assert "\\x1b[31mRosso" in out and "\\u202e" in out and "x\\u2066y@" in out

        data = cli(*args, "--json", expect=0).stdout
        assert not any(ch in data for ch in RAW), (args, data)
        parsed = json.loads(data)  # still valid JSON: the same text once decoded
        account = parsed if isinstance(parsed, dict) else parsed[0]
        assert account["nominativo"] == EVIL_NAME
        assert account["mailboxes"][0]["address"] == EVIL_PEC


def test_error_messages_with_data_are_escaped(cli: Kiosk, tmp_path: Path) -> None:
    bad = ROW.replace("Avv. Uno", "Avv. \x1b[2JUno").replace("avv.uno", "avv.\x1b[2Juno")
    path = tmp_path / "bad.csv"
    path.write_text(
        "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,"
        f"data_scadenza\n{bad}\n",
        encoding="utf-8",
    )
    result = cli("import", "mailboxes", str(path), expect=2)
    assert "\x1b" not in result.stderr and "riga 2" in result.stderr
    unknown = cli("account", "show", "avv.\u202eevil", expect=1)
    assert "\u202e" not in unknown.stderr + unknown.stdout
