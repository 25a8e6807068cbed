"""Carta di credito: confirm, then COLLEGAMENTO A BANCA, then wait for the bank.

The order becomes paid only through the bank's server-to-server notification; this screen just
follows the order's state, shows the time left, and lets the payer give up. Where the payer is
(`step`) is one reactive; the layout follows it through CSS classes set by its watcher.
"""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.widgets import Button, Static

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.i18n import N_, _, money
from kiosk.services.dto import OrderView, Quote
from screens.base import KioskScreen, service_call
from screens.confirm import ConfirmScreen
from screens.messages import GoHome
from screens.result import ResultScreen
from screens.widgets.literal import literal
from screens.widgets.qr import QRCode


class CardStep(StrEnum):
    CONFIRM = "confirm"  # nothing registered yet: Conferma or Indietro
    BANK = "bank"  # the order exists: COLLEGAMENTO A BANCA
    WAIT = "wait"  # the link is shown: waiting for the bank's confirmation
    ENDED = "ended"  # cancelled, or no answer in time: one way on


class CardPaymentScreen(KioskScreen[None]):
    CSS_PATH = "card_payment.tcss"
    SCREEN_TITLE = N_("Pagamento con carta di credito")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]

    step: reactive[CardStep] = reactive(CardStep.CONFIRM)
    remaining: reactive[int] = reactive(0)
    order: OrderView | None = None
    bank_url = ""
    declined = False  # the bank declined the card: "Scegli un altro metodo"

    def __init__(
        self, quote: Quote, *, replacing: str | None = None, order: OrderView | None = None
    ) -> None:
        """`order`: a card order already placed, whose bank page is opened again;
        `replacing`: an order awaiting payment that the new card order replaces."""
        super().__init__()
        self.quote = quote
        self.replacing = replacing
        self.order = order

    def compose_body(self) -> ComposeResult:
        q = self.quote
        yield Static(_("Pagamento con carta di credito"), classes="heading")
        yield Static(
            literal(
                _("Rinnovo di {pec}: totale {total}.").format(
                    pec=q.mailbox.address, total=money(q.total_cents)
                )
            ),
            classes="lead",
        )
        with Vertical(id="step-confirm"):
            yield Static(
                _(
                    "Confermare l'operazione: verrà registrato l'ordine e si potrà "
                    "passare al sito protetto della banca."
                ),
                classes="lead",
            )
            with Horizontal(classes="actions"):
                yield Button(_("Conferma"), id="confirm", variant="primary")
                yield Button(_("Indietro"), id="back")
        with Vertical(id="step-bank"):
            yield Static("", id="order-line", classes="lead")
            with Horizontal(classes="actions"):
                yield Button(_("COLLEGAMENTO A BANCA"), id="bank", variant="primary")
                yield Button(_("Annulla il pagamento"), id="cancel", variant="error")
        with Horizontal(id="step-wait", classes="qr-row"):
            with Vertical(classes="qr-text"):
                yield Static("", id="link", classes="lead")
                yield Static("", id="status", classes="box")
                with Horizontal(classes="actions"):
                    yield Button(_("Verifica del pagamento"), id="check", variant="primary")
                    yield Button(_("Mostra codice QR"), id="show-qr", classes="show-qr")
            yield Horizontal(id="qr-holder", classes="qr-beside")
        with Horizontal(id="step-end", classes="actions"):
            yield Button(_("Torna alle mie caselle"), id="done", variant="primary")

    def on_mount(self) -> None:
        if self.order is not None:  # the bank's page again, for the same order
            self.show_order_line(self.order)
            self.step = CardStep.BANK
            self.focus_soon("#bank")
        else:
            self.query_one("#confirm", Button).focus()

    def on_unmount(self) -> None:
        self.host.idle_held = False

    def watch_step(self, step: CardStep) -> None:
        self.set_class(step is not CardStep.CONFIRM, "-bank")
        self.set_class(step is CardStep.WAIT, "-wait")
        self.set_class(step is CardStep.ENDED, "-ended")
        self.refresh_bindings()

    @on(Button.Pressed, "#confirm")
    def confirm_order(self) -> None:
        self.place()

    @on(Button.Pressed, "#cancel")
    def cancel_payment(self) -> None:
        """Asked first, with "No" focused: two Enters in a row never cancel a payment."""
        assert self.order is not None
        question = _(
            "Annullare il pagamento dell'ordine {code}? Se ha già pagato sul sito della banca, "
            "non annulli: il pagamento sarà registrato appena la banca lo conferma."
        ).format(code=self.order.code)
        self.app.push_screen(
            ConfirmScreen(question, yes=_("Sì, annulla il pagamento"), no=_("No, continua")),
            self._cancel_if_confirmed,
        )

    def _cancel_if_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.cancel_order()

    @on(Button.Pressed, "#check")
    def check_now(self) -> None:
        if self.order is not None:
            self.look_for_payment(self.order.code)

    @service_call
    async def look_for_payment(self, code: str) -> None:
        order = await self.desk.order(code)
        if order.status in (OrderStatus.PAID, OrderStatus.ACTIVATED):
            self.workers.cancel_group(self, "bank")
            self.order = order
            self.app.push_screen(ResultScreen(order))
        elif order.card_declined and order.status is OrderStatus.PENDING:
            self.workers.cancel_group(self, "bank")
            self.order = order
            self.show_declined()
        else:
            self.say(
                _("La banca non ha ancora confermato il pagamento: attendere qualche istante."),
                "info",
            )

    @on(Button.Pressed, "#done")
    def done(self) -> None:
        self.finish()

    @on(Button.Pressed, "#show-qr")
    def open_qr(self) -> None:
        self.show_qr_full(self.bank_url, _("COLLEGAMENTO A BANCA"))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        if self.step is CardStep.CONFIRM:
            self.dismiss()
        elif self.step is CardStep.ENDED:
            self.finish()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ "Indietro" only before the order exists or once the wait is over."""
        if action == "back":
            return self.step in (CardStep.CONFIRM, CardStep.ENDED)
        return super().check_action(action, parameters)

    def end_waiting(self, label: str) -> None:
        """Payment cancelled or no answer from the bank: one clear way on, and focus on it."""
        self.step = CardStep.ENDED
        self.query_one("#done", Button).label = label
        self.focus_soon("#done")

    @service_call
    async def place(self) -> None:
        self.order = await self.desk.place_order(
            self.quote.userid,
            self.quote.mailbox.address,
            PaymentMethod.CARTA,
            replacing=self.replacing,
        )
        self.answer_arrived()
        self.show_order_line(self.order)
        self.step = CardStep.BANK
        self.focus_soon("#bank")

    def show_order_line(self, order: OrderView) -> None:
        self.query_one("#order-line", Static).update(
            literal(
                _(
                    "Ordine {code} registrato. Premere COLLEGAMENTO A BANCA per pagare sul sito "
                    "protetto della banca."
                ).format(code=order.code)
            )
        )

    @on(Button.Pressed, "#bank")
    def press_bank(self) -> None:
        self.open_bank()

    @service_call
    async def open_bank(self) -> None:
        """The bank's page for this order (opened at the bank now, or the one still open)."""
        assert self.order is not None
        url = await self.desk.open_bank(self.order.code)
        self.answer_arrived()
        self.declined = False
        self.query_one("#link", Static).update(
            literal(
                _("Aprire il collegamento alla banca (o inquadrare il codice QR con il telefono):")
                + "\n"
                + url
            )
        )
        holder = self.query_one("#qr-holder")
        await holder.remove_children()
        await holder.mount(QRCode(url, id="bank-qr"))
        self.bank_url = url
        self.fit_qr()
        self.step = CardStep.WAIT
        self.query_one("#bank", Button).disabled = True
        self.focus_soon("#check")  # not on "Annulla il pagamento", which is next to the bank's
        self.wait_for_bank(self.order.code)

    def watch_remaining(self, remaining: int) -> None:
        if self.step is not CardStep.WAIT:
            return
        minutes, seconds = divmod(max(remaining, 0), 60)
        self.query_one("#status", Static).update(
            literal(
                _("In attesa della conferma della banca… tempo rimasto {m}:{s:02d}").format(
                    m=minutes, s=seconds
                )
            )
        )

    @work(exclusive=True, group="bank", exit_on_error=False)
    async def wait_for_bank(self, code: str) -> None:
        rules = self.desk.rules
        self.host.idle_held = True  # the payer is on the bank's page, maybe on a phone
        deadline = self.host.monotonic() + rules.card_wait_seconds
        try:
            while True:
                self.remaining = int(deadline - self.host.monotonic() + 0.999)
                order = await self.desk.order(code)
                if order.status in (OrderStatus.PAID, OrderStatus.ACTIVATED):
                    self.order = order
                    self.app.push_screen(ResultScreen(order))
                    return
                if order.status is OrderStatus.CANCELLED:
                    self.say(_("L'ordine è stato annullato."), "warning")
                    return
                if order.card_declined:
                    self.order = order
                    self.show_declined()
                    return
                if self.host.monotonic() >= deadline:
                    self.timed_out()
                    return
                await asyncio.sleep(rules.card_poll_seconds)
        finally:
            self.host.idle_held = False

    def show_declined(self) -> None:
        """The bank said no: the order stays payable, another method is one key away."""
        assert self.order is not None
        self.declined = True
        self.say(
            _(
                "La banca ha rifiutato il pagamento con carta. L'ordine {code} resta da pagare: "
                "scelga un altro metodo di pagamento."
            ).format(code=self.order.code),
            "warning",
        )
        self.end_waiting(_("Scegli un altro metodo"))

    def timed_out(self) -> None:
        assert self.order is not None
        self.say(
            _(
                "La banca non ha ancora confermato il pagamento. Se è andato a buon fine, la "
                "fattura arriverà per e-mail e il rinnovo sarà automatico (ordine {code})."
            ).format(code=self.order.code),
            "warning",
        )
        self.end_waiting(_("Fine"))

    @service_call
    async def cancel_order(self) -> None:
        assert self.order is not None
        self.workers.cancel_group(self, "bank")
        self.order = await self.desk.cancel_order(self.order.code, actor=self.quote.userid)
        self.say(
            _("Pagamento annullato: l'ordine {code} non è più valido.").format(
                code=self.order.code
            ),
            "info",
        )
        self.end_waiting(_("Torna alle mie caselle"))

    @service_call
    async def choose_another_method(self) -> None:
        """After a declined card: the payment choice again, for an order that replaces this one
        (which is cancelled in the same transaction as the new one is placed)."""
        from screens.payment_choice import PaymentChoiceScreen  # it imports this screen

        assert self.order is not None
        code = self.order.code
        quote = await self.desk.quote(self.quote.userid, self.quote.mailbox.address, replacing=code)
        self.app.push_screen(PaymentChoiceScreen(quote, replacing=code))

    def finish(self) -> None:
        if self.declined:
            self.choose_another_method()
        elif self.order is not None and self.order.status is OrderStatus.PENDING:
            self.app.push_screen(ResultScreen(self.order))
        else:
            self.post_message(GoHome())
