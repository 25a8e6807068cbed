"""The kiosk itself: the end of a session, the idle wipe, the locked exit, hostile names."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from kiosk import heap
from kiosk.app import HEAP_TIDY_AFTER_IDLE, KioskApp
from kiosk.domain.model import PaymentMethod, Role
from kiosk.store.models import Area, AuditEvent, Subscriber
from screens.card_payment import CardPaymentScreen
from screens.confirm import ConfirmScreen
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


def assert_nothing_left(app: KioskApp, *gone: Screen[Any]) -> None:
    """Back on a new welcome page as a stranger would find it; the session's screens `gone`."""
    assert app.session is None
    assert isinstance(app.screen, WelcomeScreen)
    assert app.screen_stack[1:] == [app.screen]  # a welcome page of its own, nothing above
    for screen in gone:
        assert not screen.is_attached, f"{screen} outlived the session"
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
        services = await app.front_desk.services()
        order = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.BONIFICO)
        session_screens: list[Screen[Any]] = [
            app.screen,
            RenewalScreen(pec=RENEWABLE),
            ResultScreen(order),
        ]
        await app.push_screen(session_screens[1])
        await app.push_screen(session_screens[2])
        await settle_all(pilot)
        assert app.screen_stack[2:] == session_screens
        await press_button(pilot, "fine")
        assert_nothing_left(app, *session_screens)
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
        mailboxes = app.screen
        if how == "button":
            await press_button(pilot, "logout")
        else:
            await pilot.press("escape")
            await settle_all(pilot)
        # asked first, "No" focused: an Esc too many, or Enter out of habit, changes nothing
        assert isinstance(app.screen, ConfirmScreen)
        assert app.focused is app.screen.query_one("#no")
        await pilot.press("enter")
        await settle_all(pilot)
        assert app.screen is mailboxes and app.session is not None
        await pilot.press("escape") if how == "escape" else await press_button(pilot, "logout")
        await settle_all(pilot)
        await press_button(pilot, "yes")
        assert_nothing_left(app, mailboxes)


# --- the idle wipe ------------------------------------------------------------------------


async def idle_for(pilot: Pilot[None], idle_clock: FakeMonotonic, seconds: float) -> None:
    """Nobody touches the kiosk for `seconds` (of its own clock); the app checks, as its timer
    would, and what that check started is let finish."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    idle_clock.advance(seconds)
    await app.check_inactivity()
    await settle_all(pilot)


async def until_the_countdown(pilot: Pilot[None], idle_clock: FakeMonotonic) -> Screen[Any]:
    """A lawyer logs in and leaves the kiosk alone until the idle countdown shows (5 s into it);
    the screen that shows it."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    await start_session(pilot)
    await idle_for(pilot, idle_clock, app.settings.idle_timeout - app.settings.idle_warning + 5)
    assert app.is_running, "the countdown must not crash the kiosk"
    assert app.screen.query(IdleWarning)
    return app.screen


async def test_idle_timeout_wipes_the_session(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        await app.push_screen(RenewalScreen(pec=RENEWABLE))
        await press_button(pilot, "lookup")  # a quote on screen
        settings = app.settings
        renewal = app.screen
        # (not into the last idle_warning seconds: see the countdown test)
        await idle_for(pilot, idle_clock, settings.idle_timeout - settings.idle_warning - 1)
        assert app.screen is renewal  # not yet
        await idle_for(pilot, idle_clock, settings.idle_warning + 2)
        assert_nothing_left(app, renewal)
        assert "Sessione terminata per inattività." in notice(app.screen)


async def test_no_idle_wipe_without_a_session(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await idle_for(pilot, idle_clock, 10 * app.settings.idle_timeout)
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
        await idle_for(pilot, idle_clock, settings.idle_timeout - settings.idle_warning + 1)
        assert app.is_running, "the countdown must not crash the kiosk"
        warnings = app.screen.query(IdleWarning)
        assert len(warnings) == 1
        assert "tra 19 s" in plain(warnings.first())
        assert "tra 19 s" in screen_dump(app)  # painted over the screen
        await idle_for(pilot, idle_clock, 5)
        assert "tra 14 s" in plain(app.screen.query_one(IdleWarning))
        mailboxes = app.screen
        await idle_for(pilot, idle_clock, 15)
        assert_nothing_left(app, mailboxes)
        assert not app.screen.query(IdleWarning)
        assert "Sessione terminata per inattività." in notice(app.screen)


async def test_a_key_during_the_idle_warning_keeps_the_session(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await until_the_countdown(pilot, idle_clock)
        settings = app.settings
        await pilot.press("down")  # someone is there
        await pilot.pause()
        assert not app.screen.query(IdleWarning), "the countdown banner stays after a key"
        assert "Sessione in scadenza" not in screen_dump(app)
        assert isinstance(app.screen, MailboxesScreen) and app.session is not None
        # the full timeout counts again from the key press
        await idle_for(pilot, idle_clock, settings.idle_timeout - settings.idle_warning - 1)
        assert app.session is not None and not app.screen.query(IdleWarning)


async def test_a_key_removes_the_countdown_of_a_screen_below_too(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app()
    async with running(app) as pilot:
        mailboxes = await until_the_countdown(pilot, idle_clock)
        await app.push_screen(RenewalScreen(pec=RENEWABLE))  # opened without a key
        await settle_all(pilot)
        await pilot.press("down")  # someone is there
        await app.back_to(mailboxes)
        await settle_all(pilot)
        assert not mailboxes.query(IdleWarning), "a stale countdown under the screen"
        assert "Sessione in scadenza" not in screen_dump(app)


async def test_the_heap_is_tidied_when_nobody_types_after_the_start_and_each_session(
    make_app: Callable[..., KioskApp],
    idle_clock: FakeMonotonic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tidied: list[float] = []

    def tidy() -> int:  # counted, not run: it would collect and freeze the test process's heap
        tidied.append(idle_clock.now)
        return 0

    monkeypatch.setattr(heap, "tidy", tidy)
    app = make_app()
    async with running(app) as pilot:
        await wait_for(pilot, lambda: app.started)
        await pilot.press("f12")  # someone is at the kiosk
        idle_clock.advance(HEAP_TIDY_AFTER_IDLE / 2)
        assert not app.tidy_heap_if_idle(), "tidied while someone was typing"
        idle_clock.advance(HEAP_TIDY_AFTER_IDLE / 2)
        assert app.tidy_heap_if_idle() and len(tidied) == 1
        idle_clock.advance(10)
        assert not app.tidy_heap_if_idle() and len(tidied) == 1, "tidied with nothing new"
        await start_session(pilot)
        idle_clock.advance(10)
        assert not app.tidy_heap_if_idle(), "tidied in the middle of a session"
        await app.end_session()
        assert not app.tidy_heap_if_idle(), "tidied the moment the session ended"
        idle_clock.advance(HEAP_TIDY_AFTER_IDLE)
        assert app.tidy_heap_if_idle() and len(tidied) == 2


async def test_what_the_start_up_made_is_frozen_at_once_when_someone_is_already_typing(
    make_app: Callable[..., KioskApp],
    idle_clock: FakeMonotonic,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No idle second may come for long (a queue at the desk, the benchmarks): the start-up's
    objects are frozen anyway, uncollected, once; the tidy still comes at the first idle second,
    and a session's end alone freezes nothing early."""
    calls: list[str] = []

    def tidy() -> int:  # counted, not run (see the test above)
        calls.append("tidy")
        return 0

    monkeypatch.setattr(heap, "tidy", tidy)
    monkeypatch.setattr(heap, "freeze", lambda: calls.append("freeze"))
    app = make_app()
    async with running(app) as pilot:
        await wait_for(pilot, lambda: app.started)
        await pilot.press("f12")  # someone is at the kiosk
        assert not app.tidy_heap_if_idle() and calls == ["freeze"]
        assert not app.tidy_heap_if_idle() and calls == ["freeze"], "frozen twice"
        idle_clock.advance(HEAP_TIDY_AFTER_IDLE)
        assert app.tidy_heap_if_idle() and calls == ["freeze", "tidy"]
        await start_session(pilot)
        await app.end_session()
        await pilot.press("f12")
        assert not app.tidy_heap_if_idle() and calls == ["freeze", "tidy"]


async def wait_at_the_bank(pilot: Pilot[None]) -> CardPaymentScreen:
    app = pilot.app
    assert isinstance(app, KioskApp)
    await start_session(pilot)
    services = await app.front_desk.services()
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
    app = make_app(card_wait_seconds=3600)
    async with running(app) as pilot:
        screen = await wait_at_the_bank(pilot)
        await idle_for(pilot, idle_clock, 10 * app.settings.idle_timeout)  # on the phone
        assert app.screen is screen and app.session is not None
        assert not app.screen.query(IdleWarning)
        assert app.idle_held
        # the payer is back (a key restarts the idle clock before the app shuts down)
        await pilot.press("f12")
        await pilot.pause()


async def test_after_a_long_bank_wait_the_result_stays_on_screen(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app(card_wait_seconds=3600)
    async with running(app) as pilot:
        screen = await wait_at_the_bank(pilot)
        await idle_for(pilot, idle_clock, 3 * app.settings.idle_timeout)  # on the bank's page
        assert screen.order is not None
        services = await app.front_desk.services()
        await services.payments.confirm(screen.order.code, 1830, "BANK-1")
        await wait_for(pilot, lambda: app.screen is not screen)  # the bank's answer arrived
        await settle_all(pilot)
        await idle_for(pilot, idle_clock, 0)  # the check runs right after the wait ended
        assert app.is_running
        assert isinstance(app.screen, ResultScreen), "the paid result was wiped at once"
        assert app.session is not None
        # the idle rule applies again, counted from the end of the wait
        result = app.screen
        await idle_for(pilot, idle_clock, app.settings.idle_timeout + 1)
        assert_nothing_left(app, result, screen)


# --- leaving the program ------------------------------------------------------------------


async def test_kiosk_mode_exit_needs_the_operator_pin(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(kiosk_mode=True)  # the demo's PIN is in its database: 246813
    async with running(app) as pilot:
        await pilot.press("ctrl+q")
        await settle_all(pilot)
        assert isinstance(app.screen, PinScreen)
        assert app.focused is app.screen.query_one("#pin")
        await pilot.press(*"111111", "enter")
        await settle_all(pilot)
        assert app.is_running
        assert isinstance(app.screen, PinScreen)
        assert plain(app.screen.query_one("#pin-error")) == "PIN errato."
        assert app.screen.query_one("#pin", Input).value == ""
        assert app.focused is app.screen.query_one("#pin")
        await pilot.press("escape")
        await settle_all(pilot)
        assert app.is_running and isinstance(app.screen, WelcomeScreen)
        await pilot.press("ctrl+q")
        await settle_all(pilot)
        await pilot.press(*"246813", "enter")
        await wait_for(pilot, lambda: not app.is_running)
        assert app.return_code == 0
        actions = [e.action for e in await AuditEvent.filter(action__startswith="kiosk.")]
        assert actions == ["kiosk.pin_wrong", "kiosk.unlocked", "kiosk.exit"]


async def test_wrong_pins_make_the_next_try_wait_and_say_so(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(kiosk_mode=True)
    async with running(app) as pilot:
        await pilot.press("ctrl+q")
        await settle_all(pilot)
        for pin in ("111111", "222222", "333333"):
            await pilot.press(*pin, "enter")
            await settle_all(pilot)
        error = plain(app.screen.query_one("#pin-error"))
        assert error == "PIN errato. Il prossimo tentativo sarà possibile tra 1 secondo."
        await pilot.press(*"246813", "enter")  # the right one, too soon: refused unchecked
        await settle_all(pilot)
        assert app.is_running and isinstance(app.screen, PinScreen)
        assert plain(app.screen.query_one("#pin-error")).startswith("Troppi tentativi falliti")


async def test_kiosk_mode_without_an_exit_pin_refuses_to_run(
    make_app: Callable[..., KioskApp], data_dir: Path
) -> None:
    with sqlite3.connect(data_dir / "demo.sqlite3") as db:
        db.execute("DELETE FROM kiosk_meta WHERE key = 'exit_pin'")
    app = make_app(kiosk_mode=True)
    async with running(app) as pilot:
        await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 2


async def test_kiosk_mode_asks_for_the_pin_during_a_session_too(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(kiosk_mode=True)
    async with running(app) as pilot:
        await start_session(pilot)
        await pilot.press("ctrl+q")
        await settle_all(pilot)
        assert isinstance(app.screen, PinScreen)
        await pilot.press("escape")
        await settle_all(pilot)
        assert app.is_running and isinstance(app.screen, MailboxesScreen)


async def test_kiosk_mode_has_no_command_palette(make_app: Callable[..., KioskApp]) -> None:
    app = make_app(kiosk_mode=True)
    async with running(app) as pilot:
        await pilot.press("ctrl+p")
        await settle_all(pilot)
        assert app.screen_stack[1:] == [app.screen]
        assert isinstance(app.screen, WelcomeScreen) and app.is_running


async def test_without_kiosk_mode_ctrl_q_exits_and_there_is_no_palette(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await pilot.press("ctrl+p")  # the palette's commands are Textual's, in English: none
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
    services = await app.front_desk.services()
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
