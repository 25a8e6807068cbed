"""The help desk's assisted renewal and the walk-in hand-over, under Pilot at 80x24 and 120x40:
cash and a cheque received at the desk, the cheque form's errors, the receipt printed; a
lawyer's session that calls an operator, a wrong password, the operator acting for the lawyer
under the banner, Restituisci and Termina; every action audited with the operator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from kiosk.app import KioskApp
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.store.models import AuditEvent, DeskPayment, Order
from screens.mailboxes import MailboxesScreen
from screens.operator.assisted import METHODS, AssistedRenewalScreen
from screens.operator.handover import HandoverLoginScreen
from screens.welcome import WelcomeScreen
from screens.widgets.acting_banner import ActingBanner
from tests.app.conftest import SOSPESA, running
from tests.app.helpers import (
    field_error,
    fill,
    flat,
    is_shown,
    notice,
    press_button,
    settle_all,
    shown_text,
    start_session,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
OP, OP_PASSWORD = "operatore.demo", "Sportello2026!"
BANNER = "Operatore Luca Verdi (sportello) per conto di Avv. Maria Demo"


async def choose(pilot: Pilot[None], method: PaymentMethod) -> None:
    """Pick a method in the list with the keyboard (Invio)."""
    methods = pilot.app.screen.query_one("#methods", OptionList)
    methods.focus()
    methods.highlighted = METHODS.index(method)
    await pilot.press("enter")
    await settle_all(pilot)


async def open_assisted(pilot: Pilot[None]) -> AssistedRenewalScreen:
    """An operator logged in, on the assisted renewal of avv.demo's suspended box."""
    await start_session(pilot, OP, OP_PASSWORD)
    screen = AssistedRenewalScreen("avv.demo", SOSPESA)
    await pilot.app.push_screen(screen)
    await settle_all(pilot)
    return screen


@pytest.mark.parametrize("size", SIZES)
async def test_assisted_renewal_with_cash(
    make_app: Callable[..., KioskApp], tmp_path: Path, size: tuple[int, int]
) -> None:
    printed = tmp_path / "receipt.pdf"
    app = make_app(print_command=f"cp {{file}} {printed}")
    async with running(app, size) as pilot:
        screen = await open_assisted(pilot)
        text = flat(shown_text(screen))
        for expected in ("Servizio di rinnovo assistito", "10,00 €", "IVA 22%", "42,70 €",
                         "Prossima scadenza"):  # fmt: skip
            assert expected in text, expected
        assert screen.query_one("#confirm").disabled  # nothing before a method is chosen
        await choose(pilot, PaymentMethod.CONTANTI)
        assert not is_shown(screen.query_one("#cheque-form"))
        await press_button(pilot, "confirm")
        assert screen.placed is not None
        code = screen.placed.order.code
        text = flat(shown_text(screen))
        assert "Rinnovo pagato" in text and code in text and "ricevuto allo sportello" in text
        order = await Order.get(code=code)
        assert order.status == OrderStatus.PAID and order.method == PaymentMethod.CONTANTI
        await press_button(pilot, "print-receipt")
        assert "Ricevuta inviata alla stampante" in notice(screen)
        assert printed.exists()
        await press_button(pilot, "done")
        assert app.screen is app.home  # the operator's workspace


@pytest.mark.parametrize("size", SIZES)
async def test_assisted_renewal_with_a_cheque(
    make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        screen = await open_assisted(pilot)
        await choose(pilot, PaymentMethod.ASSEGNO)
        assert is_shown(screen.query_one("#cheque-form"))
        assert screen.query_one("#cheque_amount").value == "42,70"  # type: ignore[attr-defined]
        # every wrong field at once, nothing placed
        fill(screen, cheque_bank="", cheque_number="x", cheque_drawer="", cheque_amount="xx")
        await press_button(pilot, "confirm")
        for field in ("cheque_bank", "cheque_number", "cheque_drawer", "cheque_amount"):
            assert field_error(screen, field), field
        assert await Order.all().count() == 0
        # a cheque for another amount: refused by the service, beside the amount
        fill(
            screen,
            cheque_bank="Banca Popolare",
            cheque_number="0123456789",
            cheque_drawer="Avv. Maria Demo",
            cheque_amount="40,00",
        )
        await press_button(pilot, "confirm")
        assert "42,70" in field_error(screen, "cheque_amount")
        assert await Order.all().count() == 0
        fill(screen, cheque_amount="42,70")
        await press_button(pilot, "confirm")
        assert screen.placed is not None
        text = flat(shown_text(screen))
        assert "n. 0123456789, Banca Popolare, traente Avv. Maria Demo" in text
        assert "da incassare" in text
        assert "#print-receipt" not in str(screen.query("Button"))  # no printer configured
        row = await DeskPayment.get(order__code=screen.placed.order.code)
        assert row.status == "to_be_cashed" and row.received_by == OP


@pytest.mark.parametrize("size", SIZES)
async def test_the_walk_in_hand_over(
    make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        await start_session(pilot)  # avv.demo at the kiosk
        assert isinstance(app.screen, MailboxesScreen)
        home: MailboxesScreen = app.screen
        assert is_shown(home.query_one("#call-operator"))
        assert not is_shown(home.query_one("#hand-back"))
        await press_button(pilot, "call-operator")
        login = app.screen
        assert isinstance(login, HandoverLoginScreen)
        # a wrong password, and a lawyer's own (right) credentials: the same words
        for userid, password in ((OP, "Sbagliata2026!"), ("avv.demo", "Rinnovo2026!")):
            fill(login, userid=userid, password=password)
            await press_button(pilot, "submit")
            assert app.screen is login and app.acting is None
            assert "Userid o password non corretti." in notice(login)
            assert login.query_one("#password").value == ""  # type: ignore[attr-defined]
        fill(login, userid=OP, password=OP_PASSWORD)
        await press_button(pilot, "submit")
        # the operator acts in the lawyer's session, under the banner
        assert app.screen is home and app.acting is not None
        assert app.session is not None and app.session.userid == "avv.demo"
        banner = home.query_one(ActingBanner)
        assert is_shown(banner) and BANNER in flat(shown_text(home))
        assert is_shown(home.query_one("#hand-back")) and is_shown(home.query_one("#end-handover"))
        assert not is_shown(home.query_one("#call-operator"))
        assert not is_shown(home.query_one("#logout"))
        # act: renew the suspended box on the lawyer's behalf (the assisted renewal)
        table = home.query_one("#boxes")
        table.focus()
        assert home.account is not None
        rows = [box.address for box in home.account.mailboxes]
        table.move_cursor(row=rows.index(SOSPESA), animate=False)  # type: ignore[attr-defined]
        await pilot.press("r")
        await settle_all(pilot)
        assisted = app.screen
        assert isinstance(assisted, AssistedRenewalScreen)
        assert BANNER in flat(shown_text(assisted))
        await choose(pilot, PaymentMethod.CONTANTI)
        await press_button(pilot, "confirm")
        assert assisted.placed is not None
        code = assisted.placed.order.code
        await press_button(pilot, "done")
        assert app.screen is home
        event = await AuditEvent.get(action="assisted.order", subject=code)
        assert event.actor == OP
        assert event.details["on_behalf_of"] == "avv.demo" and event.details["handover"]
        # Restituisci: the lawyer's own session again, the banner gone
        await press_button(pilot, "hand-back")
        assert app.acting is None and app.screen is home
        assert not is_shown(home.query_one(ActingBanner))
        assert is_shown(home.query_one("#call-operator"))
        ended = await AuditEvent.filter(action="handover.ended").order_by("id")
        assert [(e.actor, e.subject, e.details["how"]) for e in ended] == [
            (OP, "avv.demo", "returned")
        ]
        # called again, then Termina: the session ends
        await press_button(pilot, "call-operator")
        fill(app.screen, userid=OP, password=OP_PASSWORD)
        await press_button(pilot, "submit")
        assert app.acting is not None
        await press_button(pilot, "end-handover")
        assert app.acting is None and app.session is None
        assert isinstance(app.screen, WelcomeScreen)
        started = await AuditEvent.filter(action="handover.started").count()
        assert started == 2
        assert await AuditEvent.filter(action="handover.ended").count() == 2


async def test_idle_timeout_ends_a_hand_over(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        await press_button(pilot, "call-operator")
        fill(app.screen, userid=OP, password=OP_PASSWORD)
        await press_button(pilot, "submit")
        assert app.acting is not None
        app._monotonic.advance(app.settings.idle_timeout + 1)  # type: ignore[attr-defined]
        await app.check_inactivity()
        await settle_all(pilot)
        assert app.acting is None and app.session is None
        ended = await AuditEvent.get(action="handover.ended")
        assert ended.details == {"how": "idle"}
