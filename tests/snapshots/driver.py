"""Drives the kiosk to a screen state without leaving anything time-dependent on screen.

Buttons are pressed with `Button.press()` and no press effect (a click would leave the button
"-active" for 0.2 s and the mouse hovering over it); every step waits for the database workers
and for the loading indicator to go away, so no snapshot catches an animation.
"""

from __future__ import annotations

from typing import cast

from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input, OptionList

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from screens.mailboxes import MailboxesScreen
from tests.app.conftest import FakeMonotonic

DEMO_USER = "avv.demo"
DEMO_PASSWORD = "Rinnovo2026!"


class Driver:
    def __init__(self, pilot: Pilot[None], idle_clock: FakeMonotonic) -> None:
        self.pilot = pilot
        self.idle_clock = idle_clock

    @property
    def app(self) -> KioskApp:
        return cast(KioskApp, self.pilot.app)

    async def start(self) -> None:
        await self.app.services_ready()
        await self.settle()

    async def settle(self) -> None:
        """Every worker done, the screen repainted, nothing loading."""
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()
        await self.not_busy()

    async def not_busy(self) -> None:
        for _ in range(200):
            if not any(widget.loading for widget in self.app.screen.query("*")):
                await self.pilot.pause()
                return
            await self.pilot.pause(0.01)
        raise AssertionError(f"{self.app.screen} still loading")

    async def press(self, selector: str) -> None:
        button = self.app.screen.query_one(selector, Button)
        assert not button.disabled, f"{selector} is disabled"
        button.active_effect_duration = 0
        button.press()
        await self.pilot.pause()
        await self.settle()

    async def keys(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.settle()

    def fill(self, **values: str) -> None:
        for field_id, value in values.items():
            self.app.screen.query_one(f"#{field_id}", Input).value = value

    async def submit_in(self, field_id: str) -> None:
        """Focus an input and press Enter in it, as the person at the kiosk would."""
        self.app.screen.query_one(f"#{field_id}", Input).focus()
        await self.pilot.pause()
        await self.keys("enter")

    # --- the journey ---------------------------------------------------------------------

    async def open_login(self) -> None:
        await self.press("#login")

    async def log_in(self, userid: str = DEMO_USER, password: str = DEMO_PASSWORD) -> None:
        await self.open_login()
        self.fill(userid=userid, password=password)
        await self.submit_in("password")
        await self.settle()  # the mailboxes load in a worker of their own

    async def renew(self, pec: str) -> None:
        """From the list of mailboxes: select `pec`, Invio, Avanti → the quote or the refusal."""
        screen = self.app.screen
        assert isinstance(screen, MailboxesScreen) and screen.account is not None
        row = [box.address for box in screen.account.mailboxes].index(pec)
        table = screen.query_one("#boxes", DataTable)
        table.focus()
        table.move_cursor(row=row, animate=False)
        await self.keys("enter")
        await self.press("#lookup")

    async def choose_payment(self, pec: str) -> None:
        await self.log_in()
        await self.renew(pec)
        await self.press("#pay")

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
        await self.pilot.pause()
        await self.keys("enter")

    async def place_order(self, pec: str, method: PaymentMethod) -> None:
        """An order placed through the services (another kiosk, the help desk)."""
        services = await self.app.services_ready()
        await services.renewals.place_order(DEMO_USER, pec, method)
