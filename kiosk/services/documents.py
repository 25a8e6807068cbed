"""Documents of an order: the payment reminder (PDF), the invoice (PDF and FatturaPA XML), the
year's invoices exported for the accountant, and printing at the desk.

Read-only: documents are made from what the database holds (the invoice row's amounts, never
recomputed) and written under the data directory (`documents/`, 0700; files 0600). They are
always Italian, and the same order gives the same bytes: asking again rewrites nothing. The
content is gathered on the event loop (the language switch must not span an `await`), the PDF
is rendered and written in a thread (~0.2 s).
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

from kiosk.clock import ROME
from kiosk.documents import fatturapa
from kiosk.documents.content import (
    Amounts,
    Customer,
    DocumentLine,
    InvoiceContent,
    ReminderContent,
)
from kiosk.documents.files import private_dir, write_private
from kiosk.documents.seller import Seller, load_seller
from kiosk.domain.instructions import payment_instructions
from kiosk.domain.model import MailboxFamily, OrderStatus, PaymentMethod
from kiosk.domain.money import VAT_RATE_PERCENT
from kiosk.errors import Conflict, InvalidInput, Reason, Refusal
from kiosk.i18n import _, language, money
from kiosk.services.context import ServiceContext
from kiosk.services.dto import DocumentFile, DocumentKind, InvoiceExport, InvoiceView
from kiosk.services.tx import guarded
from kiosk.services.views import invoice_number, order_lines
from kiosk.store.models import Invoice, Order, Payment

DOCUMENTS_DIR = "documents"
_INVOICE_NUMBER = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{1,6})\s*$")


def _pdf_name(invoice: InvoiceContent) -> str:
    return f"fattura-{invoice.year}-{invoice.sequence:06d}.pdf"


def _write_pdf_invoice(
    seller: Seller, invoice: InvoiceContent, directory: Path
) -> tuple[Path, bool]:
    from kiosk.documents.pdf import invoice_pdf

    data = invoice_pdf(seller, invoice, fatturapa.file_name(seller, invoice.year, invoice.sequence))
    path = directory / _pdf_name(invoice)
    return path, write_private(path, data)


def _write_pdf_reminder(seller: Seller, reminder: ReminderContent, path: Path) -> bool:
    from kiosk.documents.pdf import reminder_pdf

    return write_private(path, reminder_pdf(seller, reminder))


class DocumentService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @property
    def seller(self) -> Seller:
        return load_seller(self.ctx.settings.refdata_dir)

    def _own_dir(self, *parts: str) -> Path:
        """A directory of ours under the data directory (0700, created if missing)."""
        path = self.ctx.settings.data_dir / DOCUMENTS_DIR
        private_dir(path, enforce=True)
        for part in parts:
            path = private_dir(path / part, enforce=True)
        return path

    # --- gathering what a document says ------------------------------------------------------

    @staticmethod
    def _lines(order: Order) -> tuple[DocumentLine, ...]:
        """The order's lines (its mailbox loaded), in Italian."""
        with language("it"):  # no await inside: see kiosk.i18n.language
            priced = order_lines(order, order.mailbox.address, MailboxFamily(order.mailbox.family))
        period = (order.current_expiry + timedelta(days=1), order.next_expiry)
        return tuple(
            DocumentLine(p.description, p.net_cents, period if p.code == "renewal" else None)
            for p in priced
        )

    def _invoice_content(
        self, order: Order, invoice: Invoice, payment: Payment | None
    ) -> InvoiceContent:
        """What the invoice says (the order's mailbox and subscriber loaded)."""
        lines = self._lines(order)
        method = PaymentMethod(order.method)
        with language("it"):
            method_label = method.label
        try:
            amounts = Amounts(
                lines, invoice.net_cents, invoice.vat_cents, invoice.total_cents, VAT_RATE_PERCENT
            )
        except ValueError:
            raise Conflict(
                "invoice.amounts",
                _(
                    "Gli importi della fattura {number} non corrispondono alle righe dell'ordine."
                ).format(number=invoice_number(invoice)),
            ) from None
        return InvoiceContent(
            year=invoice.year,
            sequence=invoice.number,
            issued_at=invoice.issued_at,
            issued_on=invoice.issued_at.astimezone(ROME).date(),
            order_code=order.code,
            customer=Customer(
                name=invoice.customer_name,
                codice_fiscale=invoice.customer_cf,
                email=invoice.customer_email,
                pec=order.mailbox.address,
                userid=order.subscriber.userid,
            ),
            amounts=amounts,
            method=method,
            method_label=method_label,
            paid_on=payment.received_at.astimezone(ROME).date() if payment else None,
            payment_reference=payment.reference if payment else None,
            next_expiry=order.next_expiry,
            operator=invoice.operator,
        )

    async def _invoice_of(self, order_code: str) -> InvoiceContent:
        from kiosk.services.renewal import find_order

        order = await find_order(order_code)
        invoice = await Invoice.get_or_none(order_id=order.id)
        if invoice is None:
            raise Refusal(
                Reason.NO_INVOICE,
                _("L'ordine {code} non ha ancora una fattura: viene emessa al pagamento.").format(
                    code=order.code
                ),
            )
        payment = await Payment.get_or_none(order_id=order.id)
        await order.fetch_related("mailbox", "subscriber")
        return self._invoice_content(order, invoice, payment)

    async def _reminder_content(self, order_code: str) -> ReminderContent:
        from kiosk.services.renewal import find_order

        order = await find_order(order_code)
        method = PaymentMethod(order.method)
        if order.status != OrderStatus.PENDING:
            raise Refusal(
                Reason.NOT_PENDING,
                _(
                    "L'ordine {code} non è in attesa di pagamento ({status}): nessun promemoria "
                    "da stampare."
                ).format(code=order.code, status=OrderStatus(order.status).label),
            )
        if not method.offline:
            raise Refusal(
                Reason.NOT_OFFLINE,
                _(
                    "Il promemoria di pagamento è per bonifico, bollettino e assegno; l'ordine "
                    "{code} si paga con {method}."
                ).format(code=order.code, method=method.label),
            )
        await order.fetch_related("mailbox", "subscriber")
        lines = self._lines(order)
        sub = order.subscriber
        payee = self.ctx.refdata.payee
        with language("it"):
            instructions = payment_instructions(method, payee, order.code, order.total_cents)
            method_label, amount_text = method.label, money(order.total_cents)
            causale_label = (
                _("Da scrivere sul retro") if method is PaymentMethod.ASSEGNO else _("Causale")
            )
        pay_by = order.created_at + timedelta(days=self.ctx.settings.unpaid_order_days)
        return ReminderContent(
            order_code=order.code,
            created_at=order.created_at,
            created_on=order.created_at.astimezone(ROME).date(),
            customer=Customer(
                sub.nominativo, sub.codice_fiscale, sub.email, order.mailbox.address, sub.userid
            ),
            amounts=Amounts(
                lines, order.net_cents, order.vat_cents, order.total_cents, VAT_RATE_PERCENT
            ),
            method=method,
            method_label=method_label,
            amount_text=amount_text,
            causale=instructions.causale,
            causale_label=causale_label,
            details=instructions.details,
            admin_email=instructions.admin_email,
            qr_payload=instructions.qr_payload,
            pay_by=pay_by.astimezone(ROME).date(),
            current_expiry=order.current_expiry,
            next_expiry=order.next_expiry,
            activation_delay_hours=self.ctx.settings.activation_delay_hours,
        )

    def _xml(self, invoice: InvoiceContent) -> bytes:
        if not invoice.customer.codice_fiscale:
            raise Refusal(
                Reason.NO_TAX_CODE,
                _(
                    "Fattura {number}: manca il codice fiscale del cliente, necessario per la "
                    "fattura elettronica."
                ).format(number=invoice.number),
            )
        return fatturapa.invoice_xml(self.seller, invoice)

    # --- the use cases ----------------------------------------------------------------------

    @guarded
    async def reminder(self, order_code: str) -> DocumentFile:
        """The payment reminder of an order awaiting bonifico, bollettino or assegno (PDF)."""
        content = await self._reminder_content(order_code)
        path = self._own_dir("promemoria") / f"promemoria-{content.order_code}.pdf"
        written = await asyncio.to_thread(_write_pdf_reminder, self.seller, content, path)
        return DocumentFile(DocumentKind.REMINDER, content.order_code, path, written)

    @guarded
    async def invoice_pdf(self, order_code: str) -> DocumentFile:
        """The invoice of a paid order, as a PDF (the courtesy copy)."""
        invoice = await self._invoice_of(order_code)
        directory = self._own_dir("fatture", str(invoice.year))
        path, written = await asyncio.to_thread(_write_pdf_invoice, self.seller, invoice, directory)
        return DocumentFile(DocumentKind.INVOICE, invoice.order_code, path, written)

    @guarded
    async def invoice_xml(self, order_code: str) -> DocumentFile:
        """The invoice of a paid order as FatturaPA XML, named as the exchange system wants."""
        invoice = await self._invoice_of(order_code)
        data = self._xml(invoice)
        directory = self._own_dir("fatture", str(invoice.year))
        path = directory / fatturapa.file_name(self.seller, invoice.year, invoice.sequence)
        written = await asyncio.to_thread(write_private, path, data)
        return DocumentFile(DocumentKind.FATTURAPA, invoice.order_code, path, written)

    @guarded
    async def invoice(self, number_text: str) -> InvoiceView:
        """An invoice by its number (`2026/000042`, `2026/42`, `2026-42`)."""
        match = _INVOICE_NUMBER.match(number_text)
        if match is None:
            raise InvalidInput(
                "number",
                _("Numero di fattura non valido: {number} (es. 2026/000042).").format(
                    number=number_text.strip()
                ),
            )
        year, sequence = int(match.group(1)), int(match.group(2))
        invoice = await Invoice.get_or_none(year=year, number=sequence).prefetch_related(
            "order__mailbox"
        )
        if invoice is None:
            raise Refusal(
                Reason.UNKNOWN_INVOICE,
                _("Nessuna fattura con numero {number}.").format(number=f"{year}/{sequence:06d}"),
            )
        order = invoice.order
        return InvoiceView(
            number=invoice_number(invoice),
            issued_at=invoice.issued_at,
            order_code=order.code,
            customer_name=invoice.customer_name,
            customer_cf=invoice.customer_cf,
            customer_email=invoice.customer_email,
            pec=order.mailbox.address,
            method=PaymentMethod(order.method),
            net_cents=invoice.net_cents,
            vat_cents=invoice.vat_cents,
            total_cents=invoice.total_cents,
            xml_name=fatturapa.file_name(self.seller, year, sequence),
            operator=invoice.operator,
        )

    @guarded
    async def export_year(self, year: int, directory: Path, *, pdf: bool = True) -> InvoiceExport:
        """Every invoice of `year` as FatturaPA XML and (unless not `pdf`) PDF into `directory`
        (created 0700; files 0600). Checked before anything is written: the year, the
        directory, and that every invoice can be a FatturaPA (a customer's missing codice
        fiscale refuses it all). A PDF costs ~0.2 s, the XML a millisecond."""
        this_year = self.ctx.clock.today().year
        if not fatturapa.FIRST_YEAR <= year <= min(this_year, fatturapa.LAST_YEAR):
            raise InvalidInput(
                "year",
                _("Anno non valido: {year} (da {first} a {last}).").format(
                    year=year, first=fatturapa.FIRST_YEAR, last=this_year
                ),
            )
        invoices = (
            await Invoice.filter(year=year)
            .order_by("number")
            .prefetch_related("order__mailbox", "order__subscriber")
        )
        payments = {
            p.order_id: p  # type: ignore[attr-defined]
            for p in await Payment.filter(order_id__in=[i.order.id for i in invoices])
        }
        contents = [self._invoice_content(i.order, i, payments.get(i.order.id)) for i in invoices]
        documents = [(content, self._xml(content)) for content in contents]
        target = _export_dir(directory)
        seller = self.seller

        def write_all() -> tuple[list[Path], int]:
            files, written = [], 0
            for content, xml in documents:
                xml_path = target / fatturapa.file_name(seller, content.year, content.sequence)
                written += write_private(xml_path, xml)
                files.append(xml_path)
                if pdf:
                    pdf_path, pdf_written = _write_pdf_invoice(seller, content, target)
                    written += pdf_written
                    files.append(pdf_path)
            return files, written

        try:
            files, written = await asyncio.to_thread(write_all)
        except OSError as exc:
            raise InvalidInput(
                "directory",
                _("Impossibile scrivere in {directory}: {error}.").format(
                    directory=target, error=exc.strerror or exc
                ),
            ) from None
        return InvoiceExport(year, target, tuple(c.number for c in contents), tuple(files), written)

    @guarded
    async def print_document(self, order_code: str, kind: DocumentKind) -> DocumentFile:
        """Make the reminder or the invoice (PDF) and send it to the desk's printer."""
        from kiosk.documents.printing import send_to_printer

        command = self.ctx.settings.print_command
        if command is None:
            raise Refusal(
                Reason.PRINT_DISABLED,
                _("La stampa non è configurata su questa postazione (KIOSK_PRINT_COMMAND)."),
            )
        if kind is DocumentKind.REMINDER:
            document = await self.reminder(order_code)
        elif kind is DocumentKind.INVOICE:
            document = await self.invoice_pdf(order_code)
        else:
            raise InvalidInput("kind", _("Si possono stampare il promemoria e la fattura."))
        await send_to_printer(command, document.path, seconds=self.ctx.settings.print_timeout)
        return document


def _export_dir(directory: Path) -> Path:
    """The export's directory, created 0700 if missing; InvalidInput if it cannot be."""
    try:
        return private_dir(directory.expanduser().absolute())
    except (NotADirectoryError, FileExistsError):
        message = _("{directory} non è una cartella.").format(directory=directory)
    except PermissionError:
        message = _("Impossibile creare la cartella {directory}: permesso negato.").format(
            directory=directory
        )
    except OSError as exc:
        message = _("Impossibile creare la cartella {directory}: {error}.").format(
            directory=directory, error=exc.strerror or exc
        )
    raise InvalidInput("directory", message)
