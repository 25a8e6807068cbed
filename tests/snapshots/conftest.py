"""Snapshot tests: the kiosk's screens, frozen in time, at 80x24 and 120x40.

Everything that could differ between two runs is pinned here: the day (FixedClock), the idle
timer (FakeMonotonic), the order code (normally random), the card-payment countdown (time.monotonic
in screens.card_payment) and the blinking cursor of every Input.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.domain import ordercode

# the demo database per test, the fixed clock and the fake idle clock of the Pilot tests
from tests.app.conftest import (  # noqa: F401  (fixtures)
    clock,
    data_dir,
    demo_template,
    idle_clock,
    make_app,
)

ORDER_BODY = "K7Q2X3"
ORDER_CODE = ordercode.PREFIX + ORDER_BODY + ordercode.check_char(ORDER_BODY)


def _cursor_always_on(self: Input) -> None:
    """Input's blink timer callback, frozen: a focused input always shows its cursor."""
    self._cursor_visible = True


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    assert ordercode.is_valid(ORDER_CODE)
    monkeypatch.setattr(ordercode, "generate", lambda *args, **kwargs: ORDER_CODE)
    monkeypatch.setattr(Input, "_toggle_cursor", _cursor_always_on)
    # the card screen's countdown reads time.monotonic: stand it still (only in that module)
    monkeypatch.setattr(
        "screens.card_payment.time", types.SimpleNamespace(monotonic=lambda: 5000.0)
    )
    yield


def returning_value(app: KioskApp) -> KioskApp:
    """Make `app.run()` return the app's return value (the screenshot of `snap_compare`).

    KioskApp.run_async wraps App.run_async for the database's lifecycle but drops its return
    value, so App.run() returns None and Textual's take_svg_screenshot fails.
    """
    run_async = app.run_async

    async def run_and_return(**kwargs: Any) -> Any:
        await run_async(**kwargs)
        return app.return_value

    app.run_async = run_and_return  # type: ignore[method-assign]
    return app
