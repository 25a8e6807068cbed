"""Rinnovo assistito: the operator renews a lawyer's mailbox on the lawyer's behalf.

The quote with the assisted fee as its own line, the way to pay (PRELEVA DAL CONTO PREPAGATO,
carta, bonifico, bollettino, an assegno or contanti handed in at the desk: the cheque's details
on a small form), Conferma, then the result with the order code and "Stampa ricevuta". The
acting operator is the hand-over's (`host.acting`) or the operator logged in (`host.session`).
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.i18n import N_, _, day, moment, money
from kiosk.services.desk_dto import AssistedOrder, ChequeDetails, cheque_errors
from kiosk.services.dto import Quote, RenewalRefusal
from screens.base import KioskScreen, service_call
from screens.forms import field
from screens.order import OrderScreen
from screens.renewal import quote_table
from screens.widgets.literal import literal

METHODS = (
    PaymentMethod.PREPAID,
    PaymentMethod.CARTA,
    PaymentMethod.BONIFICO,
    PaymentMethod.BOLLETTINO,
    PaymentMethod.ASSEGNO,
    PaymentMethod.CONTANTI,
)
AT_DESK = (PaymentMethod.ASSEGNO, PaymentMethod.CONTANTI)


def method_label(method: PaymentMethod, quote: Quote) -> str:
    if method is PaymentMethod.PREPAID:
        return _("PRELEVA DAL CONTO PREPAGATO (credito {balance})").format(
            balance=money(quote.balance_cents)
        )
    if method is PaymentMethod.ASSEGNO:
        return _("Assegno consegnato allo sportello")
    if method is PaymentMethod.CONTANTI:
        return _("Contanti allo sportello")
    return method.label.capitalize()


def outcome_table(placed: AssistedOrder) -> Table:
    """The order as placed: code, method, total, invoice, money at the desk, the new expiry."""
    order, desk = placed.order, placed.desk
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()
    rows = [
        (_("Ordine"), order.code),
        (_("Casella"), order.pec),
        (_("Pagamento"), order.method.label),
        (_("Totale"), money(order.total_cents)),
        (_("Stato"), order.status.label),
    ]
    if desk is not None:
        rows.append((_("Ricevuto da"), desk.received_by))
        if desk.cheque_number:
            rows.append(
                (
                    _("Assegno"),
                    _("n. {number}, {bank}, traente {drawer}").format(
                        number=desk.cheque_number, bank=desk.cheque_bank, drawer=desk.cheque_drawer
                    ),
                )
            )
        rows.append((_("Incasso"), desk.status.label))
    if order.invoice_number:
        rows.append((_("Fattura"), order.invoice_number))
    if order.activation_due_at and order.status is OrderStatus.PAID:
        rows.append((_("Rinnovo il"), moment(order.activation_due_at)))
    rows.append((_("Nuova scadenza"), day(order.next_expiry)))
    for label, value in rows:
        table.add_row(literal(label), literal(value))
    return table


class AssistedRenewalScreen(KioskScreen[None]):
    CSS_PATH = "assisted.tcss"
    SCREEN_TITLE = N_("Rinnovo assistito")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]
    NEXT_ON_ENTER = frozenset({"cheque_bank", "cheque_number", "cheque_drawer"})

    quote: Quote | None = None
    method: PaymentMethod | None = None
    placed: AssistedOrder | None = None

    def __init__(self, userid: str, pec: str) -> None:
        super().__init__()
        self.userid = userid
        self.pec = pec

    @property
    def operator(self) -> str:
        """The acting operator: the hand-over's, or the one logged in."""
        acting = self.host.acting
        if acting is not None:
            return acting.operator.userid
        session = self.host.session
        return session.userid if session else ""

    def compose_body(self) -> ComposeResult:
        yield Static(
            literal(
                _("Rinnovo assistito per {userid}: {pec}").format(userid=self.userid, pec=self.pec)
            ),
            classes="heading",
            id="heading",
        )
        with Vertical(id="before"):
            yield Static(id="quote")
            yield Static(_("Modalità di pagamento"), classes="heading")
            yield OptionList(id="methods")
            with Vertical(classes="box", id="cheque-form"):
                yield Static(_("Assegno consegnato allo sportello"), classes="box-title")
                yield from field(_("Banca"), "cheque_bank", max_length=80)
                yield from field(_("Numero assegno"), "cheque_number", max_length=20)
                yield from field(_("Traente"), "cheque_drawer", max_length=120)
                yield from field(_("Importo"), "cheque_amount", max_length=12)
            yield Static(id="method-hint", classes="lead")
            with Horizontal(classes="actions"):
                yield Button(_("Conferma"), id="confirm", variant="primary", disabled=True)
                yield Button(_("Indietro"), id="back")
        yield Vertical(id="after")

    def on_mount(self) -> None:
        self.load_quote()

    @service_call
    async def load_quote(self) -> None:
        try:
            quote = await self.desk.operator.assisted_quote(self.operator, self.userid, self.pec)
        except RenewalRefusal as refusal:
            self.answer_arrived()
            self.say(refusal.message, "warning")
            self.query_one("#methods").display = False
            return
        self.answer_arrived()
        self.show_quote(quote)

    def show_quote(self, quote: Quote) -> None:
        self.quote = quote
        self.query_one("#quote", Static).update(quote_table(quote))
        methods = self.query_one("#methods", OptionList)
        methods.clear_options()
        methods.add_options(
            [
                Option(
                    method_label(m, quote),
                    id=m.value,
                    disabled=m is PaymentMethod.PREPAID and not quote.prepaid_covers,
                )
                for m in METHODS
            ]
        )
        self.query_one("#cheque_amount").value = money(quote.total_cents).replace(  # type: ignore[attr-defined]
            "\u00a0€", ""
        )
        self.focus_soon("#methods")

    @on(OptionList.OptionSelected, "#methods")
    def pick_method(self, event: OptionList.OptionSelected) -> None:
        self.clear_errors()
        self.method = PaymentMethod(str(event.option.id))
        self.query_one("#cheque-form").set_class(self.method is PaymentMethod.ASSEGNO, "-open")
        self.query_one("#confirm", Button).disabled = False
        assert self.quote is not None
        hint = {
            PaymentMethod.CONTANTI: _(
                "Ricevere {total} in contanti: Conferma registra il pagamento allo sportello."
            ),
            PaymentMethod.ASSEGNO: _(
                "Assegno di {total} intestato a Lextel: Conferma lo registra come ricevuto "
                "allo sportello, da incassare."
            ),
            PaymentMethod.PREPAID: _("Conferma preleva {total} dal conto prepagato."),
        }.get(
            self.method,
            _("Conferma registra l'ordine di {total}; il pagamento segue come di consueto."),
        )
        self.query_one("#method-hint", Static).update(
            literal(hint.format(total=money(self.quote.total_cents)))
        )
        self.focus_soon(
            "#cheque_bank" if self.method is PaymentMethod.ASSEGNO else "#confirm",
            reveal="#confirm" if self.method is not PaymentMethod.ASSEGNO else None,
        )

    @on(Button.Pressed, "#confirm")
    def confirm(self) -> None:
        self.clear_errors()
        if self.quote is None or self.method is None:
            return
        cheque = None
        if self.method is PaymentMethod.ASSEGNO:
            cheque = ChequeDetails(
                self.value("cheque_bank"),
                self.value("cheque_number"),
                self.value("cheque_drawer"),
                self.value("cheque_amount"),
            )
            if self.show_field_errors(cheque_errors(cheque)):
                return
        self.place(self.method, cheque)

    @service_call
    async def place(self, method: PaymentMethod, cheque: ChequeDetails | None) -> None:
        placed = await self.desk.operator.assisted_order(
            self.operator,
            self.userid,
            self.pec,
            method,
            cheque=cheque,
            handover=self.host.acting is not None,
        )
        self.placed = placed
        self.refresh_bindings()
        await self.show_result(placed)

    async def show_result(self, placed: AssistedOrder) -> None:
        self.answer_arrived()
        await self.query_one("#before").remove()
        paid = placed.order.status in (OrderStatus.PAID, OrderStatus.ACTIVATED)
        heading = _("Rinnovo pagato") if paid else _("Ordine registrato: in attesa del pagamento")
        buttons = [Button(_("Fine"), id="done", variant="primary")]
        if paid and self.desk.rules.can_print:
            buttons.append(Button(_("Stampa ricevuta"), id="print-receipt"))
        if not paid:
            buttons.append(Button(_("Vedi l'ordine"), id="manage"))
        await self.query_one("#after", Vertical).mount_all(
            [
                Static(("✔ " if paid else "⧗ ") + heading, classes="heading", id="outcome"),
                Static(literal(placed.order.code), classes="code", id="order-code"),
                Static(outcome_table(placed), classes="box", id="summary"),
                Horizontal(*buttons, classes="actions"),
            ]
        )
        self.focus_soon("#done", reveal="#after")

    @on(Button.Pressed, "#print-receipt")
    def print_receipt(self) -> None:
        self.send_receipt()

    @service_call
    async def send_receipt(self) -> None:
        if self.placed is None:
            return
        self.clear_errors()
        await self.desk.operator.print_receipt(self.operator, self.placed.order.code)
        self.say(_("Ricevuta inviata alla stampante."), "success")

    @on(Button.Pressed, "#manage")
    def manage(self) -> None:
        if self.placed is not None:
            self.app.push_screen(OrderScreen(self.placed.order))

    @on(Button.Pressed, "#back, #done")
    def action_back(self) -> None:
        self.dismiss()
