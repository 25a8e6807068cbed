"""Snapshot tests: the kiosk's screens, frozen in time, at 80x24 and 120x40.

Everything that could differ between two runs is pinned here: the day (FixedClock), the kiosk's
own clock for the idle timer and the card-payment countdown (FakeMonotonic), the order code
(normally random) and the blinking cursor of every Input.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.clock import FixedClock
from kiosk.domain import ordercode
from kiosk.factory import build_app
from kiosk.payments import sandbox
from kiosk.services import auth, registration
from tests.app import conftest as app_tests
from tests.app.conftest import FakeMonotonic, demo_settings

# the Pilot tests' fixtures: the demo database copied per test, the fixed clock, the idle clock
demo_template = app_tests.demo_template
data_dir = app_tests.data_dir
clock = app_tests.clock
idle_clock = app_tests.idle_clock

SECRET_KEY = "snapshots-are-the-same-every-time-0123456789"
ORDER_BODY = "K7Q2X3"
ORDER_CODE = ordercode.PREFIX + ORDER_BODY + ordercode.check_char(ORDER_BODY)


def _cursor_always_on(self: Input) -> None:
    """Input's blink timer callback, frozen: a focused input always shows its cursor."""
    self._cursor_visible = True


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ordercode.is_valid(ORDER_CODE)
    # the first order of a state gets ORDER_CODE, the next ones other fixed codes
    bodies = iter([ORDER_BODY, *(f"K7Q2X{d}" for d in "456789")])

    def next_code(*args: object, **kwargs: object) -> str:
        body = next(bodies)
        return ordercode.PREFIX + body + ordercode.check_char(body)

    monkeypatch.setattr(ordercode, "generate", next_code)
    monkeypatch.setattr(Input, "_toggle_cursor", _cursor_always_on)
    # e-mailed codes: one nonce, and (snapshot_app) one key, so one code on screen
    for module in (auth, registration):
        monkeypatch.setattr(module, "new_nonce", lambda: "snapshot-nonce")
    # the sandbox bank's payment page: one token
    monkeypatch.setattr(sandbox, "new_token", lambda: "SnapshotToken0123456789")


@pytest.fixture
def snapshot_app(
    data_dir: Path, clock: FixedClock, idle_clock: FakeMonotonic
) -> Callable[..., KioskApp]:
    """`snapshot_app(**settings)`: the kiosk on this test's demo database.

    The idle check never runs by itself here (a state that needs it calls it): every timer
    wake-up would delay Pilot's "is the app idle yet?" wait, which each key and snapshot does.
    """

    def make(**overrides: Any) -> KioskApp:
        # the link as the demo shows it (the sandbox itself listens on a port of the test's)
        overrides.setdefault("bank_public_url", "http://127.0.0.1:8770/bank")
        settings = demo_settings(data_dir, secret_key=SECRET_KEY, **overrides)
        return build_app(settings, clock=clock, monotonic=idle_clock, idle_poll=3600)

    return make
