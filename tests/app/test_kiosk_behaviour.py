"""The kiosk itself: the end of a session, the idle wipe, the locked exit, hostile names."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod, Role
from kiosk.store.models import Area, Subscriber
from screens.card_payment import CardPaymentScreen
from screens.idle import IdleWarning
from screens.login import LoginScreen
from screens.mailboxes import MailboxesScreen
from screens.pin import PinScreen
from screens.renewal import RenewalScreen
from screens.result import ResultScreen
from screens.welcome import WelcomeScreen
from screens.widgets.titlebar import TitleBar
from tests.app.conftest import RENEWABLE, FakeMonotonic, log_in, running
from tests.app.helpers import (
    notice,
    plain,
    press_button,
    screen_dump,
    settle_all,
    shown_text,
    start_session,
    wait_for,
)

NAME = "Avv. Maria Demo"


def assert_nothing_left(app: KioskApp) -> None:
    """Back on the welcome page as a stranger would find it."""
    assert app.session is None
    assert isinstance(app.screen, WelcomeScreen)
    assert len(app.screen_stack) == 2  # Textual's default screen and the welcome page
    text = shown_text(app.screen) + screen_dump(app)
    assert NAME not in text
    assert "maria.demo" not in text and "RLM" not in text


# --- the end of a session -----------------------------------------------------------------


async def test_fine_on_the_result_goes_back_to_an_empty_welcome(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot)
        await settle_all(pilot)
        services = await app.services_ready()
        order = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.BONIFICO)
        await app.push_screen(RenewalScreen(pec=RENEWABLE))
        await app.push_screen(ResultScreen(order))
        await settle_all(pilot)
        assert len(app.screen_stack) == 5
        await press_button(pilot, "fine")
        assert_nothing_left(app)
        assert app.focused is app.screen.query_one("#login")
        # the next person's login form is empty
        await pilot.click("#login")
        await settle_all(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#userid", Input).value == ""
        assert app.screen.query_one("#password", Input).value == ""


@pytest.mark.parametrize("how", ["button", "escape"])
async def test_esci_from_the_mailboxes_ends_the_session(
    make_app: Callable[..., KioskApp], how: str
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        if how == "button":
            await press_button(pilot, "logout")
        else:
            await pilot.press("escape")
            await settle_all(pilot)
        assert_nothing_left(app)


# --- the idle wipe ------------------------------------------------------------------------


async def test_idle_timeout_wipes_the_session(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        await app.push_screen(RenewalScreen(pec=RENEWABLE))
        await press_button(pilot, "lookup")  # a quote on screen
        settings = app.settings
        # (not into the last idle_warning seconds: see the countdown test)
        idle_clock.advance(settings.idle_timeout - settings.idle_warning - 1)
        await pilot.pause(0.1)
        assert isinstance(app.screen, RenewalScreen)  # not yet
        idle_clock.advance(settings.idle_warning + 2)
        await pilot.pause(0.1)
        await settle_all(pilot)
        assert_nothing_left(app)
        assert "Sessione terminata per inattività." in notice(app.screen)


async def test_no_idle_wipe_without_a_session(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app()
    async with running(app) as pilot:
        idle_clock.advance(10 * app.settings.idle_timeout)
        await pilot.pause(0.1)
        assert app.is_running
        assert isinstance(app.screen, WelcomeScreen)
        assert not app.screen.query(IdleWarning)
        assert notice(app.screen) == ""


async def test_idle_warning_counts_down_before_the_wipe(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        settings = app.settings
        assert (settings.idle_timeout, settings.idle_warning) == (120, 20)
        idle_clock.advance(settings.idle_timeout - settings.idle_warning + 1)
        await pilot.pause(0.1)
        assert app.is_running, "the countdown must not crash the kiosk"
        warnings = app.screen.query(IdleWarning)
        assert len(warnings) == 1
        assert "tra 19 s" in plain(warnings.first())
        assert "tra 19 s" in screen_dump(app)  # painted over the screen
        idle_clock.advance(5)
        await pilot.pause(0.1)
        assert "tra 14 s" in plain(app.screen.query_one(IdleWarning))
        idle_clock.advance(15)
        await pilot.pause(0.1)
        await settle_all(pilot)
        assert_nothing_left(app)
        assert not app.screen.query(IdleWarning)
        assert "Sessione terminata per inattività." in notice(app.screen)


async def test_a_key_during_the_idle_warning_keeps_the_session(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        settings = app.settings
        idle_clock.advance(settings.idle_timeout - settings.idle_warning + 5)
        await pilot.pause(0.1)
        assert app.is_running, "the countdown must not crash the kiosk"
        assert app.screen.query(IdleWarning)
        await pilot.press("down")  # someone is there
        await pilot.pause(0.1)
        assert not app.screen.query(IdleWarning), "the countdown banner stays after a key"
        assert "Sessione in scadenza" not in screen_dump(app)
        assert isinstance(app.screen, MailboxesScreen) and app.session is not None
        # the full timeout counts again from the key press
        idle_clock.advance(settings.idle_timeout - settings.idle_warning - 1)
        await pilot.pause(0.1)
        assert app.session is not None and not app.screen.query(IdleWarning)


async def wait_at_the_bank(pilot: Pilot[None]) -> CardPaymentScreen:
    app = pilot.app
    assert isinstance(app, KioskApp)
    await start_session(pilot)
    services = await app.services_ready()
    quote = await services.renewals.quote("avv.demo", RENEWABLE)
    screen = CardPaymentScreen(quote)
    await app.push_screen(screen)
    await press_button(pilot, "confirm")
    await press_button(pilot, "bank", wait=False)
    await wait_for(pilot, lambda: app.idle_held)
    return screen


async def test_no_idle_wipe_while_waiting_for_the_bank(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app(card_wait_seconds=30)
    async with running(app) as pilot:
        screen = await wait_at_the_bank(pilot)
        idle_clock.advance(10 * app.settings.idle_timeout)  # the payer is on the phone
        await pilot.pause(0.1)
        assert app.screen is screen and app.session is not None
        assert not app.screen.query(IdleWarning)
        assert app.idle_held
        # the payer is back (a key restarts the idle clock before the app shuts down)
        await pilot.press("f12")
        await pilot.pause()


async def test_after_a_long_bank_wait_the_result_stays_on_screen(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app(card_wait_seconds=30)
    async with running(app) as pilot:
        screen = await wait_at_the_bank(pilot)
        idle_clock.advance(3 * app.settings.idle_timeout)  # three minutes on the bank's page
        await pilot.pause(0.1)
        assert screen.order is not None
        services = await app.services_ready()
        await services.payments.confirm(screen.order.code, 1830, "BANK-1")
        await wait_for(pilot, lambda: app.screen is not screen)  # the bank's answer arrived
        await settle_all(pilot)
        await pilot.pause(0.2)  # a few idle polls
        assert app.is_running
        assert isinstance(app.screen, ResultScreen), "the paid result was wiped at once"
        assert app.session is not None
        # the idle rule applies again, counted from the end of the wait
        idle_clock.advance(app.settings.idle_timeout + 1)
        await pilot.pause(0.1)
        await settle_all(pilot)
        assert_nothing_left(app)


# --- leaving the program ------------------------------------------------------------------


async def test_kiosk_mode_exit_needs_the_operator_pin(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(kiosk_mode=True, operator_pin="2468")
    async with running(app) as pilot:
        await pilot.press("ctrl+q")
        await settle_all(pilot)
        assert isinstance(app.screen, PinScreen)
        assert app.focused is app.screen.query_one("#pin")
        await pilot.press(*"1111", "enter")
        await settle_all(pilot)
        assert app.is_running
        assert isinstance(app.screen, PinScreen)
        assert plain(app.screen.query_one("#pin-error")) == "PIN errato."
        assert app.screen.query_one("#pin", Input).value == ""
        await pilot.press("escape")
        await settle_all(pilot)
        assert app.is_running and isinstance(app.screen, WelcomeScreen)
        await pilot.press("ctrl+q")
        await settle_all(pilot)
        await pilot.press(*"2468", "enter")
        await pilot.pause()
        assert not app.is_running
        assert app.return_code == 0


async def test_kiosk_mode_asks_for_the_pin_during_a_session_too(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(kiosk_mode=True, operator_pin="2468")
    async with running(app) as pilot:
        await start_session(pilot)
        await pilot.press("ctrl+q")
        await settle_all(pilot)
        assert isinstance(app.screen, PinScreen)
        await pilot.press("escape")
        await settle_all(pilot)
        assert app.is_running and isinstance(app.screen, MailboxesScreen)


async def test_kiosk_mode_has_no_command_palette(make_app: Callable[..., KioskApp]) -> None:
    app = make_app(kiosk_mode=True, operator_pin="2468")
    async with running(app) as pilot:
        await pilot.press("ctrl+p")
        await settle_all(pilot)
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)
        assert isinstance(app.screen, WelcomeScreen) and app.is_running


async def test_without_kiosk_mode_the_palette_opens_and_ctrl_q_exits(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await pilot.press("ctrl+p")
        await settle_all(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press("escape")
        await settle_all(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not app.is_running
        assert app.return_code == 0


# --- what users wrote is shown as written -------------------------------------------------

HOSTILE = "Avv. [bold red]Rossi[/] \x1b[31mX"


async def create_hostile_subscriber(app: KioskApp) -> None:
    """As if imported from a provider's file: straight into the database, no validation."""
    services = await app.services_ready()
    await Subscriber.create(
        userid="avv.ostile",
        nominativo=HOSTILE,
        codice_fiscale=None,
        email="ostile@example.org",
        area=await Area.get(code="www.lextel.it"),
        role=Role.SUBSCRIBER,
        password_hash=await services.ctx.passwords.hash("Ostile-Password-1"),
        created_at=services.ctx.now(),
    )


async def test_markup_in_a_name_is_shown_literally(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await create_hostile_subscriber(app)
        await log_in(pilot, "avv.ostile", "Ostile-Password-1")
        await settle_all(pilot)
        assert app.is_running
        assert isinstance(app.screen, MailboxesScreen)
        title = plain(app.screen.query_one(TitleBar))
        assert "Avv. [bold red]Rossi[/]" in title
        first_line = screen_dump(app).splitlines()[0]
        assert "[bold red]Rossi[/]" in first_line  # painted as typed, not as markup
        assert "Nessuna casella PEC" in notice(app.screen)  # and the screen works on


async def test_escape_sequences_in_a_name_never_reach_the_terminal(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await create_hostile_subscriber(app)
        await log_in(pilot, "avv.ostile", "Ostile-Password-1")
        await settle_all(pilot)
        title = app.screen.query_one(TitleBar)
        painted = "".join(segment.text for segment in title.render_line(0))
        assert "Rossi" in painted
        assert "\x1b" not in painted


async def test_an_unreachable_database_is_said_on_screen_and_the_kiosk_stays_up(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(demo=False, database_url="postgres://postgres@127.0.0.1:1/nessuno")
    app.handle.enter()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await log_in(pilot)
            await pilot.pause()
            assert app.is_running
            assert "non è disponibile" in notice(app.screen)
            assert app.session is None
    finally:
        await app.handle.close()
