"""Opening the program's database: the one path the CLI, the kiosk and the tests start from.

Tortoise 1.x keeps its connections in a context variable. The CLI and the tests *enter* the
context in the task that runs them (`open_services`, `FrontDesk.enter`); the kiosk enters it in
its database worker after the first paint and runs every call in a copy of that context
(`FrontDesk._call`). It is *closed* by whoever opened it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import refdata
from kiosk.clock import Clock
from kiosk.refdata import ReferenceData

if TYPE_CHECKING:  # the ORM is imported when the database is opened, after the kiosk's first paint
    from kiosk.payments.gateway import CardGateway
    from kiosk.services.context import ServiceContext
    from kiosk.services.facade import Services
    from kiosk.settings import Settings


def make_context(
    settings: Settings, clock: Clock | None = None, reference: ReferenceData | None = None
) -> ServiceContext:
    from kiosk.services.context import ServiceContext

    return ServiceContext.build(
        clock or settings.clock(), reference or refdata.load(settings.refdata_dir), settings
    )


def demo_path(settings: Settings) -> Path:
    return settings.data_dir / "demo.sqlite3"


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


class ServiceHandle:
    """The database and services of one process, opened in three steps (see module doc)."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock | None = None,
        *,
        reset_demo: bool = False,
        gateway: CardGateway | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.reset_demo = reset_demo
        self.gateway = gateway  # None: the bank the settings name
        self._tortoise: object | None = None
        self._context: ServiceContext | None = None

    @cached_property
    def refdata(self) -> ReferenceData:
        """Areas, prices, payee and contacts (the welcome screen shows them before connecting)."""
        return refdata.load(self.settings.refdata_dir)

    @property
    def entered(self) -> bool:
        return self._tortoise is not None

    def join(self) -> None:
        """Make the calling task see the context entered elsewhere (a test or a tool reading
        the database beside the kiosk, whose worker entered it)."""
        from tortoise.context import TortoiseContext, get_current_context

        assert isinstance(self._tortoise, TortoiseContext), "enter() first"
        if get_current_context() is not self._tortoise:
            self._tortoise.__enter__()

    def enter(self) -> None:
        from tortoise.context import TortoiseContext

        tortoise = TortoiseContext()
        tortoise.__enter__()
        self._tortoise = tortoise

    async def connect(self) -> Services:
        """Migrate, sync the reference data, build the demo if needed; return the services.

        May be called again after a failure (the database was down): each step is idempotent.
        """
        from tortoise.context import TortoiseContext

        from kiosk.services.facade import Services
        from kiosk.services.setup import demo_built_for, load_demo, sync_reference_data
        from kiosk.store.db import migrate, tortoise_config

        assert isinstance(self._tortoise, TortoiseContext), "enter() first"
        ctx = self._context
        if ctx is None:
            ctx = make_context(self.settings, self.clock, self.refdata)
            if self.settings.demo and self.reset_demo:  # only when asked: never data lost
                remove_sqlite(demo_path(self.settings))
            self._context = ctx
        lock_timeout = self.settings.db_lock_timeout
        await migrate(self.settings.db_url, lock_timeout=lock_timeout)
        if not self._tortoise.inited:
            await self._tortoise.init(
                config=tortoise_config(self.settings.db_url, lock_timeout=lock_timeout)
            )
        await sync_reference_data(ctx)
        if self.settings.demo and await demo_built_for() is None:
            await load_demo(ctx)
        return Services(ctx, self.gateway)

    async def close(self) -> None:
        from tortoise.context import TortoiseContext

        tortoise, self._tortoise = self._tortoise, None
        if not isinstance(tortoise, TortoiseContext):
            return
        await tortoise.close_connections()
        # closed from a copy of the entering context (pytest fixtures): that copy is discarded
        with contextlib.suppress(ValueError):
            tortoise.__exit__(None, None, None)


@asynccontextmanager
async def open_services(
    settings: Settings,
    clock: Clock | None = None,
    *,
    reset_demo: bool = False,
    gateway: CardGateway | None = None,
) -> AsyncIterator[Services]:
    """The database for the life of the block (CLI commands, tests)."""
    handle = ServiceHandle(settings, clock, reset_demo=reset_demo, gateway=gateway)
    handle.enter()
    try:
        yield await handle.connect()
    finally:
        await handle.close()
