"""A renewal that has started stays manageable: from the list (and from Rinnova) the order is
shown again, paid another way, cancelled (after a yes), or its bank page opened again."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable

from kiosk.app import KioskApp
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.store.models import Order
from screens.card_payment import CardPaymentScreen, CardStep
from screens.confirm import ConfirmScreen
from screens.mailboxes import MailboxesScreen
from screens.order import OrderScreen
from screens.payment_choice import PaymentChoiceScreen
from screens.result import ResultScreen
from tests.app.conftest import RENEWABLE, SOSPESA, running
from tests.app.helpers import (
    flat,
    is_shown,
    notice,
    press_button,
    settle_all,
    shown_text,
    start_session,
    table_rows,
)


async def open_from_the_list(app: KioskApp, pilot: object, pec: str) -> OrderScreen:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    mailboxes = app.screen
    assert isinstance(mailboxes, MailboxesScreen)
    table = mailboxes.query_one("#boxes", DataTable)
    row = next(i for i, r in enumerate(table_rows(table)) if r.startswith(pec))
    table.move_cursor(row=row)
    await pilot.press("enter")
    await settle_all(pilot)
    assert isinstance(app.screen, OrderScreen)
    return app.screen


async def test_an_order_awaiting_payment_is_shown_again_from_the_list(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        services = await app.front_desk.services()
        order = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BOLLETTINO)
        await start_session(pilot)
        screen = await open_from_the_list(app, pilot, SOSPESA)
        text = flat(shown_text(screen))
        assert order.code in text and "30,50" in text and "bollettino postale" in text
        assert f"{order.code} RINNOVO PEC" in text  # the causale
        assert "001023456789" in text  # the postal account
        assert screen.query("#change") and screen.query("#cancel")
        # back: the cursor is still on that box
        await press_button(pilot, "back")
        table = app.screen.query_one("#boxes", DataTable)
        assert table_rows(table)[table.cursor_row].startswith(SOSPESA)


async def test_pay_it_another_way_replaces_the_order_in_one_go(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        services = await app.front_desk.services()
        old = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.BONIFICO)
        await start_session(pilot)
        await open_from_the_list(app, pilot, RENEWABLE)
        await press_button(pilot, "change")  # Cambia modalità di pagamento
        choice = app.screen
        assert isinstance(choice, PaymentChoiceScreen)
        assert not choice.query_one("#prepaid").disabled  # 18,30 € of credit cover it
        await press_button(pilot, "prepaid")
        await press_button(pilot, "confirm-prepaid")
        result = app.screen
        assert isinstance(result, ResultScreen)
        assert result.order.status is OrderStatus.PAID and result.order.code != old.code
        assert (await Order.get(code=old.code)).status == OrderStatus.CANCELLED
        assert await Order.filter(status__in=("pending", "paid")).count() == 1


async def test_cancel_asks_first_and_then_frees_the_box(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        services = await app.front_desk.services()
        order = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.ASSEGNO)
        await start_session(pilot)
        screen = await open_from_the_list(app, pilot, SOSPESA)
        await press_button(pilot, "cancel")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # "No" has the focus
        await settle_all(pilot)
        assert app.screen_stack[-1] is screen
        assert (await Order.get(code=order.code)).status == OrderStatus.PENDING
        await press_button(pilot, "cancel")
        await press_button(pilot, "yes")
        assert (await Order.get(code=order.code)).status == OrderStatus.CANCELLED
        assert f"Ordine {order.code} annullato" in notice(app.screen)
        await press_button(pilot, "back")
        rows = table_rows(app.screen.query_one("#boxes", DataTable))
        assert "Sì, ora" in next(r for r in rows if r.startswith(SOSPESA))


async def test_the_bank_page_can_be_opened_again_and_two_enters_never_cancel(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(card_wait_seconds=3600)
    async with running(app) as pilot:
        services = await app.front_desk.services()
        order = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.CARTA)
        await start_session(pilot)
        await open_from_the_list(app, pilot, RENEWABLE)
        assert app.focused is app.screen.query_one("#bank")
        await pilot.press("enter")  # COLLEGAMENTO A BANCA, from the order
        await settle_all(pilot)
        card = app.screen
        assert isinstance(card, CardPaymentScreen)
        assert card.order is not None and card.order.code == order.code  # the same order
        assert card.step is CardStep.BANK
        await pilot.press("enter")  # COLLEGAMENTO A BANCA on the card screen
        await settle_all(pilot)
        assert card.step.value == CardStep.WAIT.value
        assert order.code in flat(shown_text(card))
        assert app.focused is card.query_one("#check")  # not "Annulla il pagamento"
        await pilot.press("enter")  # a second Enter out of habit: only a check
        await settle_all(pilot)
        assert (await Order.get(code=order.code)).status == OrderStatus.PENDING
        assert "non ha ancora confermato" in notice(card)
        assert is_shown(card.query_one("#cancel"))
        card.workers.cancel_group(card, "bank")
