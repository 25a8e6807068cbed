"""Snapshots of the administration's screens (Ricarica conto, Conferma pagamento, Estratti
conto, Operatori), at 80x24 and 120x40, with the demo's administrator, on 25 November 2026 at
10:00 in Rome (the fixtures of test_screens: fixed clock, fixed order codes, steady cursor).

Update with `pytest tests/snapshots/test_operator_admin.py --snapshot-update` (no -n).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from screens.messages import SessionStarted
from screens.operator.confirm_payment import ConfirmPaymentScreen
from screens.operator.operators import OperatorsScreen
from screens.operator.statements import StatementsScreen
from screens.operator.topup import TopUpScreen
from tests.app.conftest import SOSPESA, FakeMonotonic
from tests.snapshots.conftest import ORDER_CODE
from tests.snapshots.driver import Driver, driven, stale_snapshots
from tests.statements import camt, credit

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
ADMIN, ADMIN_PASSWORD = "admin.demo", "Amministra2026!"
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_operator_admin"
STATEMENT = Path("/tmp/admin-snapshot-estratto.xml")  # a fixed path: it is shown on screen


@dataclass(frozen=True)
class State:
    name: str
    steps: Callable[[Driver], Awaitable[None]]


async def open_as_admin(k: Driver, screen: Screen[Any]) -> None:
    services = await k.app.front_desk.services()
    k.app.post_message(SessionStarted(await services.auth.login(ADMIN, ADMIN_PASSWORD)))
    await k.settle()
    await k.app.push_screen(screen)
    await k.settle()


async def _topup(k: Driver) -> None:
    await open_as_admin(k, TopUpScreen())


async def _topup_confirm(k: Driver) -> None:
    await open_as_admin(k, TopUpScreen())
    k.fill(userid="avv.demo", amount="50,00", reference="CRO 991", note="contanti allo sportello")
    await k.press("#topup")


async def _topup_errors(k: Driver) -> None:
    await open_as_admin(k, TopUpScreen())
    k.fill(userid="avv demo", amount="cinquanta")
    await k.press("#topup")


async def _confirm_order(k: Driver) -> None:
    services = await k.app.front_desk.services()
    order = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    assert order.code == ORDER_CODE
    await open_as_admin(k, ConfirmPaymentScreen())
    k.fill(code=ORDER_CODE.lower())
    await k.settle()  # the code checked as typed: Cerca ordine enabled
    await k.press("#find")


async def _confirm_typo(k: Driver) -> None:
    await open_as_admin(k, ConfirmPaymentScreen())
    wrong = "A" if ORDER_CODE[-1] != "A" else "B"
    k.fill(code=ORDER_CODE[:-1] + wrong)
    await k.settle()


async def _statements(k: Driver) -> None:
    services = await k.app.front_desk.services()
    await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    data = camt(
        credit("REF-A", "30.50", "rinnovo pec avv demo")
        + credit("REF-B", "2.00", f"rinnovo {ORDER_CODE}")
        + credit("REF-C", "29.50", f"rinnovo {ORDER_CODE}")
    )
    partial = STATEMENT.with_name(f"{STATEMENT.name}.{os.getpid()}")
    partial.write_bytes(data)
    partial.replace(STATEMENT)  # whole, even with another test writing it at the same time
    await open_as_admin(k, StatementsScreen())
    k.fill(path=str(STATEMENT))
    await k.press("#import")
    screen = k.app.screen
    assert isinstance(screen, StatementsScreen)
    screen.query_one("#lines", DataTable).move_cursor(row=0, animate=False)
    screen.focus_soon("#lines")  # the screen's own focus: the import's notice gives way
    await k.settle()
    # The page from its top, once laid out. Where the scroll stood before depended on what ran
    # first under load (the notice bringing itself into view, the list growing by its rows),
    # and bringing the list into view from there gave different pictures.
    screen.query_one("#body").scroll_home(animate=False, immediate=True)
    await k.settle()


async def _operators(k: Driver) -> None:
    await open_as_admin(k, OperatorsScreen())


async def _operators_add(k: Driver) -> None:
    await open_as_admin(k, OperatorsScreen())
    table = k.app.screen.query_one("#staff", DataTable)
    table.move_cursor(row=1, animate=False)
    await k.press("#toggle")
    await k.press("#yes")
    await k.press("#add")
    k.fill(new_userid="sportello.tre", nominativo="Piero Gialli", email="p@example.org")


STATES = [
    State("topup", _topup),
    State("topup_confirm", _topup_confirm),
    State("topup_errors", _topup_errors),
    State("confirm_payment_order", _confirm_order),
    State("confirm_payment_typo", _confirm_typo),
    State("statements_exceptions", _statements),
    State("operators", _operators),
    State("operators_disabled_and_add", _operators_add),
]


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("screen_state", [pytest.param(s, id=s.name) for s in STATES])
def test_admin_screen(
    screen_state: State,
    size: tuple[int, int],
    snap_compare: Callable[..., bool],
    snapshot_app: Callable[..., KioskApp],
    idle_clock: FakeMonotonic,
) -> None:
    app = snapshot_app()

    run_before = driven(idle_clock, screen_state.steps)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_every_snapshot_file_belongs_to_a_state() -> None:
    if not SNAPSHOTS.exists():
        pytest.skip("no snapshots yet: run with --snapshot-update")
    expected = {f"test_admin_screen[{s.name}-{size}].svg" for s in STATES for size in SIZES}
    stale = stale_snapshots(SNAPSHOTS, expected)
    assert not stale, f"snapshots no test uses: {stale}"
