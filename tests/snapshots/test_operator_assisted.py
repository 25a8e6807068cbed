"""Snapshots of the assisted renewal and the walk-in hand-over, at 80x24 and 120x40.

Frozen as tests/snapshots/test_screens.py freezes the kiosk (see conftest: the day, the order
codes, the cursor). The operator is operatore.demo; the lawyer avv.demo, whose suspended box is
renewed with the assisted fee.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.widgets import OptionList

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from screens.operator.assisted import METHODS, AssistedRenewalScreen
from tests.app.conftest import SOSPESA, FakeMonotonic
from tests.snapshots.driver import Driver, driven

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
OP, OP_PASSWORD = "operatore.demo", "Sportello2026!"
Steps = Callable[[Driver], Awaitable[None]]
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_operator_assisted"


async def as_operator(k: Driver) -> None:
    """operatore.demo's session, on the assisted renewal of avv.demo's suspended box."""
    from screens.messages import SessionStarted

    services = await k.app.front_desk.services()
    user = await services.auth.login(OP, OP_PASSWORD)
    k.app.post_message(SessionStarted(user))
    await k.settle()
    await k.app.push_screen(AssistedRenewalScreen("avv.demo", SOSPESA))
    await k.settle()


async def choose(k: Driver, method: PaymentMethod) -> None:
    methods = k.app.screen.query_one("#methods", OptionList)
    methods.focus()
    methods.highlighted = METHODS.index(method)
    await k.pilot.pause(0)
    methods.action_select()
    await k.settle()


async def _quote(k: Driver) -> None:
    await as_operator(k)


async def _cheque_form(k: Driver) -> None:
    await as_operator(k)
    await choose(k, PaymentMethod.ASSEGNO)
    k.fill(cheque_bank="Banca Popolare", cheque_number="0123456789", cheque_drawer="")


async def _result_cheque(k: Driver) -> None:
    await as_operator(k)
    await choose(k, PaymentMethod.ASSEGNO)
    k.fill(cheque_bank="Banca Popolare", cheque_number="0123456789", cheque_drawer="Maria Demo")
    await k.press("#confirm")


async def _handover_login(k: Driver) -> None:
    await k.start_session()
    await k.press("#call-operator")
    k.fill(userid=OP)


async def _handover_banner(k: Driver) -> None:
    await k.start_session()
    await k.press("#call-operator")
    k.fill(userid=OP, password=OP_PASSWORD)
    await k.submit_in("password")


STATES: dict[str, Steps] = {
    "assisted_quote": _quote,
    "assisted_cheque_form": _cheque_form,
    "assisted_result_cheque": _result_cheque,
    "handover_login": _handover_login,
    "handover_banner": _handover_banner,
}


@pytest.mark.parametrize("size", [pytest.param(v, id=k) for k, v in SIZES.items()])
@pytest.mark.parametrize("name", list(STATES))
def test_operator_screen(
    name: str,
    size: tuple[int, int],
    snap_compare: Callable[..., bool],
    snapshot_app: Callable[..., KioskApp],
    idle_clock: FakeMonotonic,
) -> None:
    app = snapshot_app()

    run_before = driven(idle_clock, STATES[name])
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_every_snapshot_file_belongs_to_a_state() -> None:
    expected = {f"test_operator_screen[{n}-{s}].svg" for n in STATES for s in SIZES}
    kept = {p.name for p in SNAPSHOTS.iterdir()} if SNAPSHOTS.exists() else set()
    assert not kept - expected, f"snapshots no test uses: {sorted(kept - expected)}"
