"""The card path against the sandbox bank the demo runs in-process: the link on screen is a real
page; paying there by HTTP POST (as a phone's browser or `curl -d` would) sends the bank's
notification to the in-process `serve`, and the waiting screen shows the outcome within a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.clock import FixedClock
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.payments.sandbox import DECLINED
from kiosk.store.models import Invoice, Mailbox, Order
from screens.card_payment import CardPaymentScreen, CardStep
from screens.order import OrderScreen
from screens.payment_choice import PaymentChoiceScreen
from screens.result import ResultScreen
from tests.app.conftest import RENEWABLE, running
from tests.app.helpers import (
    choose_payment,
    notice,
    pick_method,
    plain,
    press_button,
    settle_all,
    shown_text,
    to_bank,
    wait_for,
)
from tests.bank import free_port, pay


async def test_paid_at_the_bank_shown_within_a_second_then_invoiced_and_renewed_after_24h(
    make_app: Callable[..., KioskApp], clock: FixedClock
) -> None:
    app = make_app(card_poll_seconds=0.5)  # the default
    async with running(app) as pilot:
        screen = await to_bank(pilot)
        assert screen.order is not None
        code = screen.order.code
        link = screen.bank_url
        assert link in plain(screen.query_one("#link"))
        assert (await Order.get(code=code)).status == OrderStatus.PENDING
        status, page = await pay(link)  # approved: the bank notifies the shop at once
        assert status == 200 and "Pagamento approvato" in page
        paid_at = time.monotonic()
        await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen), limit=1.0)
        assert time.monotonic() - paid_at < 1.0
        await settle_all(pilot)
        text = shown_text(app.screen)
        assert "Rinnovo pagato" in text
        assert "Fattura n. 2026/000001 emessa" in text
        order = await Order.get(code=code)
        assert order.status == OrderStatus.PAID
        assert await Invoice.filter(order_id=order.id).count() == 1

        services = await app.front_desk.services()
        early = await services.payments.activate_due()
        assert early.activated == ()  # not before 24 hours
        clock.advance(timedelta(hours=24))
        run = await services.payments.activate_due()
        assert [a.order_code for a in run.activated] == [code]
        box = await Mailbox.get(address=RENEWABLE)
        assert box.expiry_date == date(2027, 12, 15)


async def test_a_declined_card_is_said_and_another_method_offered(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        screen = await to_bank(pilot)
        assert screen.order is not None
        code = screen.order.code
        status, page = await pay(screen.bank_url, DECLINED)
        assert status == 200 and "rifiutato" in page
        await wait_for(pilot, lambda: screen.step is CardStep.ENDED)
        await settle_all(pilot)
        assert "La banca ha rifiutato il pagamento con carta" in notice(screen)
        assert f"L'ordine {code} resta da pagare" in notice(screen)
        done = screen.query_one("#done", Button)
        assert plain(done) == "Scegli un altro metodo"
        assert app.focused is done
        assert (await Order.get(code=code)).status == OrderStatus.PENDING
        await press_button(pilot, "done")
        await wait_for(pilot, lambda: isinstance(app.screen, PaymentChoiceScreen))
        choice = app.screen
        assert isinstance(choice, PaymentChoiceScreen) and choice.replacing == code
        await pick_method(pilot, PaymentMethod.CARTA)  # the card again: a new bank page
        card = app.screen
        assert isinstance(card, CardPaymentScreen) and card is not screen
        await press_button(pilot, "confirm")
        await settle_all(pilot)
        assert card.order is not None and card.order.code != code
        assert (await Order.get(code=code)).status == OrderStatus.CANCELLED  # replaced


async def test_when_the_bank_does_not_answer_the_screen_says_so_and_one_can_try_again(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(bank_url=f"http://127.0.0.1:{free_port()}/bank")  # nobody listens there
    async with running(app) as pilot:
        await choose_payment(pilot, RENEWABLE)
        await pick_method(pilot, PaymentMethod.CARTA)
        screen = app.screen
        assert isinstance(screen, CardPaymentScreen)
        await press_button(pilot, "confirm")
        await press_button(pilot, "bank")
        assert "La banca non risponde" in notice(screen)
        assert screen.step is CardStep.BANK  # COLLEGAMENTO A BANCA again, or Annulla
        assert not screen.query_one("#bank", Button).disabled
        assert screen.order is not None
        assert (await Order.get(code=screen.order.code)).status == OrderStatus.PENDING


async def test_the_open_order_says_the_card_was_declined(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        screen = await to_bank(pilot)
        assert screen.order is not None
        await pay(screen.bank_url, DECLINED)
        await wait_for(pilot, lambda: screen.step is CardStep.ENDED)
        view = await app.desk.order(screen.order.code)
        assert view.card_declined
        order_screen = OrderScreen(view)
        await app.push_screen(order_screen)
        await settle_all(pilot)
        assert "La banca ha rifiutato il pagamento con carta" in shown_text(order_screen)
        await press_button(pilot, "bank")  # try again: a new page at the bank
        await settle_all(pilot)
        card = app.screen
        assert isinstance(card, CardPaymentScreen)
        await press_button(pilot, "bank", wait=False)
        await wait_for(pilot, lambda: card.step is CardStep.WAIT)
        assert card.bank_url != screen.bank_url
