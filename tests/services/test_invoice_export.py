"""The year's invoices exported for the accountant (FatturaPA and PDF), and documents sent to the
desk's printer (a script standing in for `lp`), on both backends."""

from __future__ import annotations

import json
import shlex
import stat
import sys
from pathlib import Path

import pytest

from kiosk.domain.model import PaymentMethod
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.services.context import ServiceContext
from kiosk.services.documents import DocumentService
from kiosk.services.dto import DocumentKind
from kiosk.services.facade import Services
from kiosk.store.models import Invoice
from tests.documents import assert_valid_fatturapa, cents, pdf_text, text_of
from tests.services.conftest import RENEWABLE, ROSSI, SOSPESA


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def three_invoices(services: Services) -> list[str]:
    """A plain renewal paid by bonifico, a prepaid one, an assisted one paid by cheque."""
    plain = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    await services.payments.confirm(plain.code, plain.total_cents, "CRO 1", actor="admin.demo")
    prepaid = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    assisted = await services.renewals.place_order(
        "avv.rossi", ROSSI, PaymentMethod.ASSEGNO, operator="operatore.demo"
    )
    await services.payments.confirm(
        assisted.code, assisted.total_cents, "ASSEGNO 7", actor="admin.demo"
    )
    return [plain.code, prepaid.code, assisted.code]


async def test_export_writes_every_invoice_of_the_year(demo: Services, tmp_path: Path) -> None:
    codes = await three_invoices(demo)
    target = tmp_path / "commercialista" / "2026"
    report = await demo.documents.export_year(2026, target)
    assert report.invoices == ("2026/000001", "2026/000002", "2026/000003")
    assert report.directory == target and mode(target) == mode(target.parent) == 0o700
    assert len(report.files) == 6 and report.written == 6
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in report.files)
    xmls = sorted(target.glob("IT07382140585_*.xml"))
    assert len(xmls) == 3
    for path in report.files:
        assert mode(path) == 0o600
    for xml in xmls:
        root = assert_valid_fatturapa(xml)
        number = text_of(root, ".//DatiGeneraliDocumento/Numero")
        year, sequence = number.split("/")
        invoice = await Invoice.get(year=int(year), number=int(sequence)).prefetch_related("order")
        assert cents(root, ".//DatiRiepilogo/ImponibileImporto") == invoice.net_cents
        assert cents(root, ".//DatiRiepilogo/Imposta") == invoice.vat_cents
        assert cents(root, ".//ImportoTotaleDocumento") == invoice.total_cents
        pdf = target / f"fattura-{year}-{int(sequence):06d}.pdf"
        assert invoice.order.code in pdf_text(pdf) and xml.name in pdf_text(pdf)
    assert {text_of(assert_valid_fatturapa(x), ".//Causale").split()[-1] for x in xmls} == set(
        codes
    )
    # again: the same files, nothing rewritten
    before = {p: p.read_bytes() for p in report.files}
    again = await demo.documents.export_year(2026, target)
    assert again.files == report.files and again.written == 0
    assert {p: p.read_bytes() for p in again.files} == before


async def test_export_without_pdfs(demo: Services, tmp_path: Path) -> None:
    await three_invoices(demo)
    report = await demo.documents.export_year(2026, tmp_path / "xml", pdf=False)
    assert len(report.invoices) == 3 and report.written == 3
    assert [p.suffix for p in report.files] == [".xml"] * 3
    assert sorted(p.name for p in (tmp_path / "xml").iterdir()) == sorted(
        p.name for p in report.files
    )


async def test_export_of_a_year_without_invoices(demo: Services, tmp_path: Path) -> None:
    await three_invoices(demo)
    report = await demo.documents.export_year(2025, tmp_path / "vuota")
    assert report.invoices == () and report.files == () and report.written == 0
    assert list((tmp_path / "vuota").iterdir()) == []


@pytest.mark.parametrize("year", [1999, 2027, 10_000])
async def test_export_refuses_a_year_that_cannot_have_invoices(
    demo: Services, tmp_path: Path, year: int
) -> None:
    with pytest.raises(InvalidInput) as err:
        await demo.documents.export_year(year, tmp_path / "out")
    assert err.value.field == "year" and str(year) in err.value.message
    assert not (tmp_path / "out").exists()


async def test_export_refuses_a_directory_it_cannot_use(demo: Services, tmp_path: Path) -> None:
    await three_invoices(demo)
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    for target in (blocker, blocker / "below"):
        with pytest.raises(InvalidInput) as err:
            await demo.documents.export_year(2026, target)
        assert err.value.field == "directory" and "non è una cartella" in err.value.message
    assert blocker.read_text() == "x"


RECORDER = "import json, sys\nopen(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]))\n"


def printing(services: Services, command: str | None) -> DocumentService:
    """The documents service of a desk whose print command is `command`."""
    ctx = services.ctx
    settings = ctx.settings.model_copy(update={"print_command": command})
    return DocumentService(ServiceContext.build(ctx.clock, ctx.refdata, settings))


async def test_print_sends_the_pdf_to_the_printer(demo: Services, tmp_path: Path) -> None:
    script, received = tmp_path / "fake_lp.py", tmp_path / "received.json"
    script.write_text(RECORDER, encoding="utf-8")
    command = f"{shlex.quote(sys.executable)} {script} {received} -d sportello {{file}}"
    documents = printing(demo, command)
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    reminder = await documents.print_document(order.code, DocumentKind.REMINDER)
    assert json.loads(received.read_text()) == ["-d", "sportello", str(reminder.path)]
    assert order.code in pdf_text(reminder.path)
    await demo.payments.confirm(order.code, order.total_cents, "CRO 9", actor="admin.demo")
    invoice = await documents.print_document(order.code, DocumentKind.INVOICE)
    assert json.loads(received.read_text()) == ["-d", "sportello", str(invoice.path)]
    assert "2026/000001" in pdf_text(invoice.path)


async def test_print_refused_when_not_configured_or_failing(demo: Services, tmp_path: Path) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    with pytest.raises(Refusal) as err:
        await printing(demo, None).print_document(order.code, DocumentKind.REMINDER)
    assert err.value.reason is Reason.PRINT_DISABLED
    failing = tmp_path / "lp.py"
    failing.write_text("import sys\nsys.stderr.write('lp: error - no default destination')\n"
                       "sys.exit(1)\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(Refusal) as err:
        await printing(demo, f"{sys.executable} {failing}").print_document(
            order.code, DocumentKind.REMINDER
        )
    assert err.value.reason is Reason.PRINT_FAILED
    assert err.value.message == (
        "Stampa non riuscita (codice 1). lp: error - no default destination"
    )
    with pytest.raises(Refusal) as err:  # no invoice to print before the payment
        await printing(demo, f"{sys.executable} {failing}").print_document(
            order.code, DocumentKind.INVOICE
        )
    assert err.value.reason is Reason.NO_INVOICE
