"""The PDFs from content alone: the bundled font (the euro sign and accents render), the same
bytes for the same document, amounts as the kiosk writes them in Italian."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from kiosk.documents import pdf
from kiosk.documents.content import Amounts, Customer, DocumentLine, ReminderContent
from kiosk.documents.seller import load_seller
from kiosk.domain.model import PaymentMethod
from kiosk.i18n import language, money
from tests.conftest import DATA
from tests.documents import pdf_qr, pdf_text
from tests.unit.test_fatturapa import invoice

SELLER = load_seller(DATA)


@given(st.integers(min_value=-(10**11), max_value=10**11))
def test_amounts_are_written_as_the_kiosk_writes_them_in_italian(cents: int) -> None:
    with language("it"):
        assert pdf.euro(cents) == money(cents)


def test_the_font_is_bundled_with_its_licence() -> None:
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        assert (pdf.FONT_DIR / name).stat().st_size > 100_000
    licence = (pdf.FONT_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Bitstream" in licence and "Permission is hereby granted" in licence


def test_the_invoice_renders_euro_and_accents_the_same_every_time(tmp_path: Path) -> None:
    content = invoice(1025, 1000, name="Avv. Nicolò D’Àmico")
    first = pdf.invoice_pdf(SELLER, content, "IT07382140585_0RS0X.xml")
    assert first == pdf.invoice_pdf(SELLER, content, "IT07382140585_0RS0X.xml")
    path = tmp_path / "fattura.pdf"
    path.write_bytes(first)
    text = pdf_text(path)
    for expected in ("FATTURA", "Numero: 2026/000001", "Avv. Nicolò D’Àmico", "Totale 24,71 €",
                     "IVA 22% 4,46 €", "Imponibile 20,25 €", "10,25 €", "10,00 €",
                     "RLM4K7Q2X3", "Via Giosuè Carducci 4", "P. IVA 07382140585"):  # fmt: skip
        assert expected in text, expected
    fonts = {
        str(font["/BaseFont"])
        for page in PdfReader(path).pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    }
    assert fonts and all("DejaVu" in f for f in fonts), fonts  # no core font without €


def test_the_reminder_carries_its_qr(tmp_path: Path) -> None:
    period = (date(2026, 12, 16), date(2027, 12, 15))
    line = DocumentLine("Rinnovo annuale casella PEC", 1500, period)
    reminder = ReminderContent(
        order_code="RLM4K7Q2X3",
        created_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        created_on=date(2026, 11, 25),
        customer=Customer(
            "Avv. Maria Demo",
            "DMEMRA80A41F912A",
            "avv.demo@example.org",
            "maria.demo@pec.avvocatinocera.it",
            "avv.demo",
        ),
        amounts=Amounts((line,), 1500, 330, 1830, 22),
        method=PaymentMethod.BOLLETTINO,
        method_label="bollettino postale",
        amount_text="18,30\u00a0€",
        causale="RLM4K7Q2X3 RINNOVO PEC",
        causale_label="Causale",
        details=(("Conto corrente postale", "001023456789"), ("Causale", "RLM4K7Q2X3 RINNOVO PEC")),
        admin_email="amministrazione@lextel.it",
        qr_payload="BOLLETTINO POSTALE\nC/C 001023456789\nLextel S.p.A.\nEUR 18,30\nRLM4K7Q2X3",
        pay_by=date(2026, 12, 5),
        current_expiry=date(2026, 12, 15),
        next_expiry=date(2027, 12, 15),
        activation_delay_hours=24,
    )
    data = pdf.reminder_pdf(SELLER, reminder)
    assert data == pdf.reminder_pdf(SELLER, reminder)
    path = tmp_path / "promemoria.pdf"
    path.write_bytes(data)
    assert pdf_qr(path) == reminder.qr_payload
    text = pdf_text(path)
    assert "scrivere nella causale «RLM4K7Q2X3 RINNOVO PEC»" in text
    assert "Totale 18,30 €" in text and "Da pagare entro il: 05/12/2026" in text
