"""A renewal that has started: the order again (code, amount, method, how to pay it), and what
can still be done with it — pay it another way, cancel it, open the bank's page again. A paid
order says when the box will be renewed."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Static

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.i18n import N_, _, day, moment, money
from kiosk.services.dto import OrderView
from screens.base import KioskScreen, service_call
from screens.card_payment import CardPaymentScreen
from screens.confirm import ConfirmScreen
from screens.payment_choice import PaymentChoiceScreen
from screens.widgets.literal import literal
from screens.widgets.payment_details import PaymentDetails


def order_summary(order: OrderView) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()
    rows = [
        (_("Casella"), order.pec),
        (_("Stato"), order.status.label),
        (_("Pagamento"), order.method.label),
        (_("Totale"), money(order.total_cents)),
        (_("Nuova scadenza"), day(order.next_expiry)),
    ]
    if order.invoice_number:
        rows.append((_("Fattura"), order.invoice_number))
    if order.activation_due_at and order.status is OrderStatus.PAID:
        rows.append((_("Rinnovo il"), moment(order.activation_due_at)))
    for label, value in rows:
        table.add_row(literal(label), literal(value))
    return table


class OrderScreen(KioskScreen[None]):
    CSS_PATH = "order.tcss"
    SCREEN_TITLE = N_("Ordine di rinnovo")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Indietro")),
        Binding("q", "show_qr", N_("Codice QR")),
    ]

    def __init__(self, order: OrderView) -> None:
        super().__init__()
        self.order = order

    @property
    def pending(self) -> bool:
        return self.order.status is OrderStatus.PENDING

    def compose_body(self) -> ComposeResult:
        order = self.order
        if self.pending:
            heading = _("Ordine in attesa di pagamento")
        elif order.status is OrderStatus.PAID and order.activation_due_at:
            heading = _("Pagato — rinnovo il {when}").format(when=moment(order.activation_due_at))
        else:
            heading = order.status.label.capitalize()
        yield Static(literal(heading), classes="heading", id="order-heading")
        yield Static(order_summary(order), classes="box", id="summary")
        if self.pending and order.instructions is not None:
            yield PaymentDetails(order, order.instructions)
            yield Button(_("Mostra codice QR"), id="show-qr", classes="show-qr")
        elif self.pending and order.method is PaymentMethod.CARTA and order.card_declined:
            yield Static(
                _(
                    "La banca ha rifiutato il pagamento con carta. Si può riprovare con il "
                    "collegamento alla banca, oppure pagare in un altro modo."
                ),
                classes="lead",
            )
        elif self.pending and order.method is PaymentMethod.CARTA:
            yield Static(
                _(
                    "Il pagamento con carta non risulta ancora confermato dalla banca. Si può "
                    "riaprire il collegamento alla banca, oppure pagare in un altro modo."
                ),
                classes="lead",
            )
        with Horizontal(classes="actions"):
            if self.pending and order.method is PaymentMethod.CARTA:
                yield Button(_("COLLEGAMENTO A BANCA"), id="bank", variant="primary")
            if self.pending:
                yield Button(_("Cambia modalità di pagamento"), id="change")
                yield Button(_("Annulla l'ordine"), id="cancel", variant="error")
            yield Button(_("Indietro"), id="back", variant="default" if self.pending else "primary")

    def on_mount(self) -> None:
        self.fit_qr()
        first = "#bank" if self.query("#bank") else "#back"
        self.query_one(first, Button).focus()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()

    @on(Button.Pressed, "#show-qr")
    def action_show_qr(self) -> None:
        if self.order.instructions is not None:
            caption = _("{method} · {total} · {code}").format(
                method=self.order.method.label,
                total=money(self.order.total_cents),
                code=self.order.code,
            )
            self.show_qr_full(self.order.instructions.qr_payload, caption)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_qr":
            return self.pending and self.order.instructions is not None
        return super().check_action(action, parameters)

    @on(Button.Pressed, "#change")
    def change_method(self) -> None:
        self.requote(then="choice")

    @on(Button.Pressed, "#bank")
    def open_bank_again(self) -> None:
        self.requote(then="bank")

    @service_call
    async def requote(self, then: str) -> None:
        """The price of paying this box now (the order being replaced does not stand in the
        way), then the payment choice, or the bank's page for this same order."""
        order = self.order
        quote = await self.desk.quote(order.userid, order.pec, replacing=order.code)
        if then == "bank":
            self.app.push_screen(CardPaymentScreen(quote, order=order))
        else:
            self.app.push_screen(PaymentChoiceScreen(quote, replacing=order.code))

    @on(Button.Pressed, "#cancel")
    def ask_to_cancel(self) -> None:
        question = _(
            "Annullare l'ordine {code}? Se ha già fatto il pagamento non lo annulli: sarà "
            "registrato appena arriva."
        ).format(code=self.order.code)
        self.app.push_screen(
            ConfirmScreen(question, yes=_("Sì, annulla l'ordine"), no=_("No, torna indietro")),
            self._cancel_if_confirmed,
        )

    def _cancel_if_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.cancel_order()

    @service_call
    async def cancel_order(self) -> None:
        user = self.host.session
        code = self.order.code
        self.order = await self.desk.cancel_order(code, actor=user.userid if user else "")
        await self.recompose()
        self.say(
            _("Ordine {code} annullato: la casella si può rinnovare di nuovo.").format(code=code),
            "success",
        )
        self.focus_soon("#back")
