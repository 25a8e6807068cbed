"""Rinnova: Userid and "PEC da rinnovare", Avanti → the cost and next expiry, or why not."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static

from kiosk.errors import InvalidInput, Reason
from kiosk.i18n import N_, _, day, money
from kiosk.services.dto import Quote, RenewalRefusal
from screens.base import KioskScreen, service_call
from screens.forms import field
from screens.order import OrderScreen
from screens.payment_choice import PaymentChoiceScreen
from screens.widgets.bounded_input import BoundedInput
from screens.widgets.literal import literal
from screens.widgets.notice import Notice


def quote_table(quote: Quote) -> Table:
    """The cost, line by line, and the dates: shown before anything is paid."""
    table = Table(show_header=False, box=None, padding=(0, 1), expand=False)
    table.add_column()
    table.add_column(justify="right")
    for line in quote.lines:
        table.add_row(literal(line.description), money(line.net_cents))
    table.add_row(_("Imponibile"), money(quote.net_cents))
    table.add_row(_("IVA {rate}%").format(rate=quote.vat_rate_percent), money(quote.vat_cents))
    table.add_row(
        literal(_("Totale da pagare"), style="bold"),
        literal(money(quote.total_cents), style="bold"),
    )
    table.add_row("", "")
    table.add_row(_("Scadenza attuale"), day(quote.current_expiry))
    table.add_row(
        literal(_("Prossima scadenza"), style="bold"), literal(day(quote.next_expiry), style="bold")
    )
    return table


class RenewalScreen(KioskScreen[None]):
    CSS_PATH = "renewal.tcss"
    SCREEN_TITLE = N_("Rinnova")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]
    AUTO_FOCUS = "#pec"

    quote: Quote | None = None
    refusal: RenewalRefusal | None = None

    def __init__(self, pec: str = "") -> None:
        super().__init__()
        self.initial_pec = pec

    def compose_body(self) -> ComposeResult:
        user = self.host.session
        yield Static(_("Rinnovo della casella PEC"), classes="heading")
        yield from field(_("Userid"), "userid", max_length=32, value=user.userid if user else "")
        yield from field(_("PEC da rinnovare"), "pec", max_length=254, value=self.initial_pec)
        with Horizontal(classes="actions"):
            yield Button(_("Avanti"), id="lookup", variant="primary")
            yield Button(_("Indietro"), id="back")
        yield Vertical(id="outcome")

    def on_mount(self) -> None:
        if self.initial_pec:
            self.query_one("#lookup", Button).focus()

    @on(Input.Changed, "#userid, #pec")
    def forget_outcome(self) -> None:
        if self.quote or self.refusal:
            self.quote = self.refusal = None  # what is shown no longer matches the fields
            self.query_one("#outcome").remove_children()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()

    @on(Input.Submitted, "#userid, #pec")
    @on(Button.Pressed, "#lookup")
    def lookup(self) -> None:
        self.clear_errors()
        userid = self.value("userid").strip().lower()
        pec = self.value("pec")
        user = self.host.session
        if user is not None and userid != user.userid:
            self.show_error(
                InvalidInput(
                    "userid", _("Inserire il proprio userid ({userid}).").format(userid=user.userid)
                )
            )
            return
        if not pec.strip():
            self.show_error(InvalidInput("pec", _("Inserire l'indirizzo PEC da rinnovare.")))
            return
        self.fetch_quote(userid, pec)

    @service_call
    async def fetch_quote(self, userid: str, pec: str) -> None:
        try:
            quote = await self.desk.quote(userid, pec)
        except RenewalRefusal as refusal:
            await self.show_refusal(refusal)
        else:
            await self.show_quote(quote)

    async def show_quote(self, quote: Quote) -> None:
        self.answer_arrived()
        outcome = self.query_one("#outcome", Vertical)
        await outcome.remove_children()
        self.quote, self.refusal = quote, None
        await outcome.mount_all(
            [
                Static(_("Costo del rinnovo e prossima scadenza"), classes="heading"),
                Static(quote_table(quote), id="quote"),
                Horizontal(Button(_("Avanti"), id="pay", variant="primary"), classes="actions"),
            ]
        )
        self.focus_soon("#pay")

    async def show_refusal(self, refusal: RenewalRefusal) -> None:
        self.answer_arrived()
        outcome = self.query_one("#outcome", Vertical)
        await outcome.remove_children()
        self.quote, self.refusal = None, refusal
        notice = Notice(id="refusal")
        await outcome.mount(notice)
        notice.show(refusal.message, "warning")  # right under Avanti, where the eyes are
        widgets: list[Widget] = []
        if refusal.reason is Reason.TOO_LATE and refusal.contacts is not None:
            widgets = [
                Vertical(
                    Static(_("Supporto Vendite Lextel"), classes="box-title"),
                    Static(
                        literal(
                            _("Telefono {phone} · e-mail {email}").format(
                                phone=refusal.contacts.sales_phone,
                                email=refusal.contacts.sales_email,
                            )
                        )
                    ),
                    Label(_("Telefono per essere ricontattati (facoltativo)")),
                    BoundedInput(id="phone", max_length=24),
                    Static(id="phone-error", classes="field-error"),
                    Horizontal(
                        Button(
                            _("Chiedi di essere ricontattato"), id="callback", variant="primary"
                        ),
                        classes="actions",
                    ),
                    classes="box",
                    id="sales-support",
                )
            ]
        elif refusal.reason is Reason.PENDING and refusal.order is not None:
            widgets = [
                Static(literal(refusal.order.code), classes="code", id="pending-code"),
                Horizontal(
                    Button(_("Vedi l'ordine"), id="manage", variant="primary"),
                    classes="actions",
                ),
            ]
        if widgets:
            await outcome.mount_all(widgets)
        if refusal.reason is Reason.TOO_LATE:
            self.focus_soon("#phone", reveal="#sales-support")
        elif self.query("#manage"):
            self.focus_soon("#manage", reveal="#outcome")
        else:
            self.call_after_refresh(outcome.scroll_visible, animate=False)

    @on(Button.Pressed, "#manage")
    def manage_order(self) -> None:
        if self.refusal is not None and self.refusal.order is not None:
            self.app.push_screen(OrderScreen(self.refusal.order))

    @on(Button.Pressed, "#pay")
    def go_to_payment(self) -> None:
        if self.quote is not None:
            self.app.push_screen(PaymentChoiceScreen(self.quote))

    @on(Input.Submitted, "#phone")
    @on(Button.Pressed, "#callback")
    def ask_callback(self) -> None:
        if self.refusal is None:
            return
        self.clear_errors()
        self.record_callback(self.refusal.pec, self.value("phone"))

    @service_call
    async def record_callback(self, pec: str, phone: str) -> None:
        user = self.host.session
        await self.desk.request_callback(pec, phone=phone, userid=user.userid if user else "")
        self.say(
            _(
                "Richiesta registrata: il Supporto Vendite la ricontatterà per la casella {pec}."
            ).format(pec=pec),
            "success",
        )
        self.query_one("#callback", Button).disabled = True
