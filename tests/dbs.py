"""Test databases on both backends, cloned from a migrated template so each test starts clean.

SQLite: the template file is migrated once for these sources (tests/templates.py) and copied per
test. PostgreSQL (`KIOSK_TEST_POSTGRES_URL`): each process has one database, and every table but
the migration history is emptied before each test (CREATE DATABASE ... TEMPLATE costs ~0.4 s
here, emptying it ~5 ms). Tests that need a database of their own (several processes) get
one cloned from it with `create_pg_database`. Unset variable: the PostgreSQL variants skip and say
why. Set but unreachable: they fail.

Each pytest-xdist worker has a template of its own (`kiosk_test_template_gw0_<checkout>`; `main`
instead of `gw0` without xdist), cloned at its session start from one migrated database shared by
every worker and every pass (`kiosk_test_base_<checkout>_<hash>`, built once for these sources:
tests/templates.py) and dropped at its session end with every database cloned from it. The
checkout's tag keeps two checkouts testing on one server apart.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from kiosk.store.db import migrate
from tests import templates

PG_ENV = "KIOSK_TEST_POSTGRES_URL"
CHECKOUT = hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]
PG_BASE_PREFIX = f"kiosk_test_base_{CHECKOUT}_"
PG_BASE_LOCK = 72_202_611  # the advisory lock under which the shared base is built


def pg_template_name() -> str:
    """This process's template: one per xdist worker (`gw0`, ...) and per checkout."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"kiosk_test_template_{worker}_{CHECKOUT}"


PG_TEMPLATE = pg_template_name()  # xdist sets PYTEST_XDIST_WORKER before any import


def pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def _admin(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(_dsn(url), timeout=10)


async def _drop_ours(conn: asyncpg.Connection) -> None:
    """Drop this worker's template and every database cloned from it (named after it)."""
    names = await conn.fetch(
        "SELECT datname FROM pg_database WHERE datname = $1 OR starts_with(datname, $1 || '_')",
        PG_TEMPLATE,
    )
    for row in names:
        await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')


async def _shared_base(base: str) -> str:
    """The migrated database the workers' templates clone, built by the first to need it."""
    name = PG_BASE_PREFIX + templates.content_key(Path(__file__))
    conn = await _admin(base)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", PG_BASE_LOCK)
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                # older sources' bases, or one whose building was interrupted
                stale = await conn.fetch(
                    "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
                    PG_BASE_PREFIX,
                )
                for row in stale:
                    await conn.execute(f'DROP DATABASE IF EXISTS "{row["datname"]}" WITH (FORCE)')
                building = f"{name}_building"
                await conn.execute(f'CREATE DATABASE "{building}"')
                await migrate(with_database(base, building))
                # renamed only once whole: a base under its name is always migrated
                await conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", PG_BASE_LOCK)
    finally:
        await conn.close()
    return name


async def _make_pg_template(base: str) -> str:
    shared = await _shared_base(base)
    conn = await _admin(base)
    try:
        # leftovers of an interrupted run may have a stale schema: start again
        await _drop_ours(conn)
        await conn.execute(f'CREATE DATABASE "{PG_TEMPLATE}" TEMPLATE "{shared}"')
    finally:
        await conn.close()
    return with_database(base, PG_TEMPLATE)


def make_pg_template(base: str) -> str:
    return asyncio.run(_make_pg_template(base))


async def create_pg_database(base: str) -> str:
    name = f"{PG_TEMPLATE}_{uuid.uuid4().hex[:12]}"
    conn = await _admin(base)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{PG_TEMPLATE}"')
    finally:
        await conn.close()
    url = with_database(base, name)
    await clear_pg(url)  # the template is also the shared test database: empty the copy
    return url


async def drop_pg_database(base: str, url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    conn = await _admin(base)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def drop_pg_template(base: str) -> None:
    async def go() -> None:
        conn = await _admin(base)
        try:
            await _drop_ours(conn)
        finally:
            await conn.close()

    asyncio.run(go())


def make_sqlite_template() -> Path:
    """The migrated SQLite database, built once for these sources (tests/templates.py)."""

    def build(directory: Path) -> None:
        asyncio.run(migrate(f"sqlite://{directory / 'template.sqlite3'}"))

    return templates.shared_sqlite("migrated", "template.sqlite3", (Path(__file__),), build)


def clone_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite://{target}"


async def clear_pg(url: str) -> None:
    """Empty every table but the migration history; sequences restart.

    DELETE, not TRUNCATE: a test leaves a few rows in a few tables, and TRUNCATE gives each of
    the ~25 tables new files (~90 ms here) where DELETE takes ~5 ms. The replica role switches
    off the triggers for this connection only: the append-only guards of the ledger and audit
    tables, and the foreign keys (so the order of the tables does not matter)."""
    conn = await _admin(url)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'tortoise_migrations'"
        )
        sequences = await conn.fetch(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
        )
        script = [
            "SET session_replication_role = replica",
            *(f'DELETE FROM "{row["tablename"]}"' for row in tables),
            *(f"SELECT setval('\"{row['sequencename']}\"', 1, false)" for row in sequences),
            "SET session_replication_role = DEFAULT",
        ]
        await conn.execute(";\n".join(script))
    finally:
        await conn.close()


async def create_empty_pg_database(base: str) -> str:
    """A database of this worker's with no schema (migration tests start from nothing)."""
    name = f"{PG_TEMPLATE}_{uuid.uuid4().hex[:12]}"
    conn = await _admin(base)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(base, name)
