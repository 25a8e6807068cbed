"""An outbox row rendered as it goes out: texts in the recipient's language, codes derived again
from their nonce, attachments made from the order code (the invoice PDF and FatturaPA XML, the
payment reminder, the bonifico's EPC QR as PNG). Nothing of this is stored: a row holds a
template name and non-secret parameters only.

Everything is gathered first (awaits), then the texts are made inside `language(lang)` with no
await in between (the switch is process-wide).
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from kiosk.clock import ROME
from kiosk.domain.instructions import payment_instructions
from kiosk.domain.model import PaymentMethod
from kiosk.errors import Reason, Refusal
from kiosk.i18n import _, day, language, money
from kiosk.services.context import ServiceContext
from kiosk.services.dto import Attachment, DocumentKind, RenderedMail
from kiosk.services.mailtexts import texts
from kiosk.services.views import invoice_number
from kiosk.store.models import (
    CallbackRequest,
    Invoice,
    Mailbox,
    Order,
    OutboxEmail,
    PendingRegistration,
    RecoveryCode,
)

PDF = "application/pdf"


def gone(why: str | None = None) -> Refusal:
    """The message must not be sent: what it was about no longer exists (or has changed)."""
    return Refusal(
        Reason.MAIL_GONE,
        why or _("Il codice di questo messaggio non esiste più: il messaggio non va inviato."),
    )


class MailRenderer:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def render(self, row: OutboxEmail) -> RenderedMail:
        if not row.template:  # written before templates: stored whole
            return RenderedMail(row.to_address, row.subject, row.body, row.message_id)
        params = dict(row.params)
        values: dict[str, object] = {"minutes": params.get("minutes", "")}
        attachments: tuple[Attachment, ...] = ()
        lang = str(params.get("lang", "it"))
        template = row.template
        if template in ("recovery", "staff_access"):
            values |= await self._recovery(params)
        elif template in ("registration_code", "registration_already"):
            values |= await self._registration(params, template == "registration_code")
        elif template == "order_placed":
            order = await self._order(params)
            values, attachments = self._order_placed(order, lang)
        elif template == "payment_received":
            values, attachments = await self._payment_received(await self._order(params))
        elif template == "renewal_done":
            values = self._order_values(await self._order(params))
        elif template == "expiry_reminder":
            values = await self._expiry(params)
        elif template == "callback_ack":
            values = await self._callback(params)
        elif template == "document":
            values, attachments = await self._document(params)
        else:
            raise ValueError(f"unknown outbox template {template!r}")
        with language(lang):
            if template == "order_placed":
                values |= self._instructions_text(values)
            values = {k: v() if callable(v) else v for k, v in values.items()}
            subject, body = texts(template, values)
        return RenderedMail(row.to_address, subject, body, row.message_id, attachments)

    # --- codes ------------------------------------------------------------------------------

    async def _recovery(self, params: dict[str, object]) -> dict[str, object]:
        code = await RecoveryCode.get_or_none(id=params.get("code_id")).prefetch_related(
            "subscriber"
        )
        if code is None:
            raise gone()
        return {
            "name": code.subscriber.nominativo,
            "userid": code.subscriber.userid,
            "code": self.ctx.codes.code(code.nonce),
        }

    async def _registration(self, params: dict[str, object], with_code: bool) -> dict[str, object]:
        reg = await PendingRegistration.get_or_none(
            id=params.get("registration_id")
        ).prefetch_related("subscriber")
        if reg is None:
            raise gone()
        holder = reg.subscriber
        values: dict[str, object] = {
            "name": holder.nominativo if holder else reg.nominativo,
            "userid": holder.userid if holder else reg.userid,
        }
        if with_code:
            values["code"] = self.ctx.codes.code(reg.nonce)
        return values

    # --- orders -----------------------------------------------------------------------------

    @staticmethod
    async def _order(params: dict[str, object]) -> Order:
        order = await Order.get_or_none(code=str(params.get("order", ""))).prefetch_related(
            "mailbox", "subscriber"
        )
        if order is None:
            raise gone(_("L'ordine di questo messaggio non esiste più."))
        return order

    def _order_values(self, order: Order) -> dict[str, object]:
        return {
            "name": order.subscriber.nominativo,
            "code": order.code,
            "pec": order.mailbox.address,
            "total": lambda: money(order.total_cents),  # formatted in the recipient's language
            "expiry": lambda: day(order.next_expiry),
            "hours": self.ctx.settings.activation_delay_hours,
        }

    def _order_placed(
        self, order: Order, lang: str
    ) -> tuple[dict[str, object], tuple[Attachment, ...]]:
        method = PaymentMethod(order.method)
        if not method.offline:
            raise gone(_("L'ordine {code} non si paga con un versamento.").format(code=order.code))
        values = self._order_values(order)
        unpaid = timedelta(days=self.ctx.settings.unpaid_order_days)
        pay_by = (order.created_at + unpaid).astimezone(ROME)
        values |= {
            "order_obj": order,
            "pay_by": lambda: day(pay_by.date()),
            "qr_attached": method is PaymentMethod.BONIFICO,
        }
        attachments: tuple[Attachment, ...] = ()
        if method is PaymentMethod.BONIFICO:
            from kiosk.documents.qrimage import qr_png

            with language(lang):
                ins = payment_instructions(
                    method, self.ctx.refdata.payee, order.code, order.total_cents
                )
            png = qr_png(ins.qr_payload)
            attachments = (Attachment(f"bonifico-{order.code}.png", "image/png", png),)
        return values, attachments

    def _instructions_text(self, values: dict[str, object]) -> dict[str, object]:
        """The coordinates and causale, in the current language (inside `language`)."""
        order = values.pop("order_obj")
        assert isinstance(order, Order)
        method = PaymentMethod(order.method)
        ins = payment_instructions(method, self.ctx.refdata.payee, order.code, order.total_cents)
        return {
            "method": method.label,
            "details": "\n".join(f"{label}: {value}" for label, value in ins.details),
            "admin_email": ins.admin_email,
        }

    async def _payment_received(
        self, order: Order
    ) -> tuple[dict[str, object], tuple[Attachment, ...]]:
        invoice = await Invoice.get_or_none(order_id=order.id)
        if invoice is None:
            raise gone(_("L'ordine {code} non ha una fattura.").format(code=order.code))
        values = self._order_values(order) | {"number": invoice_number(invoice)}
        attachments = [await self._file(DocumentKind.INVOICE, order.code)]
        if invoice.customer_cf:
            attachments.append(await self._file(DocumentKind.FATTURAPA, order.code))
        values |= {"attached": True, "files": ", ".join(a.filename for a in attachments)}
        return values, tuple(attachments)

    async def _file(self, kind: DocumentKind, code: str) -> Attachment:
        from kiosk.services.documents import DocumentService

        documents = DocumentService(self.ctx)
        if kind is DocumentKind.REMINDER:
            made = await documents.reminder(code)
        elif kind is DocumentKind.INVOICE:
            made = await documents.invoice_pdf(code)
        else:
            made = await documents.invoice_xml(code)
        data = await asyncio.to_thread(made.path.read_bytes)
        mime = "application/xml" if kind is DocumentKind.FATTURAPA else PDF
        return Attachment(made.path.name, mime, data)

    async def _document(
        self, params: dict[str, object]
    ) -> tuple[dict[str, object], tuple[Attachment, ...]]:
        order = await self._order(params)
        kind = DocumentKind(str(params.get("kind", "")))
        values = self._order_values(order) | {"kind": kind.value}
        if kind is DocumentKind.INVOICE:
            invoice = await Invoice.get_or_none(order_id=order.id)
            values["number"] = invoice_number(invoice) if invoice else ""
        return values, (await self._file(kind, order.code),)

    # --- mailboxes and callbacks -------------------------------------------------------------

    async def _expiry(self, params: dict[str, object]) -> dict[str, object]:
        box = await Mailbox.get_or_none(id=params.get("mailbox_id")).prefetch_related("owner")
        expiry = date.fromisoformat(str(params.get("expiry", "")))
        if box is None or box.expiry_date != expiry:
            raise gone(_("La casella è già stata rinnovata: il promemoria non serve più."))
        return {
            "name": box.owner.nominativo,
            "pec": box.address,
            "expiry": lambda: day(expiry),
            "days": (expiry - self.ctx.clock.today()).days,
        }

    async def _callback(self, params: dict[str, object]) -> dict[str, object]:
        request = await CallbackRequest.get_or_none(id=params.get("callback_id")).prefetch_related(
            "subscriber"
        )
        if request is None or request.subscriber is None:
            raise gone(_("La richiesta di essere richiamato non esiste più."))
        contacts = self.ctx.refdata.contacts
        phone = request.phone
        return {
            "name": request.subscriber.nominativo,
            "pec": request.pec_address,
            "phone_text": (lambda: _(" al numero {phone}").format(phone=phone)) if phone else "",
            "sales_phone": contacts.sales_phone,
            "sales_email": contacts.sales_email,
        }
