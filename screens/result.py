"""Esito: the order code and what happens next (invoice, renewal after the delay, new expiry);
the payment reminder or the invoice by e-mail (to the address on record) and, where the desk
has a printer (KIOSK_PRINT_COMMAND), on paper."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Static

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.i18n import N_, _, day, moment, money
from kiosk.services.dto import DocumentKind, OrderView
from screens.base import KioskScreen, service_call
from screens.messages import GoHome, SessionEnded
from screens.widgets.literal import literal
from screens.widgets.payment_details import PaymentDetails


def next_steps(order: OrderView) -> list[str]:
    """What happens now, in the order it will happen."""
    expiry = day(order.next_expiry)
    hours = order.activation_delay_hours
    if order.status in (OrderStatus.PAID, OrderStatus.ACTIVATED):
        steps = []
        if order.method is PaymentMethod.PREPAID and order.balance_after_cents is not None:
            steps.append(
                _("Importo prelevato dal conto prepagato: credito residuo {amount}.").format(
                    amount=money(order.balance_after_cents)
                )
            )
        if order.invoice_number:
            steps.append(
                _("Fattura n. {number} emessa e inviata per e-mail.").format(
                    number=order.invoice_number
                )
            )
        if order.activation_due_at:
            steps.append(
                _("La casella sarà rinnovata dopo {hours} ore, il {when}.").format(
                    hours=hours, when=moment(order.activation_due_at)
                )
            )
        steps.append(_("Nuova scadenza: {expiry}.").format(expiry=expiry))
        return steps
    if order.method is PaymentMethod.CARTA:
        return [
            _("Quando la banca confermerà il pagamento riceverà la fattura per e-mail."),
            _("La casella sarà rinnovata {hours} ore dopo l'emissione della fattura.").format(
                hours=hours
            ),
            _("Nuova scadenza: {expiry}.").format(expiry=expiry),
        ]
    if order.method is PaymentMethod.ASSEGNO:
        steps = [
            _(
                "Consegnare allo sportello, o spedire, l'assegno di {total} con il codice {code} "
                "scritto sul retro."
            ).format(total=money(order.total_cents), code=order.code)
        ]
    else:
        steps = [
            _(
                "Effettuare il versamento di {total} riportando nella causale il codice {code}."
            ).format(total=money(order.total_cents), code=order.code)
        ]
    steps += [
        _(
            "Alla registrazione del pagamento riceverà la fattura per e-mail; la casella sarà "
            "rinnovata {hours} ore dopo."
        ).format(hours=hours),
        _("Nuova scadenza: {expiry}.").format(expiry=expiry),
    ]
    return steps


class ResultScreen(KioskScreen[None]):
    CSS_PATH = "result.tcss"
    SCREEN_TITLE = N_("Esito")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "mailboxes", N_("Le mie caselle"))]

    def __init__(self, order: OrderView) -> None:
        super().__init__()
        self.order = order

    def compose_body(self) -> ComposeResult:
        order = self.order
        paid = order.status in (OrderStatus.PAID, OrderStatus.ACTIVATED)
        heading = _("Rinnovo pagato") if paid else _("Ordine registrato: in attesa del pagamento")
        yield Static(("✔ " if paid else "⧗ ") + heading, classes="heading", id="outcome")
        yield Static(
            literal(
                _("Casella {pec} · totale {total}").format(
                    pec=order.pec, total=money(order.total_cents)
                )
            ),
            classes="lead",
        )
        if order.instructions is not None and not paid:
            # how to pay stays on screen until Fine: the coordinates, the causale, the QR
            yield PaymentDetails(order, order.instructions)
        else:
            yield Static(_("Codice dell'ordine"), classes="lead")
            yield Static(literal(order.code), classes="code", id="order-code")
        yield Static(
            literal("\n".join(f"• {step}" for step in next_steps(order))),
            classes="box",
            id="next-steps",
        )
        with Horizontal(classes="actions"):
            yield Button(_("Fine"), id="fine", variant="primary")
            yield Button(_("Le mie caselle"), id="mailboxes")
            if order.instructions is not None and not paid:
                yield Button(_("Mostra codice QR"), id="show-qr", classes="show-qr")
        awaiting = order.instructions is not None and not paid
        invoiced = paid and bool(order.invoice_number)
        if awaiting or invoiced:  # the reminder or the invoice: by e-mail, on paper
            with Horizontal(classes="actions", id="documents"):
                yield Button(
                    _("Invia per e-mail"), id="email-reminder" if awaiting else "email-invoice"
                )
                if self.desk.rules.can_print:
                    if awaiting:
                        yield Button(_("Stampa promemoria"), id="print-reminder")
                    else:
                        yield Button(_("Stampa fattura"), id="print-invoice")

    def on_mount(self) -> None:
        self.fit_qr()
        self.query_one("#fine", Button).focus()

    @on(Button.Pressed, "#show-qr")
    def show_qr(self) -> None:
        if self.order.instructions is not None:
            caption = _("{method} · {total} · {code}").format(
                method=self.order.method.label,
                total=money(self.order.total_cents),
                code=self.order.code,
            )
            self.show_qr_full(self.order.instructions.qr_payload, caption)

    @on(Button.Pressed, "#print-reminder")
    def print_reminder(self) -> None:
        self.print_document(DocumentKind.REMINDER)

    @on(Button.Pressed, "#print-invoice")
    def print_invoice(self) -> None:
        self.print_document(DocumentKind.INVOICE)

    @service_call
    async def print_document(self, kind: DocumentKind) -> None:
        """Make the PDF and send it to the printer; what goes wrong shows in the notice."""
        self.clear_errors()
        await self.desk.print_document(self.order.code, kind)
        if kind is DocumentKind.REMINDER:
            message = _("Promemoria di pagamento inviato alla stampante.")
        else:
            message = _("Fattura {number} inviata alla stampante.").format(
                number=self.order.invoice_number
            )
        self.say(message, "success")

    @on(Button.Pressed, "#email-reminder")
    def email_reminder(self) -> None:
        self.email_document(DocumentKind.REMINDER)

    @on(Button.Pressed, "#email-invoice")
    def email_invoice(self) -> None:
        self.email_document(DocumentKind.INVOICE)

    @service_call
    async def email_document(self, kind: DocumentKind) -> None:
        """Queue the document for the address on record; say where it goes (masked)."""
        self.clear_errors()
        sent = await self.desk.email_document(self.order.code, kind)
        if kind is DocumentKind.REMINDER:
            message = _("Promemoria di pagamento inviato all'indirizzo {address}.")
        else:
            message = _("Fattura inviata all'indirizzo {address}.")
        self.say(message.format(address=sent.masked_address), "success")

    @on(Button.Pressed, "#fine")
    def end_session(self) -> None:
        self.post_message(SessionEnded("done"))

    @on(Button.Pressed, "#mailboxes")
    def action_mailboxes(self) -> None:
        self.post_message(GoHome())
