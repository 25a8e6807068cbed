"""Snapshots of the operator's subscriber page: each tab, at 80x24 and 120x40, and the
confirmation asked before an order is cancelled (the approach of test_screens: the demo
database, the frozen clock and order codes of tests/snapshots/conftest.py).

Update with `pytest tests/snapshots/test_operator_subscriber.py --snapshot-update` (no -n),
then look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, TabbedContent

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from screens.operator.subscriber import SubscriberScreen
from tests.app.conftest import CESSATA, RENEWABLE, SOSPESA, FakeMonotonic
from tests.snapshots.driver import Driver

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
TABS = ("mailboxes", "ledger", "orders", "invoices", "callbacks", "audit")
STATES = [*TABS, "confirm_cancel"]


async def open_page(k: Driver) -> None:
    """The operator's session, and avv.demo's page with a paid prepaid renewal (invoice,
    ledger), a bonifico order awaiting payment and a callback request."""
    from screens.messages import SessionStarted

    services = await k.app.front_desk.services()
    await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    await services.accounts.request_callback(CESSATA, phone="06 1234567", userid="avv.demo")
    user = await services.auth.login("operatore.demo", "Sportello2026!")
    k.app.post_message(SessionStarted(user))
    await k.settle()
    await k.app.push_screen(SubscriberScreen("avv.demo"))
    await k.settle()


async def show_tab(k: Driver, tab: str) -> None:
    k.app.screen.query_one("#tabs", TabbedContent).active = f"tab-{tab}"
    await k.settle()
    k.app.screen.query_one(f"#{tab}", DataTable).focus()
    await k.settle()


@pytest.mark.parametrize("size", [pytest.param(v, id=k) for k, v in SIZES.items()])
@pytest.mark.parametrize("state", STATES)
def test_subscriber_page(
    state: str,
    size: tuple[int, int],
    snap_compare: Callable[..., bool],
    snapshot_app: Callable[..., KioskApp],
    idle_clock: FakeMonotonic,
) -> None:
    app = snapshot_app()

    async def run_before(pilot: Pilot[None]) -> None:
        k = Driver(pilot, idle_clock)
        await k.start()
        await open_page(k)
        if state == "confirm_cancel":
            await show_tab(k, "orders")
            await k.keys("x")
        else:
            await show_tab(k, state)
        await k.finish()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
