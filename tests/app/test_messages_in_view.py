"""At 80x24, every message a person must read is scrolled into view when it appears: nothing
important is drawn below the bottom of the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input

from kiosk.app import KioskApp
from screens.widgets.notice import Notice
from tests.app.conftest import CESSATA, TOO_EARLY, FakeMonotonic, running
from tests.app.helpers import fill, press_button, settle_all, start_session, to_bank, wait_for
from tests.app.test_renewal_flow import open_renewal

SIZE = (80, 24)


def in_view(pilot: Pilot[Any], widget: Widget) -> bool:
    return widget.display and pilot.app.screen.can_view_entire(widget)


async def settled_view(pilot: Pilot[Any]) -> None:
    """The message laid out and scrolled (after-refresh callbacks run)."""
    await settle_all(pilot)
    await pilot.pause()


async def test_wrong_password(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app, size=SIZE) as pilot:
        await pilot.click("#login")
        await settle_all(pilot)
        fill(app.screen, userid="avv.demo", password="Sbagliata-2026!")
        await press_button(pilot, "submit")
        await settled_view(pilot)
        notice = app.screen.query_one("#notice", Notice)
        assert "non corretti" in str(notice.render())
        assert in_view(pilot, notice)


async def test_renewal_refusal_and_callback_confirmation(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app, size=SIZE) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app, CESSATA)
        await press_button(pilot, "lookup")
        await settled_view(pilot)
        assert in_view(pilot, screen.query_one("#refusal", Notice))
        screen.query_one("#phone", Input).value = "06 1234567"
        await press_button(pilot, "callback")
        await settled_view(pilot)
        notice = screen.query_one("#notice", Notice)
        assert "Richiesta registrata" in str(notice.render())
        assert in_view(pilot, notice)


async def test_too_early(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app, size=SIZE) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app, TOO_EARLY)
        await press_button(pilot, "lookup")
        await settled_view(pilot)
        assert in_view(pilot, screen.query_one("#refusal", Notice))


async def test_card_timeout(make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic) -> None:
    app = make_app(card_wait_seconds=300)
    async with running(app, size=SIZE) as pilot:
        screen = await to_bank(pilot)
        idle_clock.advance(301)
        notice = screen.query_one("#notice", Notice)
        await wait_for(pilot, lambda: "La banca non ha ancora confermato" in str(notice.render()))
        await settled_view(pilot)
        assert in_view(pilot, notice)


async def test_recovery_code_refused(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app, size=SIZE) as pilot:
        await pilot.click("#recovery")
        await settle_all(pilot)
        await press_button(pilot, "have-code")
        fill(
            app.screen,
            userid="avv.demo",
            code="12345678",
            password="Nuova-Password-1",
            password_confirm="Nuova-Password-1",
        )
        await press_button(pilot, "reset")
        await settled_view(pilot)
        notice = app.screen.query_one("#notice", Notice)
        assert "non valido o scaduto" in str(notice.render())
        assert in_view(pilot, notice)
