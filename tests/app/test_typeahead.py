"""Keys that arrive together go where the keys before them put the focus.

A terminal delivers a quick typist's keys, or a paste, in one read, and the app queues them all
before the first is handled. Tab, Shift+Tab and Enter (in the fields where it moves on) are
handled the moment they arrive, so the keys after them land in the next field: a password typed
after "userid, Tab" is never shown in clear in the userid field.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app import KioskApp
from screens.login import LoginScreen
from screens.register import RegisterScreen
from tests.app.conftest import running
from tests.app.helpers import press_button, settle_all


def arrive_together(pilot: Pilot[None], *keys: str) -> None:
    """Keys and text as one terminal read delivers them: all posted before any is handled."""
    named = {"tab": "\t", "shift+tab": None, "enter": "\r"}
    for key in keys:
        if key in named:
            pilot.app.post_message(events.Key(key, named[key]))
        else:
            for char in key:
                pilot.app.post_message(events.Key(char, char))


def value(pilot: Pilot[None], field_id: str) -> str:
    return pilot.app.screen.query_one(f"#{field_id}", Input).value


async def test_tab_typed_ahead_moves_before_the_next_keys_land(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "login")
        assert isinstance(app.screen, LoginScreen)
        arrive_together(pilot, "avv.demo", "tab", "Rinnovo2026!")
        await settle_all(pilot)
        assert (value(pilot, "userid"), value(pilot, "password")) == ("avv.demo", "Rinnovo2026!")
        assert app.focused is app.screen.query_one("#password")


async def test_shift_tab_and_enter_typed_ahead_too(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "register")
        assert isinstance(app.screen, RegisterScreen)
        arrive_together(pilot, "avv.nuovo", "tab", "Avv. Nuovo", "shift+tab", "avv.altro")
        await settle_all(pilot)
        # back to the userid (a field entered by the keyboard has its text selected: retyped)
        assert (value(pilot, "userid"), value(pilot, "nominativo")) == ("avv.altro", "Avv. Nuovo")
        assert app.focused is app.screen.query_one("#userid")
        await press_button(pilot, "back")
        await press_button(pilot, "login")
        arrive_together(pilot, "avv.demo", "enter", "Rinnovo2026!")  # Enter moves on from userid
        await settle_all(pilot)
        assert (value(pilot, "userid"), value(pilot, "password")) == ("avv.demo", "Rinnovo2026!")
