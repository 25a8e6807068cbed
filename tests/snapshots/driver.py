"""Drives the kiosk to a screen state without leaving anything time-dependent on screen.

Buttons are pressed with `Button.press()` and no press effect (a click would leave the button
"-active" for 0.2 s and the mouse hovering over it); every step waits for the database workers
and for the loading indicator to go away, so no snapshot catches an animation.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, cast

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, OptionList
from textual.worker import Worker, WorkerFailed

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from kiosk.services.dto import Quote
from screens.base import KioskScreen
from screens.mailboxes import MailboxesScreen
from tests.app.conftest import FakeMonotonic

DEMO_USER = "avv.demo"
DEMO_PASSWORD = "Rinnovo2026!"
BANK_WAIT = "bank"  # the worker group of CardPaymentScreen.wait_for_bank


class Driver:
    def __init__(self, pilot: Pilot[None], idle_clock: FakeMonotonic) -> None:
        self.pilot = pilot
        self.idle_clock = idle_clock

    @property
    def app(self) -> KioskApp:
        return cast(KioskApp, self.pilot.app)

    async def start(self) -> None:
        await self.app.front_desk.services()
        await self.settle()

    async def settle(self) -> None:
        """Every worker done, its messages handled, nothing loading or disabled.

        Cheaper than Pilot.pause() (which waits for the process to look idle): the snapshot
        itself still waits for idle and for animations before the screenshot is taken.
        """
        app = self.app
        for _ in range(500):
            self.check_alive()
            await self.pilot.pause(0)
            calls = self.database_calls()
            with contextlib.suppress(WorkerFailed):  # the screen shows the error: a state too
                if calls:  # (an empty list would mean "every worker", the bank's wait too)
                    await app.workers.wait_for_complete(calls)
            await self.pilot.pause(0)
            if not self.busy():
                await self.pilot.pause(0.01)  # let call_after_refresh callbacks (focus) run
                if not self.busy():
                    return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{app.screen} still busy")

    async def finish(self) -> None:
        """The focused widget fully in view before the picture is taken.

        The screens focus (and scroll to) what they have just mounted after the next refresh;
        under load that scroll is sometimes computed before the layout settles and stops a line
        short. Scrolling to the focused widget again makes the picture the settled state."""
        screen = self.app.screen
        if isinstance(screen, KioskScreen):
            screen.reveal()  # what the screen itself chose to show, once the layout has settled
        elif screen.focused is not None:
            screen.focused.scroll_visible(animate=False)
        await self.settle()

    def check_alive(self) -> None:
        """Fail here, saying why, if the app has already exited (an error in the app)."""
        app = self.app
        if app.return_code is not None:
            raise AssertionError(f"the app exited ({app.return_code}): {app._exception!r}")

    def database_calls(self) -> list[Worker[Any]]:
        """The workers that end by themselves (not the card screen's wait for the bank)."""
        return [w for w in self.app.workers if w.group not in (BANK_WAIT, "database", "serve")]

    def busy(self) -> bool:
        screen = self.app.screen
        running = any(worker.is_running for worker in self.database_calls())
        return running or any(w.loading or w.disabled for w in screen.query("#panel"))

    async def press(self, selector: str) -> None:
        button = self.app.screen.query_one(selector, Button)
        assert not button.disabled, f"{selector} is disabled"
        button.active_effect_duration = 0
        button.press()
        await self.settle()

    async def keys(self, *keys: str) -> None:
        """Real key presses, for the bindings (Pilot waits for idle after each: ~0.5 s a key)."""
        await self.pilot.press(*keys)
        await self.settle()

    def fill(self, **values: str) -> None:
        for field_id, value in values.items():
            self.app.screen.query_one(f"#{field_id}", Input).value = value

    async def submit_in(self, field_id: str) -> None:
        """Focus an input and submit it (Enter), as the person at the kiosk would."""
        field = self.app.screen.query_one(f"#{field_id}", Input)
        field.focus()
        await self.pilot.pause(0)
        await field.action_submit()
        await self.settle()

    # --- the journey ---------------------------------------------------------------------

    async def open_login(self) -> None:
        await self.press("#login")

    async def log_in(self, userid: str = DEMO_USER, password: str = DEMO_PASSWORD) -> None:
        """Through the login screen."""
        await self.open_login()
        self.fill(userid=userid, password=password)
        await self.submit_in("password")
        await self.settle()  # the mailboxes load in a worker of their own

    async def start_session(self) -> None:
        """Logged in without the login screen (its states have their own snapshots): the
        same SessionStarted message the login screen sends, with the services' own user."""
        from screens.messages import SessionStarted

        services = await self.app.front_desk.services()
        user = await services.auth.login(DEMO_USER, DEMO_PASSWORD)
        self.app.post_message(SessionStarted(user))
        await self.settle()
        assert isinstance(self.app.screen, MailboxesScreen)

    async def renew(self, pec: str) -> None:
        """From the list of mailboxes: select `pec`, Invio, Avanti → the quote or the refusal."""
        await self.select_row(pec)
        await self.press("#lookup")

    async def select_row(self, pec: str) -> None:
        """On the list of mailboxes: select `pec` and press Invio (Rinnova, or its order)."""
        screen = self.app.screen
        assert isinstance(screen, MailboxesScreen) and screen.account is not None
        row = [box.address for box in screen.account.mailboxes].index(pec)
        table = screen.query_one("#boxes", DataTable)
        table.focus()
        table.move_cursor(row=row, animate=False)
        await self.pilot.pause(0)
        table.action_select_cursor()  # Invio
        await self.settle()

    async def choose_payment(self, pec: str) -> None:
        """Mailboxes → Rinnova → Avanti → Avanti: the whole way to the payment choice."""
        await self.start_session()
        await self.renew(pec)
        await self.press("#pay")

    async def at_payment_choice(self, pec: str) -> None:
        """The payment choice for `pec`, opened on the list of mailboxes with the services'
        own quote: for the states after it (the way to it has snapshots of its own)."""
        from screens.payment_choice import PaymentChoiceScreen

        await self.start_session()
        services = await self.app.front_desk.services()
        quote = await services.renewals.quote(DEMO_USER, pec)
        assert isinstance(quote, Quote), quote
        await self.app.push_screen(PaymentChoiceScreen(quote))
        await self.settle()

    async def open_transfer_menu(self) -> None:
        await self.press("#transfer")

    async def choose_method(self, method: PaymentMethod) -> None:
        await self.open_transfer_menu()
        methods = self.app.screen.query_one("#methods", OptionList)
        methods.focus()
        index = next(
            i for i in range(methods.option_count) if methods.get_option_at_index(i).id == method
        )
        methods.highlighted = index
        await self.pilot.pause(0)
        methods.action_select()  # Invio
        await self.settle()

    async def place_order(self, pec: str, method: PaymentMethod) -> None:
        """An order placed through the services (another kiosk, the help desk)."""
        services = await self.app.front_desk.services()
        await services.renewals.place_order(DEMO_USER, pec, method)


def driven(
    idle_clock: FakeMonotonic, steps: Callable[[Driver], Awaitable[None]]
) -> Callable[[Pilot[None]], Awaitable[None]]:
    """A snapshot's `run_before`: start the demo kiosk, take `steps`, settle for the picture."""

    async def run_before(pilot: Pilot[None]) -> None:
        driver = Driver(pilot, idle_clock)
        await driver.start()
        await steps(driver)
        await driver.finish()

    return run_before


def stale_snapshots(folder: Path, expected: set[str]) -> list[str]:
    """The SVGs in `folder` no test makes (syrupy misses them under xdist)."""
    return sorted(p.name for p in folder.iterdir() if p.name not in expected)
