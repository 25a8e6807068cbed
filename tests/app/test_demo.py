"""The demo never destroys data: another day keeps what was done (and says the story's dates are
that other day's, and how to start again); only --reset rebuilds it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kiosk.clock import FixedClock
from kiosk.domain.model import PaymentMethod
from kiosk.factory import build_app
from kiosk.store.models import Order
from tests.app.conftest import RENEWABLE, FakeMonotonic, demo_settings, running
from tests.app.helpers import notice, settle_all


async def test_another_day_keeps_the_demo_and_says_so(
    data_dir: Path, clock: FixedClock, idle_clock: FakeMonotonic
) -> None:
    first = build_app(demo_settings(data_dir), clock=clock, monotonic=idle_clock, idle_poll=3600)
    async with running(first):
        services = await first.front_desk.services()
        order = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.BONIFICO)
        assert notice(first.screen) == ""  # made for today: nothing to say

    clock.advance(timedelta(days=2))
    later = build_app(demo_settings(data_dir), clock=clock, monotonic=idle_clock, idle_poll=3600)
    async with running(later) as pilot:
        await settle_all(pilot)
        assert await Order.filter(code=order.code).exists()  # nothing was rebuilt
        said = notice(later.screen)
        assert "Dati dimostrativi preparati per il 25/11/2026" in said
        assert "pec-kiosk --demo --reset" in said

    reset = build_app(
        demo_settings(data_dir), clock=clock, monotonic=idle_clock, idle_poll=3600, reset_demo=True
    )
    async with running(reset) as pilot:
        await settle_all(pilot)
        assert not await Order.filter(code=order.code).exists()
        assert notice(reset.screen) == ""
