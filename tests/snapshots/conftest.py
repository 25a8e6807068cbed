"""Snapshot tests: the kiosk's screens, frozen in time, at 80x24 and 120x40.

Everything that could differ between two runs is pinned here: the day (FixedClock), the idle
timer (FakeMonotonic), the order code (normally random), the card-payment countdown (time.monotonic
in screens.card_payment) and the blinking cursor of every Input.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.clock import FixedClock
from kiosk.domain import ordercode
from kiosk.factory import build_app
from tests.app import conftest as app_tests
from tests.app.conftest import FakeMonotonic, demo_settings

# the Pilot tests' fixtures: the demo database copied per test, the fixed clock, the idle clock
demo_template = app_tests.demo_template
data_dir = app_tests.data_dir
clock = app_tests.clock
idle_clock = app_tests.idle_clock

ORDER_BODY = "K7Q2X3"
ORDER_CODE = ordercode.PREFIX + ORDER_BODY + ordercode.check_char(ORDER_BODY)


def _cursor_always_on(self: Input) -> None:
    """Input's blink timer callback, frozen: a focused input always shows its cursor."""
    self._cursor_visible = True


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ordercode.is_valid(ORDER_CODE)
    monkeypatch.setattr(ordercode, "generate", lambda *args, **kwargs: ORDER_CODE)
    monkeypatch.setattr(Input, "_toggle_cursor", _cursor_always_on)
    # the card screen's countdown reads time.monotonic: stand it still (only in that module)
    monkeypatch.setattr(
        "screens.card_payment.time", types.SimpleNamespace(monotonic=lambda: 5000.0)
    )


@pytest.fixture
def snapshot_app(
    data_dir: Path, clock: FixedClock, idle_clock: FakeMonotonic
) -> Callable[..., KioskApp]:
    """`snapshot_app(idle_poll=0.5, **settings)`: the kiosk on this test's demo database.

    The idle check polls at the kiosk's own pace (0.5 s) unless a test needs it faster: every
    wake-up delays Pilot's "is the app idle yet?" wait, which each key press and snapshot does.
    """

    def make(*, idle_poll: float = 0.5, **overrides: Any) -> KioskApp:
        app = build_app(
            demo_settings(data_dir, **overrides),
            clock=clock,
            idle_clock=idle_clock,
            idle_poll=idle_poll,
        )
        return app

    return make
