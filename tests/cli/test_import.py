"""`pec-kiosk import mailboxes`: all or nothing, every bad line reported, idempotent."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from tests.cli.helpers import GOOD_ROWS, HEADER, Kiosk, add_staff, mailbox

# Each bad row has exactly one fault; lines 2 and 11 are good and must not be imported either.
BAD_ROWS = {
    2: "enrico.neri,Avv. Enrico Neri,NRENRC75T10A509L,enrico.neri@example.org,"
    "avvocatisalerno.lextel.it,enrico.neri@pec.ordineavvocatisalerno.it,convenzione_ordine,"
    "2021-12-01,2026-12-01",
    3: "paolo.rossi,Avv. Paolo Rossi,RSSMRA80A01H501X,paolo.rossi@example.org,,"
    "paolo.rossi@legalmail.it,legalmail,2023-01-10,2027-01-10",
    4: "anna.gialli,Avv. Anna Gialli,RSSMRA80A01H501U,anna.gialli@example.org,,"
    "anna.gialli@legalmail.it,premium,2023-01-10,2027-01-10",
    5: "carla.blu,Avv. Carla Blu,RSSMRA80A01H501U,carla.blu@example.org,"
    "avvocatinocera.lextel.it,carla.blu@pec.avvocatinocera.it,legalmail,2023-01-10,2027-01-10",
    6: "dario.viola,Avv. Dario Viola,RSSMRA80A01H501U,dario.viola@example.org,,"
    "dario.viola@legalmail.it,legalmail,31/02/2021,2027-02-28",
    7: "elena.rosa,Avv. Elena Rosa,RSSMRA80A01H501U,elena.rosa@example.org,,"
    "elena.rosa@legalmail.it,legalmail,2020-05-10,2026-05-11",
    8: "fabio.grigi,Avv. Fabio Grigi,RSSMRA80A01H501U,fabio.grigi@example.org,"
    "avvocatimilano.lextel.it,fabio.grigi@legalmail.it,legalmail,2023-01-10,2027-01-10",
    9: "gino.bruni,Avv. Gino Bruni,RSSMRA80A01H501U,gino.bruni@example.org,,"
    "gino.bruni@legalmail.it,legalmail,2023-01-10",
    10: "",  # blank lines are skipped, and do not shift the numbering
    11: "enrico.neri,Avv. Enrico Neri,NRENRC75T10A509L,enrico.neri@example.org,"
    "avvocatisalerno.lextel.it,enrico.neri@legalmail.it,legalmail,2022-12-01,01/12/2026",
}
# line -> fragments its reason must contain
EXPECTED_REASONS = {
    3: ("codice_fiscale", "codice fiscale non è valido"),
    4: ("famiglia", "premium"),
    5: ("pec", "@legalmail.it"),
    6: ("data_attivazione", "31/02/2021"),
    7: ("data_scadenza", "anni"),
    8: ("area", "avvocatimilano.lextel.it"),
    9: ("attese 9 colonne, trovate 8",),
}


def write(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_file_is_imported_with_both_date_formats_and_the_default_area(
    cli: Kiosk, good_csv: Path, sqlite_url: str
) -> None:
    report = cli.ok("import", "mailboxes", str(good_csv))
    assert report["subscribers_created"] == 2
    assert report["mailboxes_created"] == 4
    assert report["rows_unchanged"] == 0

    mario = cli.ok("account", "show", "mario.bianchi")
    assert mario["area"] == "avvocatinocera.lextel.it"
    assert mario["role"] == "subscriber"
    assert mario["balance_cents"] == 0
    assert len(mario["mailboxes"]) == 2
    box = mailbox(mario, "mario.bianchi@pec.avvocatinocera.it")
    assert (box["family"], box["state"], box["expiry"], box["renewable"]) == (
        "convenzione_ordine",
        "attiva",
        "2026-12-10",
        True,
    )
    box = mailbox(mario, "m.bianchi@legalmail.it")  # DD/MM/YYYY dates
    assert (box["family"], box["state"], box["expiry"], box["renewable"]) == (
        "legalmail",
        "attiva",
        "2027-03-15",
        False,
    )

    lucia = cli.ok("account", "show", "lucia.verdi")
    assert lucia["area"] == "www.lextel.it"  # empty area column
    box = mailbox(lucia, "lucia.verdi@pec.studilegaliassociati.it")  # mixed formats
    assert (box["family"], box["state"], box["expiry"], box["renewable"]) == (
        "dominio_convenzione",
        "sospesa",
        "2026-10-01",
        True,
    )
    box = mailbox(lucia, "l.verdi@legalmail.it")
    assert (box["state"], box["expiry"], box["renewable"]) == ("cessata", "2026-04-30", False)

    # the default area's price list applies: dominio_convenzione 32,00 + IVA
    quote = cli.ok("renewal", "quote", "lucia.verdi", "lucia.verdi@pec.studilegaliassociati.it")
    assert (quote["net_cents"], quote["vat_cents"], quote["total_cents"]) == (3200, 704, 3904)
    assert quote["next_expiry"] == "2027-10-01"  # from the old expiry, not from today

    # imported subscribers have no password (they register or recover at the kiosk)
    path = sqlite_url.removeprefix("sqlite://")
    with sqlite3.connect(path) as conn:
        hashes = conn.execute(
            "SELECT userid, password_hash FROM subscriber ORDER BY userid"
        ).fetchall()
    assert hashes == [("lucia.verdi", None), ("mario.bianchi", None)]


def table_rows(sqlite_url: str) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(sqlite_url.removeprefix("sqlite://")) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("subscriber", "mailbox", "prepaid_account", "prepaid_entry")
        }


def other_date_format(text: str) -> str:
    """`2026-12-10` <-> `10/12/2026` in every date of the file: the same data, written otherwise."""
    return re.sub(
        r"(\d{4})-(\d{2})-(\d{2})|(\d{2})/(\d{2})/(\d{4})",
        lambda m: f"{m[3]}/{m[2]}/{m[1]}" if m[1] else f"{m[6]}-{m[5]}-{m[4]}",
        text,
    )


def test_reimporting_the_same_file_changes_nothing(
    cli: Kiosk, good_csv: Path, sqlite_url: str, tmp_path: Path
) -> None:
    cli.ok("import", "mailboxes", str(good_csv))
    before = [cli.ok("account", "show", u) for u in ("mario.bianchi", "lucia.verdi")]
    rows_before = table_rows(sqlite_url)

    again = cli("import", "mailboxes", str(good_csv), expect=0)
    assert "Nessuna modifica: 4 righe già presenti e invariate." in again.stdout
    report = cli.ok("import", "mailboxes", str(good_csv))
    assert report == {
        "subscribers_created": 0,
        "mailboxes_created": 0,
        "rows_unchanged": 4,
        "errors": [],
        "duplicates": 0,
        "mailboxes_updated": 0,
        "renewed_elsewhere": [],
        "kept_ours": [],
        "dry_run": False,
        "encoding": "utf-8",
    }
    # the same data with the dates written the other way is the same data
    swapped = tmp_path / "swapped.csv"
    swapped.write_text(other_date_format(good_csv.read_text(encoding="utf-8")), encoding="utf-8")
    assert "15/03/2024" not in swapped.read_text(encoding="utf-8")
    report = cli.ok("import", "mailboxes", str(swapped))
    assert (report["subscribers_created"], report["mailboxes_created"]) == (0, 0)
    assert report["rows_unchanged"] == 4

    after = [cli.ok("account", "show", u) for u in ("mario.bianchi", "lucia.verdi")]
    assert after == before
    assert table_rows(sqlite_url) == rows_before
    assert len(cli.ok("overview")) == 2


def test_bad_file_reports_every_bad_line_and_imports_nothing(cli: Kiosk, tmp_path: Path) -> None:
    assert list(BAD_ROWS) == list(range(2, 12))
    path = write(tmp_path / "bad.csv", HEADER, *BAD_ROWS.values())

    result = cli("import", "mailboxes", str(path), "--json", expect=2)
    data = result.json
    assert data["error"] == "invalid_file"
    assert "nessuna riga importata" in data["message"]
    reported = {e["line"]: e["reason"] for e in data["errors"]}
    assert sorted(reported) == sorted(EXPECTED_REASONS), reported
    for line, fragments in EXPECTED_REASONS.items():
        for fragment in fragments:
            assert fragment in reported[line], (line, reported[line])

    # for people: one Italian line per bad row, on stderr
    text = cli("import", "mailboxes", str(path), expect=2)
    for line in EXPECTED_REASONS:
        assert f"riga {line}: " in text.stderr, text
    assert "Il file contiene 7 righe non valide: nessuna riga importata." in text.stderr

    # nothing of the file is in the database, not even its good rows
    assert cli.refused("account", "show", "enrico.neri")["error"] == "unknown_user"
    quote = cli.refused(
        "renewal", "quote", "enrico.neri", "enrico.neri@pec.ordineavvocatisalerno.it"
    )
    assert quote["reason"] == "unknown_mailbox"
    assert cli.ok("overview") == []


def test_wrong_header_is_refused(cli: Kiosk, tmp_path: Path) -> None:
    path = write(
        tmp_path / "header.csv",
        HEADER.replace("codice_fiscale", "cf"),
        GOOD_ROWS[0],
    )
    data = cli.refused("import", "mailboxes", str(path), code=2)
    assert data["error"] == "invalid_file"
    assert [e["line"] for e in data["errors"]] == [1]
    assert "Intestazione attesa" in data["errors"][0]["reason"]
    assert cli.ok("overview") == []


def test_a_row_contradicting_the_database_rejects_the_whole_file(
    cli: Kiosk, good_csv: Path, tmp_path: Path
) -> None:
    cli.ok("import", "mailboxes", str(good_csv))
    changed = GOOD_ROWS[2].replace("01/10/2025,2026-10-01", "01/10/2024,2026-10-01")
    new_row = BAD_ROWS[2]
    path = write(tmp_path / "second.csv", HEADER, new_row, changed)

    data = cli.refused("import", "mailboxes", str(path), code=2)
    assert [e["line"] for e in data["errors"]] == [3]
    assert "lucia.verdi@pec.studilegaliassociati.it" in data["errors"][0]["reason"]
    assert cli.refused("account", "show", "enrico.neri")["error"] == "unknown_user"
    box = mailbox(
        cli.ok("account", "show", "lucia.verdi"), "lucia.verdi@pec.studilegaliassociati.it"
    )
    assert box["expiry"] == "2026-10-01"


def test_file_problems_are_bad_input(cli: Kiosk, tmp_path: Path) -> None:
    cli("import", "mailboxes", str(tmp_path / "missing.csv"), expect=2)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        (HEADER + "\n" + GOOD_ROWS[0].replace("Mario", "Mariò") + "\n").encode("latin-1")
    )
    # forced to UTF-8, a Windows file cannot be read: its line is named, nothing imported
    data = cli.refused("import", "mailboxes", str(latin1), "--encoding", "utf-8", code=2)
    assert data["error"] == "invalid_file"
    assert "--encoding" in data["errors"][0]["reason"]
    unknown = cli.refused("import", "mailboxes", str(latin1), "--encoding", "klingon", code=2)
    assert unknown["field"] == "encoding"
    assert cli.ok("overview") == []


def test_leap_day_anchor_keeps_its_anniversary_through_a_renewal(
    cli: Kiosk, tmp_path: Path
) -> None:
    """Activated on 29 Feb 2024: expires 28 Feb 2027, and renewing gives 29 Feb 2028."""
    add_staff(cli)
    pec = "leo.bisesto@legalmail.it"
    path = write(
        tmp_path / "bisesto.csv",
        HEADER,
        f"leo.bisesto,Avv. Leo Bisesto,BNCMRA80A01F912M,leo@example.org,,{pec},legalmail,"
        "29/02/2024,2027-02-28",
    )
    day = "2026-12-01T10:00:00+01:00"
    cli.ok("import", "mailboxes", str(path), now=day)
    early = cli.refused("renewal", "quote", "leo.bisesto", pec, now="2026-11-27T10:00:00+01:00")
    assert (early["reason"], early["opens_on"]) == ("too_early", "2026-11-28")
    quote = cli.ok("renewal", "quote", "leo.bisesto", pec, now=day)
    assert (quote["current_expiry"], quote["next_expiry"]) == ("2027-02-28", "2028-02-29")
    assert quote["total_cents"] == 4880  # legalmail on www.lextel.it: 40,00 + IVA

    code = cli.ok("renewal", "order", "leo.bisesto", pec, "--method", "bollettino", now=day)[
        "order_code"
    ]
    cli.ok("payments", "confirm", code, "--amount", "48.80", "--reference", "BOL 1", now=day)
    later = "2026-12-02T10:00:30+01:00"
    assert cli.ok("activate-due", now=later)["activated"][0]["new_expiry"] == "2028-02-29"
    assert mailbox(cli.ok("account", "show", "leo.bisesto", now=later), pec)["expiry"] == (
        "2028-02-29"
    )


def test_expiry_beyond_what_the_program_can_compute_is_a_bad_row(
    cli: Kiosk, tmp_path: Path
) -> None:
    """BUG: 9999-12-31 is imported (exit 0), and then `account show` and `renewal quote` crash
    with a traceback (ValueError: year 10000 is out of range, exit 1). It is a bad row: exit 2,
    its line reported, nothing imported - or else every command must still work on it."""
    pec = "lontano@legalmail.it"
    path = write(
        tmp_path / "lontano.csv",
        HEADER,
        GOOD_ROWS[0],
        f"lontano.nel.tempo,Avv. Lontano,BNCMRA80A01F912M,l@example.org,,{pec},legalmail,"
        "2024-12-31,9999-12-31",
    )
    result = cli("import", "mailboxes", str(path), "--json")
    if result.code == 0:  # accepted: then it must be usable like any other box
        cli("account", "show", "lontano.nel.tempo", "--json", expect=0)
        cli("renewal", "quote", "lontano.nel.tempo", pec, "--json", expect=1)
        return
    assert result.code == 2, result
    assert [e["line"] for e in result.json["errors"]] == [3]
    assert cli.ok("overview") == []


def test_reimport_after_a_kiosk_renewal_keeps_the_newer_expiry(cli: Kiosk, tmp_path: Path) -> None:
    """The provider's file is older than our renewal: the box counts as unchanged."""
    add_staff(cli)
    csv = tmp_path / "one.csv"
    csv.write_text(
        "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,data_scadenza\n"
        "avv.uno,Avv. Uno,RSSGPP75C12H703W,uno@example.org,,uno@legalmail.it,legalmail,"
        "2025-12-01,2026-12-01\n",
        encoding="utf-8",
    )
    cli.ok("import", "mailboxes", str(csv))
    order = cli.ok("renewal", "order", "avv.uno", "uno@legalmail.it", "--method", "bonifico")
    cli.ok("payments", "confirm", order["order_code"], "--amount", "48.80", "--reference", "CRO")
    later = "2026-11-27T10:00:00+01:00"
    cli.ok("activate-due", now=later)
    again = cli.ok("import", "mailboxes", str(csv), now=later)
    assert (again["mailboxes_created"], again["rows_unchanged"]) == (0, 1)
    box = cli.ok("account", "show", "avv.uno", now=later)["mailboxes"][0]
    assert box["expiry"] == "2027-12-01"


def test_a_codice_fiscale_belongs_to_one_userid(cli: Kiosk, tmp_path: Path) -> None:
    csv = tmp_path / "two.csv"
    csv.write_text(
        "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,data_scadenza\n"
        "avv.uno,Avv. Uno,RSSGPP75C12H703W,uno@example.org,,uno@legalmail.it,legalmail,"
        "2024-12-01,2025-12-01\n"
        "avv.due,Avv. Due,RSSGPP75C12H703W,due@example.org,,due@legalmail.it,legalmail,"
        "2024-12-01,2025-12-01\n",
        encoding="utf-8",
    )
    result = cli("import", "mailboxes", str(csv), expect=2)
    assert "riga 3" in result.stderr and "codice fiscale" in result.stderr
