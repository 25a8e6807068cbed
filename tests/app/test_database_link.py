"""The kiosk survives its database: down at start, lost in the middle of a session, held locked by
another process. It says so in one place (the banner), keeps what was typed, tries again with
backoff, and carries on by itself when the database is back, without a restart.

Run against a PostgreSQL server of the test's own (stopped and started again) and a SQLite file
locked by another process.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.app import KioskApp
from kiosk.clock import FixedClock
from kiosk.domain.model import OrderStatus
from kiosk.factory import build_app
from kiosk.services.port import Link
from kiosk.services.runtime import open_services
from kiosk.services.setup import load_demo
from kiosk.settings import Settings
from screens.mailboxes import MailboxesScreen
from screens.renewal import RenewalScreen
from screens.result import ResultScreen
from screens.widgets.link_banner import LinkBanner
from tests.app.conftest import RENEWABLE, FakeMonotonic, demo_settings
from tests.app.helpers import (
    choose_payment,
    is_shown,
    plain,
    press_button,
    screen_dump,
    settle_all,
    wait_for,
)
from tests.conftest import DATA
from tests.pgcluster import Cluster, private_cluster

pytestmark = pytest.mark.serial
FAST_LINK: dict[str, Any] = {"db_retry_seconds": 0.2, "db_lock_timeout": 0.3}


def banner(app: KioskApp) -> str:
    widget = app.screen.query_one(LinkBanner)
    return str(widget.render()) if is_shown(widget) else ""


@asynccontextmanager
async def started(app: KioskApp) -> AsyncIterator[Pilot[None]]:
    """Run the app without waiting for its database (it may not be there)."""
    app.front_desk.enter()
    try:
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await pilot.pause()
            yield pilot
    finally:
        await app.front_desk.close()


# --- PostgreSQL stopped and started again --------------------------------------------------


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with private_cluster() as pg:
        yield pg


def pg_settings(cluster: Cluster, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "kiosk-data",
        database_url=cluster.url,
        refdata_dir=DATA,
        password_time_cost=1,
        password_memory_kib=1024,
        test_mode=True,
        **FAST_LINK,
    )


async def test_postgres_down_at_start_then_back_then_lost_mid_session(
    cluster: Cluster, tmp_path: Path, clock: FixedClock, idle_clock: FakeMonotonic
) -> None:
    settings = pg_settings(cluster, tmp_path)
    async with open_services(settings, clock) as services:
        await load_demo(services.ctx)
    await asyncio.to_thread(cluster.stop)

    app = build_app(settings, clock=clock, monotonic=idle_clock, idle_poll=3600)
    async with started(app) as pilot:
        # down at start: the welcome page is there, and says the database is not
        await wait_for(pilot, lambda: app.link.link is Link.DOWN, limit=20)
        assert "il database non risponde" in banner(app)
        assert "Nuovo tentativo tra" in banner(app)
        await pilot.click("#login")
        await settle_all(pilot)
        app.screen.query_one("#userid", Input).value = "avv.demo"
        app.screen.query_one("#password", Input).value = "Rinnovo2026!"
        await press_button(pilot, "submit")
        assert app.session is None  # refused, nothing typed is lost
        assert app.screen.query_one("#userid", Input).value == "avv.demo"
        assert app.screen.query_one("#password", Input).value == "Rinnovo2026!"
        assert "il database non risponde" in banner(app)

        # back: the kiosk notices by itself, no restart
        await asyncio.to_thread(cluster.start)
        await wait_for(pilot, lambda: app.link.link is Link.READY, limit=30)
        await settle_all(pilot)
        assert banner(app) == ""
        await press_button(pilot, "submit")  # sent again as it was typed
        assert isinstance(app.screen, MailboxesScreen)

        # lost in the middle of a session: the PEC typed on Rinnova stays
        renewal = RenewalScreen()
        await app.push_screen(renewal)
        await settle_all(pilot)
        renewal.query_one("#pec", Input).value = RENEWABLE
        await asyncio.to_thread(cluster.stop)
        await press_button(pilot, "lookup")
        assert app.link.link is Link.DOWN
        assert "il database non risponde" in banner(app)
        assert renewal.query_one("#pec", Input).value == RENEWABLE
        assert not renewal.query("#quote")

        await asyncio.to_thread(cluster.start)
        await wait_for(pilot, lambda: app.link.link is Link.READY, limit=30)
        await settle_all(pilot)
        assert banner(app) == ""
        await press_button(pilot, "lookup")  # the same screen, the same field, now it works
        assert renewal.query("#quote")
        assert "18,30" in plain(renewal.query_one("#quote"))


# --- SQLite held locked by another process --------------------------------------------------

LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
"""


class Locker:
    """Another process holding the SQLite file's write lock until released."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


def demo_app(
    data_dir: Path, clock: FixedClock, idle_clock: FakeMonotonic, **extra: Any
) -> KioskApp:
    settings = demo_settings(data_dir, **FAST_LINK, **extra)
    return build_app(settings, clock=clock, monotonic=idle_clock, idle_poll=3600)


async def test_sqlite_locked_at_start_the_kiosk_opens_and_waits_to_write(
    data_dir: Path, clock: FixedClock, idle_clock: FakeMonotonic
) -> None:
    """Another process holds the write lock: opening the kiosk only reads (no write at start),
    so it opens; the first write (a login is audited) waits, says "occupato", and goes through
    once the other process lets go."""
    locker = Locker(data_dir / "demo.sqlite3")
    try:
        app = demo_app(data_dir, clock, idle_clock)
        async with started(app) as pilot:
            await wait_for(pilot, lambda: app.link.link is Link.READY, limit=20)
            await pilot.click("#login")
            await settle_all(pilot)
            app.screen.query_one("#userid", Input).value = "avv.demo"
            app.screen.query_one("#password", Input).value = "Rinnovo2026!"
            await press_button(pilot, "submit")
            assert app.session is None
            assert app.link.link is Link.BUSY
            assert "Database occupato" in banner(app)
            painted = screen_dump(app).splitlines()
            assert "Rinnovo PEC" in painted[0] and "Database occupato" in painted[1]  # both seen
            assert app.screen.query_one("#userid", Input).value == "avv.demo"
            assert app.screen.query_one("#password", Input).value == "Rinnovo2026!"
            locker.release()
            await wait_for(pilot, lambda: app.link.link is Link.READY, limit=20)
            await settle_all(pilot)
            assert banner(app) == ""
            await press_button(pilot, "submit")
            assert isinstance(app.screen, MailboxesScreen)
    finally:
        if locker.process.poll() is None:
            locker.release()


async def test_sqlite_locked_mid_session_the_payment_waits_and_then_goes_through(
    data_dir: Path, clock: FixedClock, idle_clock: FakeMonotonic
) -> None:
    app = demo_app(data_dir, clock, idle_clock)
    async with started(app) as pilot:
        await wait_for(pilot, lambda: app.link.link is Link.READY, limit=20)
        choice = await choose_payment(pilot, RENEWABLE)
        await press_button(pilot, "prepaid")
        locker = Locker(data_dir / "demo.sqlite3")
        try:
            await press_button(pilot, "confirm-prepaid")
            assert app.screen is choice  # nothing paid, nothing lost
            assert app.link.link is Link.BUSY
            assert "Database occupato" in banner(app)
        finally:
            locker.release()
        await wait_for(pilot, lambda: app.link.link is Link.READY, limit=20)
        await settle_all(pilot)
        assert banner(app) == ""
        await press_button(pilot, "confirm-prepaid")
        result = app.screen
        assert isinstance(result, ResultScreen)
        assert result.order.status is OrderStatus.PAID
