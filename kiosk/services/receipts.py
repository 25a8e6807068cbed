"""The receipt of a paid order, printed at the help desk (`kiosk.documents.receipt`).

Made from what the database holds (the order's lines, the payment, the money received at the
desk), under the data directory (`documents/ricevute/`, 0700; files 0600), and sent to the
desk's printer through the same command as the reminder and the invoice.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from kiosk.clock import ROME
from kiosk.documents.content import Amounts, Customer, ReceiptContent
from kiosk.documents.files import write_private
from kiosk.documents.seller import Seller
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.domain.money import VAT_RATE_PERCENT
from kiosk.errors import Reason, Refusal
from kiosk.i18n import _, language
from kiosk.services.desk_dto import DeskStatus
from kiosk.services.documents import DocumentService
from kiosk.services.dto import DocumentFile, DocumentKind
from kiosk.services.renewal import find_order, operator_account
from kiosk.services.tx import audit, guarded
from kiosk.services.views import invoice_number
from kiosk.store.models import DeskPayment, Invoice, Payment


def _write(seller: Seller, receipt: ReceiptContent, path: Path) -> bool:
    from kiosk.documents.receipt import receipt_pdf

    return write_private(path, receipt_pdf(seller, receipt))


class ReceiptService:
    def __init__(self, documents: DocumentService) -> None:
        self.documents = documents
        self.ctx = documents.ctx

    async def _content(self, order_code: str) -> ReceiptContent:
        order = await find_order(order_code)
        payment = await Payment.get_or_none(order_id=order.id)
        if payment is None or order.status not in (OrderStatus.PAID, OrderStatus.ACTIVATED):
            raise Refusal(
                Reason.NOT_PAID,
                _(
                    "L'ordine {code} non è ancora pagato: la ricevuta si stampa al pagamento "
                    "(per un versamento, stampare il promemoria)."
                ).format(code=order.code),
            )
        await order.fetch_related("mailbox", "subscriber", "operator")
        invoice = await Invoice.get_or_none(order_id=order.id)
        desk = await DeskPayment.get_or_none(order_id=order.id)
        sub = order.subscriber
        method = PaymentMethod(order.method)
        lines = self.documents._lines(order)
        with language("it"):  # no await inside: see kiosk.i18n.language
            method_label = method.label
            status = DeskStatus(desk.status).label if desk else None
        cheque = None
        if desk is not None and desk.cheque_number:
            cheque = (desk.cheque_bank or "", desk.cheque_number, desk.cheque_drawer or "")
        return ReceiptContent(
            order_code=order.code,
            paid_at=payment.received_at,
            paid_on=payment.received_at.astimezone(ROME).date(),
            customer=Customer(
                sub.nominativo, sub.codice_fiscale, sub.email, order.mailbox.address, sub.userid
            ),
            amounts=Amounts(
                lines, order.net_cents, order.vat_cents, order.total_cents, VAT_RATE_PERCENT
            ),
            method=method,
            method_label=method_label,
            payment_reference=payment.reference,
            operator=order.operator.userid if order.operator else None,
            received_by=desk.received_by if desk else None,
            desk_status=status,
            cheque=cheque,
            invoice_number=invoice_number(invoice) if invoice else None,
            current_expiry=order.current_expiry,
            next_expiry=order.next_expiry,
            activation_delay_hours=self.ctx.settings.activation_delay_hours,
        )

    @guarded
    async def receipt_pdf(self, order_code: str) -> DocumentFile:
        """The receipt of a paid order, as a PDF (written again only if it changed: a cheque
        cashed since)."""
        content = await self._content(order_code)
        path = self.documents._own_dir("ricevute") / f"ricevuta-{content.order_code}.pdf"
        written = await asyncio.to_thread(_write, self.documents.seller, content, path)
        return DocumentFile(DocumentKind.RECEIPT, content.order_code, path, written)

    @guarded
    async def print_receipt(self, operator: str, order_code: str) -> DocumentFile:
        """Make the receipt and send it to the desk's printer (audited with the operator)."""
        from kiosk.documents.printing import send_to_printer

        op = await operator_account(operator)
        command = self.ctx.settings.print_command
        if command is None:
            raise Refusal(
                Reason.PRINT_DISABLED,
                _("La stampa non è configurata su questa postazione (KIOSK_PRINT_COMMAND)."),
            )
        document = await self.receipt_pdf(order_code)
        await send_to_printer(command, document.path, seconds=self.ctx.settings.print_timeout)
        now = self.ctx.now()
        await self.ctx.atomic(
            lambda: audit(now, "receipt.printed", actor=op.userid, subject=document.order_code)
        )
        return document
