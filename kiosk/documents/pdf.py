"""The payment reminder and the invoice as printable PDFs (A4, fpdf2).

The text is set in DejaVu Sans, bundled in `fonts/` with its licence: the PDF core fonts have no
euro sign. The documents are always Italian (the invoice is a tax document; the reminder is
what the administration reads too) and their bytes depend only on what they say: the creation
date is the order's or the invoice's, so rendering twice gives the same file. Rendering costs
about 0.2 s (the font is parsed and subset): the services run it off the event loop.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.documents.content import Amounts, Customer, InvoiceContent, ReminderContent
from kiosk.documents.qrimage import qr_image
from kiosk.documents.seller import Seller
from kiosk.domain.model import PaymentMethod
from kiosk.i18n import day

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
MARGIN = 15.0
WIDTH = 180.0  # A4's 210 mm less the margins
LINE = 5.5
QR_MM = 50.0


def euro(cents: int) -> str:
    """`1.234,50 €`, as kiosk.i18n.money writes it in Italian whatever the kiosk's language."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}\u00a0€"


def _new_pdf(title: str, seller: Seller, created: datetime) -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_title(title)
    pdf.set_author(seller.name)
    pdf.set_creator("pec-kiosk")
    pdf.set_lang("it")
    pdf.set_creation_date(created)  # the document's own date: the same bytes every time
    pdf.add_page()
    return pdf


def _text(pdf: FPDF, text: str, size: float = 10, *, bold: bool = False, h: float = LINE) -> None:
    """A paragraph across the page, wrapped."""
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_x(MARGIN)
    pdf.multi_cell(WIDTH, h, text, new_x="LMARGIN", new_y="NEXT", align="L")


def _seller_header(pdf: FPDF, seller: Seller, title: str, facts: list[tuple[str, str]]) -> None:
    """The seller on the left, the document's title and key facts on the right."""
    top = pdf.get_y()
    pdf.set_font(FAMILY, "B", 15)
    pdf.cell(100, 8, seller.name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 8.5)
    street, town = seller.address.lines
    rows = [street, town, f"P. IVA {seller.partita_iva} · C.F. {seller.codice_fiscale}"]
    if seller.rea is not None:
        rea = f"REA {seller.rea.ufficio}-{seller.rea.numero}"
        if seller.rea.capitale_sociale_cents is not None:
            rea += f" · Capitale sociale {euro(seller.rea.capitale_sociale_cents)} i.v."
        rows.append(rea)
    if seller.email:
        rows.append(seller.email)
    for row in rows:
        pdf.cell(100, 4.2, row, new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(MARGIN + 100, top)
    pdf.set_font(FAMILY, "B", 14)
    pdf.cell(WIDTH - 100, 8, title, align="R", new_x="LEFT", new_y="NEXT")
    for label, value in facts:
        pdf.set_x(MARGIN + 100)
        pdf.set_font(FAMILY, "", 9.5)
        pdf.cell(WIDTH - 100, 5, f"{label}: {value}", align="R", new_x="LEFT", new_y="NEXT")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 4)
    pdf.set_draw_color(120, 120, 120)
    pdf.line(MARGIN, pdf.get_y(), MARGIN + WIDTH, pdf.get_y())
    pdf.ln(4)


def _customer(pdf: FPDF, customer: Customer, heading: str) -> None:
    _text(pdf, heading, 9, bold=True)
    _text(pdf, customer.name, 11, bold=True)
    rows = []
    if customer.codice_fiscale:
        rows.append(f"Codice fiscale {customer.codice_fiscale}")
    rows += [f"Utente {customer.userid} · e-mail {customer.email}", f"Casella PEC {customer.pec}"]
    for row in rows:
        _text(pdf, row, 9.5, h=5)
    pdf.ln(3)


def _amounts(pdf: FPDF, amounts: Amounts) -> None:
    """The lines, then taxable, IVA and total, each as stored for the order."""
    from fpdf.fonts import FontFace

    pdf.set_font(FAMILY, "", 9.5)
    heading = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    with pdf.table(
        col_widths=(140, 40),
        text_align=("LEFT", "RIGHT"),
        headings_style=heading,
        line_height=5.5,
        width=WIDTH,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        row = table.row()
        row.cell("Descrizione")
        row.cell("Imponibile")
        for line in amounts.lines:
            row = table.row()
            text = line.description
            if line.period is not None:
                text += f"\nPeriodo: dal {day(line.period[0])} al {day(line.period[1])}"
            row.cell(text)
            row.cell(euro(line.net_cents))
    pdf.ln(2)
    totals = [
        ("Imponibile", euro(amounts.net_cents), False),
        (f"IVA {amounts.vat_rate_percent}%", euro(amounts.vat_cents), False),
        ("Totale", euro(amounts.total_cents), True),
    ]
    for label, value, bold in totals:
        pdf.set_font(FAMILY, "B" if bold else "", 11 if bold else 10)
        pdf.set_x(MARGIN + 90)
        pdf.cell(50, 6.5, label, align="R")
        pdf.cell(40, 6.5, value, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def invoice_pdf(seller: Seller, invoice: InvoiceContent, xml_name: str) -> bytes:
    """The courtesy copy of the invoice; `xml_name` is its FatturaPA file."""
    pdf = _new_pdf(f"Fattura {invoice.number}", seller, invoice.issued_at)
    _seller_header(
        pdf,
        seller,
        "FATTURA",
        [
            ("Numero", invoice.number),
            ("Data", day(invoice.issued_on)),
            ("Ordine", invoice.order_code),
        ],
    )
    _customer(pdf, invoice.customer, "Cliente")
    _amounts(pdf, invoice.amounts)
    paid = f"Pagata con {invoice.method_label}"
    if invoice.paid_on is not None:
        paid += f" il {day(invoice.paid_on)}"
    if invoice.payment_reference:
        paid += f" (riferimento {invoice.payment_reference})"
    _text(pdf, paid + ".", 10)
    if invoice.operator:
        _text(pdf, f"Rinnovo assistito allo sportello: operatore {invoice.operator}.", 10)
    _text(
        pdf,
        f"Rinnovo della casella {invoice.customer.pec}: nuova scadenza "
        f"{day(invoice.next_expiry)}. Ordine {invoice.order_code}.",
        10,
    )
    pdf.ln(4)
    _text(
        pdf,
        "Copia di cortesia. L'originale, valido ai fini fiscali, è la fattura elettronica "
        f"in formato FatturaPA ({xml_name}), recapitata alla casella PEC indicata e "
        "consultabile nell'area riservata del sito dell'Agenzia delle Entrate.",
        8.5,
        h=4.5,
    )
    return _output(pdf)


def reminder_pdf(seller: Seller, reminder: ReminderContent) -> bytes:
    """How to pay an order awaiting an offline payment, with its QR code."""
    pdf = _new_pdf(f"Promemoria di pagamento {reminder.order_code}", seller, reminder.created_at)
    _seller_header(
        pdf,
        seller,
        "PROMEMORIA DI PAGAMENTO",
        [
            ("Ordine", reminder.order_code),
            ("Data", day(reminder.created_on)),
            ("Da pagare entro il", day(reminder.pay_by)),
        ],
    )
    _customer(pdf, reminder.customer, "Intestatario")
    _amounts(pdf, reminder.amounts)

    _text(pdf, f"Come pagare: {reminder.method_label}", 11, bold=True, h=7)
    top = pdf.get_y()
    label_width, value_width = 48.0, WIDTH - QR_MM - 6 - 48.0
    for label, value in reminder.details:
        bold = label == reminder.causale_label
        pdf.set_x(MARGIN)
        pdf.set_font(FAMILY, "", 9.5)
        pdf.cell(label_width, LINE, label)
        pdf.set_font(FAMILY, "B" if bold else "", 10 if bold else 9.5)
        pdf.multi_cell(value_width, LINE, value, new_x="LMARGIN", new_y="NEXT", align="L")
    text_bottom = pdf.get_y()
    pdf.image(
        qr_image(reminder.qr_payload),
        x=MARGIN + WIDTH - QR_MM,
        y=top,
        w=QR_MM,
        h=QR_MM,
        alt_text=f"Codice QR: {reminder.method_label} {reminder.amount_text}",
    )
    pdf.set_xy(MARGIN + WIDTH - QR_MM, top + QR_MM)
    pdf.set_font(FAMILY, "", 7.5)
    caption = (
        "Inquadri il codice con l'app della banca"
        if reminder.qr_payload.startswith("BCD\n")
        else "I dati del versamento"
    )
    pdf.multi_cell(QR_MM, 3.5, caption, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(text_bottom, pdf.get_y()) + 5)

    cheque = reminder.method is PaymentMethod.ASSEGNO
    where = "sul retro dell'assegno" if cheque else "nella causale"
    _text(
        pdf,
        f"Importante: scrivere {where} «{reminder.causale}»: il codice {reminder.order_code} "
        "collega il versamento all'ordine.",
        10,
        bold=True,
    )
    _text(
        pdf,
        f"Inviare copia del versamento a {reminder.admin_email}. Se il pagamento non arriva "
        f"entro il {day(reminder.pay_by)}, l'ordine può essere annullato.",
        10,
    )
    _text(
        pdf,
        "Alla registrazione del pagamento riceverà la fattura per e-mail; la casella "
        f"{reminder.customer.pec} sarà rinnovata {reminder.activation_delay_hours} ore dopo. "
        f"Scadenza attuale {day(reminder.current_expiry)}, nuova scadenza "
        f"{day(reminder.next_expiry)}.",
        10,
    )
    return _output(pdf)
