"""Documents of real orders, on both backends: the payment reminder (PDF with its QR), the
invoice as PDF and as FatturaPA (valid against the XSD, totals equal to the database's), made
privately under the data directory, the same bytes when asked again."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kiosk.domain.model import MailboxFamily, PaymentMethod
from kiosk.errors import Reason, Refusal
from kiosk.i18n import get_language, set_language
from kiosk.services.dto import DocumentKind, OrderView
from kiosk.services.facade import Services
from kiosk.store.models import Invoice, Price, Subscriber
from tests.documents import assert_valid_fatturapa, cents, pdf_qr, pdf_text, text_of
from tests.services.conftest import RENEWABLE, ROSSI, SOSPESA


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def euro(text: str) -> str:
    """As pdf_text shows an amount (the non-breaking space as a space)."""
    return text.replace("\u00a0", " ")


async def pay(services: Services, order: OrderView, reference: str = "CRO 1") -> Invoice:
    await services.payments.confirm(order.code, order.total_cents, reference, actor="admin.demo")
    return await Invoice.get(order__code=order.code)


@pytest.mark.parametrize("method", [PaymentMethod.BONIFICO, PaymentMethod.BOLLETTINO,
                                    PaymentMethod.ASSEGNO])  # fmt: skip
async def test_reminder_says_how_to_pay_and_its_qr_scans(
    demo: Services, method: PaymentMethod
) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, method)
    assert order.instructions is not None
    document = await demo.documents.reminder(order.code)
    root = demo.ctx.settings.data_dir / "documents"
    assert document.kind is DocumentKind.REMINDER and document.written
    assert document.path.parent == root / "promemoria"
    assert mode(document.path) == 0o600
    assert mode(root) == mode(document.path.parent) == 0o700
    text = pdf_text(document.path)
    for expected in (order.code, "30,50 €", "€", "PROMEMORIA DI PAGAMENTO", SOSPESA,
                     "Avv. Maria Demo", order.instructions.causale, "05/12/2026"):  # fmt: skip
        assert expected in text, expected
    for _label, value in order.instructions.details:
        assert euro(value) in text
    assert pdf_qr(document.path) == order.instructions.qr_payload
    if method is PaymentMethod.BONIFICO:
        assert order.instructions.qr_payload.startswith("BCD\n002\n1\nSCT")
    # again: the same file, not rewritten
    before = document.path.read_bytes()
    again = await demo.documents.reminder(order.code)
    assert again.path == document.path and not again.written
    assert again.path.read_bytes() == before


async def test_documents_are_italian_whatever_the_kiosk_speaks(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    italian = (await demo.documents.reminder(order.code)).path.read_bytes()
    set_language("en")
    try:
        document = await demo.documents.reminder(order.code)
        assert get_language() == "en"  # the kiosk's language is given back
    finally:
        set_language("it")
    assert not document.written and document.path.read_bytes() == italian
    assert "Causale" in pdf_text(document.path)


async def test_no_reminder_for_what_is_not_awaiting_an_offline_payment(demo: Services) -> None:
    card = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.CARTA)
    with pytest.raises(Refusal) as err:
        await demo.documents.reminder(card.code)
    assert err.value.reason is Reason.NOT_OFFLINE
    prepaid = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    with pytest.raises(Refusal) as err:
        await demo.documents.reminder(prepaid.code)
    assert err.value.reason is Reason.NOT_PENDING
    cancelled = await demo.renewals.cancel(card.code, actor="avv.demo")
    with pytest.raises(Refusal) as err:
        await demo.documents.reminder(cancelled.code)
    assert err.value.reason is Reason.NOT_PENDING
    with pytest.raises(Refusal) as err:
        await demo.documents.reminder("RLM0000000")
    assert err.value.reason is Reason.UNKNOWN_ORDER
    pending = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    with pytest.raises(Refusal) as err:  # not paid: no invoice yet
        await demo.documents.invoice_pdf(pending.code)
    assert err.value.reason is Reason.NO_INVOICE
    assert not (demo.ctx.settings.data_dir / "documents").exists()  # nothing was written


async def check_invoice(services: Services, order: OrderView, invoice: Invoice) -> None:
    """PDF and FatturaPA of a paid order: valid, private, idempotent, the database's totals."""
    pdf = await services.documents.invoice_pdf(order.code)
    xml = await services.documents.invoice_xml(order.code)
    year_dir = services.ctx.settings.data_dir / "documents" / "fatture" / "2026"
    assert pdf.path.parent == xml.path.parent == year_dir
    assert mode(pdf.path) == mode(xml.path) == 0o600 and mode(year_dir) == 0o700
    root = assert_valid_fatturapa(xml.path)
    assert cents(root, ".//DatiRiepilogo/ImponibileImporto") == invoice.net_cents
    assert cents(root, ".//DatiRiepilogo/Imposta") == invoice.vat_cents
    assert cents(root, ".//ImportoTotaleDocumento") == invoice.total_cents
    lines = root.findall(".//DettaglioLinee")
    assert [cents(line, "PrezzoTotale") for line in lines] == [p.net_cents for p in order.lines]
    assert text_of(root, ".//DatiGeneraliDocumento/Numero") == order.invoice_number
    assert text_of(root, ".//PECDestinatario") == order.pec
    assert xml.path.name == f"IT07382140585_{text_of(root, './/ProgressivoInvio')}.xml"
    text = pdf_text(pdf.path)
    for expected in (order.code, f"FATTURA Numero: {invoice.year}/{invoice.number:06d}", "€",
                     euro(f"Totale {money_it(invoice.total_cents)}"),
                     euro(f"IVA 22% {money_it(invoice.vat_cents)}"),
                     euro(f"Imponibile {money_it(invoice.net_cents)}"), xml.path.name):  # fmt: skip
        assert expected in text, expected
    for document in (pdf, xml):
        again = await (
            services.documents.invoice_pdf if document is pdf else services.documents.invoice_xml
        )(order.code)
        assert not again.written and again.path.read_bytes() == document.path.read_bytes()


def money_it(cents_: int) -> str:
    from kiosk.documents.pdf import euro as pdf_euro

    return pdf_euro(cents_)


async def test_invoice_of_a_plain_renewal(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    invoice = await pay(demo, order)
    order = await demo.renewals.order(order.code)
    assert len(order.lines) == 1
    await check_invoice(demo, order, invoice)
    assert "30,50 €" in pdf_text((await demo.documents.invoice_pdf(order.code)).path)


async def test_invoice_of_an_assisted_renewal_has_the_fee_line(demo: Services) -> None:
    order = await demo.renewals.place_order(
        "avv.rossi", ROSSI, PaymentMethod.ASSEGNO, operator="operatore.demo"
    )
    invoice = await pay(demo, order, "ASSEGNO 42")
    order = await demo.renewals.order(order.code)
    assert [line.code for line in order.lines] == ["renewal", "assisted_fee"]
    await check_invoice(demo, order, invoice)
    root = assert_valid_fatturapa((await demo.documents.invoice_xml(order.code)).path)
    fee = root.findall(".//DettaglioLinee")[1]
    assert text_of(fee, "Descrizione") == "Servizio di rinnovo assistito"
    assert text_of(fee, "PrezzoTotale") == "10.00"
    assert text_of(root, ".//ModalitaPagamento") == "MP02"  # assegno


async def test_invoice_of_a_prepaid_renewal(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    invoice = await Invoice.get(order__code=order.code)
    await check_invoice(demo, order, invoice)
    root = assert_valid_fatturapa((await demo.documents.invoice_xml(order.code)).path)
    assert text_of(root, ".//ModalitaPagamento") == "MP22"  # taken from credit already paid


@pytest.mark.parametrize(("net", "assisted"), [(1, False), (3, True), (1025, False),
                                               (2275, True), (99_999, False)])  # fmt: skip
async def test_totals_equal_the_database_for_awkward_prices(
    demo: Services, net: int, assisted: bool
) -> None:
    """Prices whose IVA rounds (0,22 → 0; 10,25 → 2,255 → 2,26): the XML copies the stored
    IVA, computed once on the taxable total."""
    await Price.filter(
        area_id="avvocatisalerno.lextel.it", family=MailboxFamily.CONVENZIONE_ORDINE
    ).update(net_cents=net)
    order = await demo.renewals.place_order(
        "avv.rossi", ROSSI, PaymentMethod.BONIFICO,
        operator="operatore.demo" if assisted else None,
    )  # fmt: skip
    assert order.net_cents == net + (1000 if assisted else 0)
    invoice = await pay(demo, order)
    await check_invoice(demo, await demo.renewals.order(order.code), invoice)


async def test_accents_and_apostrophes_in_the_customer_name(demo: Services) -> None:
    name = "Avv. Nicolò D’Àmico-Łukasz & C."
    await Subscriber.filter(userid="avv.rossi").update(nominativo=name)
    order = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    invoice = await pay(demo, order)
    assert invoice.customer_name == name
    await check_invoice(demo, await demo.renewals.order(order.code), invoice)
    root = assert_valid_fatturapa((await demo.documents.invoice_xml(order.code)).path)
    assert text_of(root, ".//CessionarioCommittente//Denominazione") == (
        "Avv. Nicolò D'Àmico-Lukasz & C."  # Latin-1, as FatturaPA requires
    )
    assert name in pdf_text((await demo.documents.invoice_pdf(order.code)).path)  # as written


async def test_no_fatturapa_without_a_codice_fiscale(demo: Services, tmp_path: Path) -> None:
    await Subscriber.filter(userid="avv.rossi").update(codice_fiscale=None)
    order = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    await pay(demo, order)
    with pytest.raises(Refusal) as err:
        await demo.documents.invoice_xml(order.code)
    assert err.value.reason is Reason.NO_TAX_CODE
    assert "codice fiscale" in err.value.message
    assert (await demo.documents.invoice_pdf(order.code)).path.exists()  # the PDF can be made
    with pytest.raises(Refusal):  # the export refuses before writing anything
        await demo.documents.export_year(2026, tmp_path / "export")
    assert not (tmp_path / "export").exists()


async def test_invoice_by_number(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BOLLETTINO)
    invoice = await pay(demo, order)
    for typed in ("2026/000001", "2026/1", " 2026-1 "):
        view = await demo.documents.invoice(typed)
        assert view.number == "2026/000001" and view.order_code == order.code
        assert (view.net_cents, view.vat_cents, view.total_cents) == (
            invoice.net_cents, invoice.vat_cents, invoice.total_cents,
        )  # fmt: skip
        assert view.customer_cf == "DMEMRA80A41F912A" and view.pec == SOSPESA
    with pytest.raises(Refusal) as err:
        await demo.documents.invoice("2026/2")
    assert err.value.reason is Reason.UNKNOWN_INVOICE
