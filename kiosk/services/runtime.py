"""Opening the program's database: the one place the CLI, the app and the tests start from."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from kiosk import refdata
from kiosk.clock import Clock
from kiosk.services import ServiceContext, Services
from kiosk.services.setup import DEMO_FACT, demo_built_for, load_demo, sync_reference_data
from kiosk.settings import Settings
from kiosk.store.db import database


def make_context(settings: Settings, clock: Clock | None = None) -> ServiceContext:
    return ServiceContext.build(
        clock or settings.clock(), refdata.load(settings.refdata_dir), settings
    )


def demo_path(settings: Settings) -> Path:
    return settings.data_dir / "demo.sqlite3"


def _demo_day_on_disk(path: Path) -> date | None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT value FROM kiosk_meta WHERE key = ?", (DEMO_FACT,)
            ).fetchone()
    except sqlite3.Error:
        return None
    return date.fromisoformat(row[0]) if row else None


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@asynccontextmanager
async def open_services(
    settings: Settings, clock: Clock | None = None, *, reset_demo: bool = False
) -> AsyncIterator[Services]:
    """Migrate, sync reference data, (demo) build the demo dataset, and yield the services.

    The demo database is rebuilt when asked (`--reset`) or when it was built for another day, so
    its story (one box renewable now, one too early, one sospesa, one cessata) is always true.
    """
    ctx = make_context(settings, clock)
    if settings.demo:
        path = demo_path(settings)
        if reset_demo or (path.exists() and _demo_day_on_disk(path) != ctx.clock.today()):
            remove_sqlite(path)
    async with database(settings.db_url):
        await sync_reference_data(ctx)
        if settings.demo and await demo_built_for() is None:
            await load_demo(ctx)
        yield Services(ctx)
