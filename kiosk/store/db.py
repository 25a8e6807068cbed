"""Connection set-up: one Tortoise context per process, migrated on start.

Tortoise 1.x keeps its connections in a context variable, so the database is opened in the task
that runs the program (around `app.run_async()`, or around a test), never in a Textual handler.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext

from kiosk.errors import InvalidInput
from kiosk.i18n import _
from kiosk.privacy import private_sqlite

MODELS = "kiosk.store.models"
MIGRATIONS = "kiosk.store.migrations"
APP = "models"


SUPPORTED_SCHEMES = ("sqlite", "postgres", "postgresql")
CONNECT_TIMEOUT = 5  # seconds to reach a PostgreSQL server before calling it unreachable
STATEMENT_TIMEOUT = 60  # seconds: no statement of this program may take longer


def tortoise_config(url: str, *, lock_timeout: float = 10.0) -> dict[str, Any]:
    """The Tortoise config for a `sqlite://PATH` or `postgres://...` URL.

    `lock_timeout` bounds how long a statement waits for another writer: SQLite's busy timeout,
    PostgreSQL's lock_timeout. Past it the transaction fails as "busy" (see `kiosk.store.faults`).
    """
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SUPPORTED_SCHEMES:
        raise InvalidInput(
            "database_url",
            _(
                "Indirizzo del database non supportato ({scheme}): usare sqlite:///percorso "
                "oppure postgres://utente@host:porta/database."
            ).format(scheme=scheme or "?"),
        )
    try:
        connection = expand_db_url(url)
    except Exception:  # the URL's own syntax (port, path...): say so without echoing secrets
        raise InvalidInput(
            "database_url", _("Indirizzo del database non valido: controllare KIOSK_DATABASE_URL.")
        ) from None
    # Tortoise caches compiled INSERT/DELETE statements per connection *name* (EXECUTOR_CACHE):
    # naming the connection after its dialect keeps SQLite's "?" statements away from PostgreSQL
    # when one process opens both (the test suite does).
    name = "sqlite" if connection["engine"] == "tortoise.backends.sqlite" else "postgres"
    if connection["engine"] == "tortoise.backends.sqlite":
        connection["engine"] = "kiosk.store.sqlite_engine"
        path = connection["credentials"]["file_path"]
        private_sqlite(Path(path))  # parent made 0700 if missing; files tightened to 0600
        connection["credentials"]["busy_timeout"] = int(lock_timeout * 1000)
    else:
        connection["engine"] = "kiosk.store.postgres_engine"
        credentials = connection["credentials"]
        credentials.setdefault("timeout", CONNECT_TIMEOUT)
        credentials["server_settings"] = {
            "lock_timeout": f"{int(lock_timeout * 1000)}ms",
            "statement_timeout": f"{STATEMENT_TIMEOUT}s",
            "application_name": "pec-kiosk",
        }
    return {
        "connections": {name: connection},
        "apps": {APP: {"models": [MODELS], "migrations": MIGRATIONS, "default_connection": name}},
        "use_tz": True,
        "timezone": "UTC",
    }


MIGRATION_LOCK = 0x7065636B  # "peck": the advisory lock every migrating process queues on
MIGRATIONS_TABLE = "tortoise_migrations"


def connection_name(url: str) -> str:
    return "sqlite" if url.split("://", 1)[0].lower() == "sqlite" else "postgres"


def known_migrations() -> set[str]:
    """The names of the committed migrations (`0001_initial`, ...)."""
    import importlib
    import pkgutil

    package = importlib.import_module(MIGRATIONS)
    return {m.name for m in pkgutil.iter_modules(package.__path__) if m.name[:1].isdigit()}


async def applied_migrations(client: Any) -> set[str] | None:
    """The migrations recorded in the database; None when it has no migration table yet.
    Reads the catalogue first, so that a missing table aborts no transaction."""
    if client.capabilities.dialect == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        query = "SELECT to_regclass($1) AS name"
    _n, rows = await client.execute_query(query, [MIGRATIONS_TABLE])
    if not rows or rows[0]["name"] is None:
        return None
    _n, rows = await client.execute_query(
        f"SELECT name FROM {MIGRATIONS_TABLE} WHERE app = '{APP}'"
    )
    return {str(row["name"]) for row in rows}


async def migrate(url: str, *, lock_timeout: float = 10.0) -> bool:
    """Apply the committed migrations; True if any was applied.

    - Up to date (every start but the first after an upgrade): one read, no write, no lock, so
      a read-only command writes nothing and a runtime role without DDL rights can start.
    - PostgreSQL: the whole migration runs in ONE transaction, recording included, after
      `pg_advisory_xact_lock` (Tortoise's own executor commits each migration and records it
      afterwards: a kill in between would leave tables without their record).
    - SQLite: under an exclusive lock on a file beside the database (`<db>.migrate-lock`):
      Python's sqlite3 commits before every script, so one transaction cannot hold them all.
    Processes starting together on an empty database queue on the lock; the first migrates,
    the others find it done.
    """

    config = tortoise_config(url, lock_timeout=lock_timeout)
    name = connection_name(url)
    wanted = known_migrations()
    async with TortoiseContext() as context:
        await context.init(config=config)
        try:
            if (await applied_migrations(context.connections.get(name)) or set()) >= wanted:
                return False
            if name == "postgres":
                return await _migrate_postgres(name, config, wanted)
            path = config["connections"][name]["credentials"]["file_path"]
            async with _file_lock(Path(f"{path}.migrate-lock"), lock_timeout):
                client = context.connections.get(name)
                if (await applied_migrations(client) or set()) >= wanted:
                    return False
                await _executor(client, config).migrate()
            return True
        finally:
            await context.close_connections()


def _executor(client: Any, config: dict[str, Any]) -> Any:
    from tortoise.migrations.executor import MigrationExecutor

    return MigrationExecutor(client, config["apps"])


async def _migrate_postgres(name: str, config: dict[str, Any], wanted: set[str]) -> bool:
    from tortoise.transactions import in_transaction

    async with in_transaction(name) as client:
        await client.execute_query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK])
        if (await applied_migrations(client) or set()) >= wanted:
            return False  # another process migrated while we waited
        executor = _executor(client, config)
        # the history table first: the executor reads it before creating it, and in a
        # transaction that failed read would abort everything after it
        await executor.recorder.ensure_schema(executor._schema_editor(atomic=False))
        await executor.migrate()
    return True


MIGRATION_WAIT = 120.0  # seconds another process's migration may keep us waiting


@asynccontextmanager
async def _file_lock(path: Path, lock_timeout: float) -> AsyncIterator[None]:
    """An exclusive `flock` on `path` (0600), waited for without blocking the event loop."""
    import fcntl

    from kiosk.errors import unavailable

    if str(path).startswith(":memory:"):
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + max(lock_timeout, MIGRATION_WAIT)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise unavailable(busy=True, detail="migrate-lock") from None
                await asyncio.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# For Tortoise's own command: `tortoise -c kiosk.store.db.TORTOISE_ORM makemigrations`
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
