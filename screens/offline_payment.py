"""Bonifico, bollettino, assegno: coordinates first; Conferma creates the order and its code."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.domain.instructions import PaymentInstructions
from kiosk.domain.model import PaymentMethod
from kiosk.i18n import N_, _, money
from kiosk.services.dto import OrderView, Quote
from screens.base import KioskScreen, service_call
from screens.result import ResultScreen
from screens.widgets.payment_details import PaymentDetails, rows_table


class OfflinePaymentScreen(KioskScreen[None]):
    CSS_PATH = "offline_payment.tcss"
    SCREEN_TITLE = N_("Versamento")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Indietro")),
        Binding("q", "show_qr", N_("Codice QR")),
    ]

    order: OrderView | None = None

    def __init__(
        self, quote: Quote, method: PaymentMethod, *, replacing: str | None = None
    ) -> None:
        super().__init__()
        self.quote = quote
        self.method = method
        self.replacing = replacing

    def title_text(self) -> str:
        return _("Pagamento: {method}").format(method=self.method.label)

    def compose_body(self) -> ComposeResult:
        yield Static(_("Coordinate per il versamento"), classes="heading", id="heading")
        yield Static(
            rows_table(self.quote.coordinates_for(self.method)), classes="box", id="coordinates"
        )
        with Vertical(id="before"):
            yield Static(
                _(
                    "Premendo Conferma verrà generato il codice dell'ordine (RLM…) da riportare "
                    "nella causale del versamento."
                ),
                classes="lead",
            )
            with Horizontal(classes="actions"):
                yield Button(_("Conferma"), id="confirm", variant="primary")
                yield Button(_("Indietro"), id="back")
        yield Vertical(id="after")

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    @on(Button.Pressed, "#confirm")
    def confirm_order(self) -> None:
        self.confirm()

    @on(Button.Pressed, "#show-qr")
    def open_qr(self) -> None:
        self.action_show_qr()

    @on(Button.Pressed, "#next")
    def next_step(self) -> None:
        self.finish()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.order is None:  # once the order exists, leaving goes forward, not back
            self.dismiss()
        else:
            self.finish()

    @service_call
    async def confirm(self) -> None:
        order = await self.desk.place_order(
            self.quote.userid, self.quote.mailbox.address, self.method, replacing=self.replacing
        )
        self.order = order
        self.refresh_bindings()
        assert order.instructions is not None
        await self.show_order(order, order.instructions)

    async def show_order(self, order: OrderView, ins: PaymentInstructions) -> None:
        self.answer_arrived()
        self.query_one("#before").remove()
        self.query_one("#coordinates").remove()
        self.query_one("#heading").remove()
        after = self.query_one("#after", Vertical)
        await after.mount(Static(_("Ordine registrato."), classes="heading"))
        await after.mount(PaymentDetails(order, ins))
        await after.mount(
            Horizontal(
                Button(_("Mostra codice QR"), id="show-qr", classes="show-qr"),
                Button(_("Avanti"), id="next", variant="primary"),
                classes="actions",
            )
        )
        self.fit_qr()
        self.focus_soon("#next")

    def action_show_qr(self) -> None:
        if self.order is not None and self.order.instructions is not None:
            caption = _("{method} · {total} · {code}").format(
                method=self.method.label, total=money(self.order.total_cents), code=self.order.code
            )
            self.show_qr_full(self.order.instructions.qr_payload, caption)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No "Codice QR" key before the order exists; no "Indietro" key after (the order code is
        on screen: the way on is Avanti)."""
        if action == "show_qr":
            return self.order is not None
        if action == "back":
            return self.order is None
        return super().check_action(action, parameters)

    def finish(self) -> None:
        if self.order is not None:
            self.app.push_screen(ResultScreen(self.order))
