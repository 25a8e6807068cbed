"""The receipt printed at the help desk for a paid order (A4, fpdf2, as `pdf`'s documents).

It says what was paid (the renewal and the assisted fee as their own lines, IVA, total), how
(cash, a cheque with its bank, number and drawer, the prepaid credit...), who received it at the
desk, and where a cheque stands (to be cashed). Always Italian; the same order gives the same
bytes.
"""

from __future__ import annotations

from kiosk.documents.content import ReceiptContent
from kiosk.documents.pdf import (
    LINE,
    MARGIN,
    _amounts,
    _customer,
    _new_pdf,
    _output,
    _seller_header,
    euro,
)
from kiosk.documents.pdf import _text as text
from kiosk.documents.seller import Seller
from kiosk.i18n import day


def receipt_pdf(seller: Seller, receipt: ReceiptContent) -> bytes:
    pdf = _new_pdf(f"Ricevuta ordine {receipt.order_code}", seller, receipt.paid_at)
    facts = [("Ordine", receipt.order_code), ("Data", day(receipt.paid_on))]
    if receipt.operator:
        facts.append(("Operatore", receipt.operator))
    _seller_header(pdf, seller, "RICEVUTA DI PAGAMENTO", facts)
    _customer(pdf, receipt.customer, "Intestatario")
    _amounts(pdf, receipt.amounts)

    text(pdf, f"Pagamento: {receipt.method_label}", 11, bold=True, h=7)
    rows = [
        ("Importo", euro(receipt.amounts.total_cents)),
        ("Riferimento", receipt.payment_reference),
    ]
    if receipt.received_by:
        rows.append(("Ricevuto allo sportello da", receipt.received_by))
    if receipt.cheque is not None:
        bank, number, drawer = receipt.cheque
        rows += [("Banca", bank), ("Assegno n.", number), ("Traente", drawer)]
    if receipt.desk_status:
        rows.append(("Stato", receipt.desk_status))
    if receipt.invoice_number:
        rows.append(("Fattura", receipt.invoice_number))
    for label, value in rows:
        pdf.set_x(MARGIN)
        pdf.set_font("DejaVu", "", 9.5)
        pdf.cell(60, LINE, label)
        pdf.set_font("DejaVu", "B", 9.5)
        pdf.multi_cell(120, LINE, value, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(4)
    if receipt.cheque is not None:
        text(
            pdf,
            "L'assegno è accettato salvo buon fine: il rinnovo è registrato, l'incasso sarà "
            "verificato sull'estratto conto.",
            9.5,
        )
    text(
        pdf,
        f"La casella {receipt.customer.pec} sarà rinnovata {receipt.activation_delay_hours} ore "
        f"dopo l'emissione della fattura. Scadenza attuale {day(receipt.current_expiry)}, nuova "
        f"scadenza {day(receipt.next_expiry)}.",
        10,
    )
    return _output(pdf)
