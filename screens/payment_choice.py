"""How to pay: PRELEVA DAL CONTO PREPAGATO, or EFFETTUA VERSAMENTO APPOSITO and its menu."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.domain.model import PaymentMethod
from kiosk.i18n import N_, _, day, money
from kiosk.services.dto import Quote
from screens.base import KioskScreen, service_call
from screens.card_payment import CardPaymentScreen
from screens.offline_payment import OfflinePaymentScreen
from screens.result import ResultScreen
from screens.widgets.literal import literal

OFFLINE_MENU = (
    PaymentMethod.CARTA,
    PaymentMethod.BONIFICO,
    PaymentMethod.BOLLETTINO,
    PaymentMethod.ASSEGNO,
)


class PaymentChoiceScreen(KioskScreen[None]):
    CSS_PATH = "payment_choice.tcss"
    SCREEN_TITLE = N_("Pagamento")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]

    def __init__(self, quote: Quote, *, replacing: str | None = None) -> None:
        super().__init__()
        self.quote = quote
        self.replacing = replacing  # the order awaiting payment that the new one replaces

    def compose_body(self) -> ComposeResult:
        q = self.quote
        yield Static(_("Scegliere la modalità di pagamento"), classes="heading")
        yield Static(
            literal(
                _("Rinnovo di {pec}: totale {total}, nuova scadenza {expiry}.").format(
                    pec=q.mailbox.address, total=money(q.total_cents), expiry=day(q.next_expiry)
                )
            ),
            classes="lead",
        )
        with Vertical(classes="box", id="prepaid-box"):
            yield Button(
                _("PRELEVA DAL CONTO PREPAGATO"),
                id="prepaid",
                variant="primary",
                disabled=not q.prepaid_covers,
            )
            if q.prepaid_covers:
                yield Static(
                    _("Credito disponibile: {balance}. Dopo il prelievo resteranno {rest}.").format(
                        balance=money(q.balance_cents), rest=money(q.balance_cents - q.total_cents)
                    )
                )
            else:
                yield Static(
                    _(
                        "Non disponibile: il credito del conto prepagato ({balance}) non copre il "
                        "totale ({total})."
                    ).format(balance=money(q.balance_cents), total=money(q.total_cents)),
                    id="prepaid-unavailable",
                )
            with Horizontal(classes="actions", id="prepaid-confirm"):
                yield Static(
                    _("Confermi il prelievo di {total}?").format(total=money(q.total_cents))
                )
                yield Button(_("Conferma"), id="confirm-prepaid", variant="success")
        with Vertical(classes="box", id="transfer-box"):
            yield Button(_("EFFETTUA VERSAMENTO APPOSITO"), id="transfer")
            yield OptionList(
                *[Option(m.label.capitalize(), id=m.value) for m in OFFLINE_MENU], id="methods"
            )
        with Horizontal(classes="actions"):
            yield Button(_("Indietro"), id="back")

    def on_mount(self) -> None:
        first = "#prepaid" if self.quote.prepaid_covers else "#transfer"
        self.query_one(first, Button).focus()

    @on(Button.Pressed, "#prepaid")
    def ask_prepaid_confirmation(self) -> None:
        self.query_one("#prepaid-confirm").add_class("-open")
        self.focus_soon("#confirm-prepaid")

    @on(Button.Pressed, "#confirm-prepaid")
    def confirm_prepaid(self) -> None:
        self.pay_from_prepaid()

    @on(Button.Pressed, "#transfer")
    def open_methods(self) -> None:
        methods = self.query_one("#methods", OptionList)
        methods.add_class("-open")
        methods.highlighted = 0
        self.focus_soon("#methods")

    @on(OptionList.OptionSelected, "#methods")
    def pick_method(self, event: OptionList.OptionSelected) -> None:
        method = PaymentMethod(str(event.option.id))
        if method is PaymentMethod.CARTA:
            self.app.push_screen(CardPaymentScreen(self.quote, replacing=self.replacing))
        else:
            self.app.push_screen(OfflinePaymentScreen(self.quote, method, replacing=self.replacing))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()

    @service_call
    async def pay_from_prepaid(self) -> None:
        order = await self.desk.place_order(
            self.quote.userid,
            self.quote.mailbox.address,
            PaymentMethod.PREPAID,
            replacing=self.replacing,
        )
        self.app.push_screen(ResultScreen(order))
