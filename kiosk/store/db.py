"""Connection set-up: one Tortoise context per process, migrated on start.

Tortoise 1.x keeps its connections in a context variable, so the database is opened in the task
that runs the program (around `app.run_async()`, or around a test), never in a Textual handler.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext

MODELS = "kiosk.store.models"
MIGRATIONS = "kiosk.store.migrations"
APP = "models"


def tortoise_config(url: str) -> dict[str, Any]:
    """The Tortoise config for a `sqlite://PATH` or `postgres://...` URL."""
    connection = expand_db_url(url)
    # Tortoise caches compiled INSERT/DELETE statements per connection *name* (EXECUTOR_CACHE):
    # naming the connection after its dialect keeps SQLite's "?" statements away from PostgreSQL
    # when one process opens both (the test suite does).
    name = "sqlite" if connection["engine"] == "tortoise.backends.sqlite" else "postgres"
    if connection["engine"] == "tortoise.backends.sqlite":
        connection["engine"] = "kiosk.store.sqlite_engine"
        path = connection["credentials"]["file_path"]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {name: connection},
        "apps": {APP: {"models": [MODELS], "migrations": MIGRATIONS, "default_connection": name}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def migrate(url: str) -> None:
    """Apply the committed migrations (idempotent), in a context of its own."""
    from tortoise.migrations.api import migrate as run_migrations

    config = tortoise_config(url)
    async with TortoiseContext():
        await run_migrations(config=config)


@asynccontextmanager
async def database(url: str, *, apply_migrations: bool = True) -> AsyncIterator[TortoiseContext]:
    """Open (and first migrate) the database for the life of the block."""
    if apply_migrations:
        await migrate(url)
    async with TortoiseContext() as ctx:
        await ctx.init(config=tortoise_config(url))
        yield ctx


# For Tortoise's own command: `tortoise -c kiosk.store.db.TORTOISE_ORM makemigrations`
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
