"""Snapshots of the help desk's queue screens (Richiamate, Scadenze, Incassi) at 80x24 and
120x40, with the demo operator's session, on the suite's frozen day (25 November 2026, 10:00).

Update with `pytest tests/snapshots/test_operator_queues.py --snapshot-update` (no -n).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from screens.messages import SessionStarted
from screens.operator.callbacks import CallbackQueueScreen
from screens.operator.radar import ExpiryRadarScreen
from screens.operator.takings import TakingsScreen
from tests.app.conftest import CESSATA, SOSPESA, FakeMonotonic
from tests.snapshots.driver import Driver, driven

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
OPERATOR, PASSWORD = "operatore.demo", "Sportello2026!"
Steps = Callable[[Driver], Awaitable[None]]


async def open_screen(k: Driver, screen: Screen[Any]) -> None:
    services = await k.app.front_desk.services()
    user = await services.auth.login(OPERATOR, PASSWORD)
    k.app.post_message(SessionStarted(user))
    await k.settle()
    await k.app.push_screen(screen)
    await k.settle()


async def callbacks_taken(k: Driver) -> None:
    services = await k.app.front_desk.services()
    await services.accounts.request_callback(CESSATA, phone="081 1234567", userid="avv.demo")
    await services.callbacks.take(OPERATOR, CESSATA)
    await services.callbacks.add_note(OPERATOR, CESSATA, "Non risponde: riprovare nel pomeriggio")
    await open_screen(k, CallbackQueueScreen())
    k.app.screen.query_one("#queue", DataTable).focus()
    await k.settle()


async def radar_selected(k: Driver) -> None:
    await open_screen(k, ExpiryRadarScreen())
    screen = k.app.screen
    screen.query_one("#area", Select).value = "avvocatinocera.lextel.it"
    await k.settle()  # the radar of that area (30 days)
    screen.query_one("#days", Input).value = "365"
    await k.press("#scan")
    screen.query_one("#radar", DataTable).focus()
    await k.keys("space")


async def takings_today(k: Driver) -> None:
    services = await k.app.front_desk.services()
    order = await services.renewals.place_order(
        "avv.demo", SOSPESA, PaymentMethod.BONIFICO, operator=OPERATOR
    )
    await services.payments.confirm(order.code, order.total_cents, "CRO 0001", actor="admin.demo")
    await open_screen(k, TakingsScreen())


STATES: dict[str, Steps] = {
    "callbacks": callbacks_taken,
    "radar": radar_selected,
    "takings": takings_today,
}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("state", STATES.keys())
def test_operator_screen(
    state: str,
    size: tuple[int, int],
    snap_compare: Callable[..., bool],
    snapshot_app: Callable[..., KioskApp],
    idle_clock: FakeMonotonic,
) -> None:
    app = snapshot_app()

    run_before = driven(idle_clock, STATES[state])
    assert snap_compare(app, terminal_size=size, run_before=run_before)
