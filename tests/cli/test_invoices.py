"""`invoices export`, `invoices show` and `documents reminder|invoice`: files where they belong,
private, valid FatturaPA, the same on a second run; bad year or directory exit 2."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import copy_sqlite
from tests.cli.helpers import DEMO_USER, ROSSI, ROSSI_USER, SOSPESA, Kiosk
from tests.documents import assert_valid_fatturapa, cents, pdf_text, text_of


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def paid_orders(kiosk: Kiosk) -> list[str]:
    """Two paid orders: a plain renewal by bonifico, an assisted one by cheque."""
    plain = kiosk.ok("renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico")
    kiosk.ok("payments", "confirm", plain["order_code"], "--amount", "30.50",
             "--reference", "CRO 1")  # fmt: skip
    assisted = kiosk.ok("renewal", "order", ROSSI_USER, ROSSI, "--method", "assegno",
                        "--operator", "operatore.demo")  # fmt: skip
    kiosk.ok("payments", "confirm", assisted["order_code"], "--amount", "26.84",
             "--reference", "ASSEGNO 5")  # fmt: skip
    return [plain["order_code"], assisted["order_code"]]


def test_export_writes_the_years_invoices(demo_db: Kiosk, tmp_path: Path) -> None:
    codes = paid_orders(demo_db)
    target = tmp_path / "fatture-2026"
    report = demo_db.ok("invoices", "export", "--year", "2026", str(target))
    assert report["count"] == 2 and report["invoices"] == ["2026/000001", "2026/000002"]
    assert report["written"] == 4 and len(report["files"]) == 4
    assert mode(target) == 0o700
    assert all(mode(Path(f)) == 0o600 for f in report["files"])
    totals = {}
    for xml in sorted(target.glob("*.xml")):
        root = assert_valid_fatturapa(xml)
        totals[text_of(root, ".//Causale").split()[-1]] = cents(root, ".//ImportoTotaleDocumento")
    assert totals == {codes[0]: 3050, codes[1]: 2684}
    assert len(list(target.glob("fattura-2026-*.pdf"))) == 2
    # the same command again: nothing new
    before = {f: Path(f).read_bytes() for f in report["files"]}
    again = demo_db.ok("invoices", "export", "--year", "2026", str(target))
    assert again["written"] == 0 and again["files"] == report["files"]
    assert {f: Path(f).read_bytes() for f in again["files"]} == before
    said = demo_db("invoices", "export", "--year", "2026", str(target), expect=0).stdout
    assert said.strip() == f"Fatture 2026 esportate in {target}: 2 (4 file, 0 scritti)."
    xml_only = demo_db.ok("invoices", "export", "--year", "2026", "--no-pdf", str(tmp_path / "x"))
    assert xml_only["count"] == 2 and all(f.endswith(".xml") for f in xml_only["files"])


def test_export_refuses_a_bad_year_or_directory(demo_db: Kiosk, tmp_path: Path) -> None:
    paid_orders(demo_db)
    target = tmp_path / "out"
    usage = demo_db("invoices", "export", "--year", "duemila", str(target), expect=2)
    assert "--year" in usage.stderr and "non è un intero valido" in usage.stderr
    for year in ("1999", "2027"):
        refused = demo_db.refused("invoices", "export", "--year", year, str(target), code=2)
        assert refused["error"] == "invalid_input" and refused["field"] == "year"
        assert f"Anno non valido: {year}" in refused["message"]
    assert not target.exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    refused = demo_db.refused("invoices", "export", "--year", "2026", str(blocker), code=2)
    assert refused["field"] == "directory" and "non è una cartella" in refused["message"]
    said = demo_db("invoices", "export", "--year", "2026", str(blocker / "x"), expect=2)
    assert said.stderr.startswith("Errore: ") and "non è una cartella" in said.stderr


def test_show_an_invoice(demo_db: Kiosk) -> None:
    codes = paid_orders(demo_db)
    shown = demo_db.ok("invoices", "show", "2026/2")
    assert shown["number"] == "2026/000002" and shown["order_code"] == codes[1]
    assert (shown["net_cents"], shown["vat_cents"], shown["total_cents"]) == (2200, 484, 2684)
    assert shown["xml_name"].startswith("IT07382140585_") and shown["pec"] == ROSSI
    text = demo_db("invoices", "show", "2026/000002", expect=0).stdout
    assert "Totale          26,84\u00a0€" in text
    assert demo_db.refused("invoices", "show", "2026/9")["error"] == "unknown_invoice"
    assert demo_db.refused("invoices", "show", "nove", code=2)["field"] == "number"


def test_an_orders_documents_as_files(demo_db: Kiosk, data_dir: Path) -> None:
    order = demo_db.ok("renewal", "order", DEMO_USER, SOSPESA, "--method", "bollettino")
    code = order["order_code"]
    reminder = demo_db.ok("documents", "reminder", code)
    assert reminder["kind"] == "reminder" and reminder["written"] is True
    assert Path(reminder["path"]).parent == data_dir / "documents" / "promemoria"
    assert code in pdf_text(Path(reminder["path"]))
    assert demo_db.refused("documents", "invoice", code)["error"] == "no_invoice"
    demo_db.ok("payments", "confirm", code, "--amount", "30,50", "--reference", "BOLL 1")
    assert demo_db.refused("documents", "reminder", code)["error"] == "not_pending"
    pdf = Path(demo_db("documents", "invoice", code, expect=0).stdout.strip())
    assert pdf.name == "fattura-2026-000001.pdf" and "30,50 €" in pdf_text(pdf)
    xml = Path(demo_db.ok("documents", "invoice", code, "--xml")["path"])
    assert text_of(assert_valid_fatturapa(xml), ".//ModalitaPagamento") == "MP18"


def test_the_real_command_exports(
    make_kiosk: Callable[..., Kiosk], sqlite_url: str, demo_template: Path, tmp_path: Path
) -> None:
    """In a subprocess: the lazily imported command, fpdf2 and the bundled font included."""
    copy_sqlite(demo_template, Path(sqlite_url.removeprefix("sqlite://")))
    kiosk = make_kiosk(subprocess_mode=True, KIOSK_DATABASE_URL=sqlite_url)
    paid = kiosk.ok("renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico")
    kiosk.ok("payments", "confirm", paid["order_code"], "--amount", "30.50", "--reference", "C 1")
    report = kiosk.ok("invoices", "export", "--year", "2026", str(tmp_path / "out"))
    assert report["count"] == 1
    pdf = next(Path(f) for f in report["files"] if f.endswith(".pdf"))
    assert "€" in pdf_text(pdf) and paid["order_code"] in pdf_text(pdf)
