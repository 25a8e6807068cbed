"""Snapshots of the operator workspace, at 80x24 and at 120x40: as the operator lands on it,
with results, and with none. Reached through the login screen with the demo operator, on a
fresh copy of the demo database, on 25 November 2026 at 10:00 in Rome (tests/snapshots'
frozen clock and driver). Update with
`pytest tests/snapshots/test_operator_workspace.py --snapshot-update`, then look at the SVGs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from kiosk.app import KioskApp
from screens.operator.workspace import WorkspaceScreen
from tests.app.conftest import FakeMonotonic
from tests.snapshots.driver import Driver, driven, stale_snapshots

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
OPERATOR, PASSWORD = "operatore.demo", "Sportello2026!"


async def _landed(k: Driver) -> None:
    await k.log_in(OPERATOR, PASSWORD)
    assert isinstance(k.app.screen, WorkspaceScreen)


async def _results(k: Driver) -> None:
    await _landed(k)
    await k.keys(*"avv.")  # avv.demo (four boxes) and avv.rossi


async def _no_result(k: Driver) -> None:
    await _landed(k)
    await k.keys(*"zzz")


STATES: dict[str, Callable[[Driver], Awaitable[None]]] = {
    "workspace": _landed,
    "workspace_results": _results,
    "workspace_no_result": _no_result,
}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("state", STATES, ids=list(STATES))
def test_workspace(
    state: str,
    size: tuple[int, int],
    snap_compare: Callable[..., bool],
    snapshot_app: Callable[..., KioskApp],
    idle_clock: FakeMonotonic,
) -> None:
    app = snapshot_app()

    run_before = driven(idle_clock, STATES[state])
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_every_snapshot_file_belongs_to_a_state() -> None:
    """No stale SVG (syrupy misses them under xdist; see test_snapshot_files.py)."""
    from pathlib import Path

    folder = Path(__file__).parent / "__snapshots__" / "test_operator_workspace"
    expected = {f"test_workspace[{s}-{size}].svg" for s in STATES for size in SIZES}
    stale = stale_snapshots(folder, expected)
    assert not stale, f"snapshots no test uses: {stale}"
