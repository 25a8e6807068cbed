"""Running the kiosk under Pilot: a demo database per test, a fixed clock, a fake idle clock.

The demo database is built once per session (same fixed day) and copied for each test, so every
test starts from the documented demo story: avv.demo with one box renewable now, one too early,
one sospesa, one cessata, and prepaid credit for exactly one renewal.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.worker import Worker

from kiosk.app import KioskApp
from kiosk.clock import FixedClock
from kiosk.factory import build_app
from kiosk.settings import Settings
from tests.bank import free_port
from tests.conftest import CHEAP_HASHING, DATA, NOW
from tests.templates import demo_database

RENEWABLE = "maria.demo@pec.avvocatinocera.it"
TOO_EARLY = "m.demo@legalmail.it"
SOSPESA = "studio.demo@avvocatinocera.legalmail.it"
CESSATA = "archivio.demo@legalmail.it"
ROSSI = "giuseppe.rossi@pec.ordineavvocatisalerno.it"


class FakeMonotonic:
    """The idle timer's clock, moved by the test instead of by waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def demo_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "demo": True,
        "refdata_dir": DATA,
        **CHEAP_HASHING,
        "card_poll_seconds": 0.05,
        # the demo's in-process serve and sandbox bank: a port of its own, no scheduler
        "serve_port": free_port(),
        "serve_scheduler": False,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def demo_template() -> Path:
    """The demo database for NOW's day, built once for these sources (tests/templates.py)."""
    return demo_database()


@pytest.fixture
def data_dir(tmp_path: Path, demo_template: Path) -> Path:
    target = tmp_path / "kiosk-data"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(demo_template, target / "demo.sqlite3")
    return target


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def idle_clock() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def make_app(
    data_dir: Path, clock: FixedClock, idle_clock: FakeMonotonic
) -> Callable[..., KioskApp]:
    """`make_app(**settings_overrides)`: the kiosk on this test's demo database."""

    def make(**overrides: Any) -> KioskApp:
        # the idle check runs when a test calls it (`app.check_inactivity()`), never by itself
        return build_app(
            demo_settings(data_dir, **overrides), clock=clock, monotonic=idle_clock, idle_poll=3600
        )

    return make


@asynccontextmanager
async def running(app: KioskApp, size: tuple[int, int] = (80, 24)) -> AsyncIterator[Pilot[None]]:
    """Run the app as `pec-kiosk` does: the database context entered and closed around it."""
    app.front_desk.enter()
    try:
        async with app.run_test(size=size, notifications=True) as pilot:
            await app.front_desk.services()
            if app.settings.demo:  # the in-process serve and sandbox bank (build_app's default)
                await app.serve_started.wait()
            await pilot.pause()
            yield pilot
    finally:
        await app.front_desk.close()


# workers that run until told to stop: the desk's link to the database, the wait for the bank,
# the demo's in-process serve
LONG_RUNNING = ("database", "bank", "serve")


def short_workers(app: App[Any]) -> list[Worker[Any]]:
    """The workers that end by themselves (database calls), still running."""
    return [w for w in app.workers if w.group not in LONG_RUNNING and not w.is_finished]


async def workers_done(app: App[Any], workers: list[Worker[Any]] | None = None) -> None:
    """Wait for workers to end, however they end: a worker's error is the screen's to show
    (`Worker.wait` would raise it again here, but only if it was still running: a race)."""
    pending = short_workers(app) if workers is None else workers
    await asyncio.gather(*(w.wait() for w in pending), return_exceptions=True)


async def settle(pilot: Pilot[None]) -> None:
    """Wait for every worker (database calls) and the repaint that follows."""
    await workers_done(pilot.app)
    await pilot.pause()


async def log_in(
    pilot: Pilot[None], userid: str = "avv.demo", password: str = "Rinnovo2026!"
) -> None:
    await pilot.click("#login")
    await pilot.pause()
    pilot.app.screen.query_one("#userid").value = userid  # type: ignore[attr-defined]
    pilot.app.screen.query_one("#password").value = password  # type: ignore[attr-defined]
    await pilot.click("#submit")
    await settle(pilot)
