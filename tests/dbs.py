"""Test databases on both backends, cloned from a migrated template so each test starts clean.

SQLite: the template file is migrated once per session and copied per test.
PostgreSQL (`KIOSK_TEST_POSTGRES_URL`): one database is migrated once per session and every table
but the migration history is truncated before each test (CREATE DATABASE ... TEMPLATE costs
~0.4 s here, TRUNCATE ~20 ms). Tests that need a database of their own (several processes) get
one cloned from it with `create_pg_database`. Unset variable: the PostgreSQL variants skip and say
why. Set but unreachable: they fail.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from kiosk.store.db import migrate

PG_ENV = "KIOSK_TEST_POSTGRES_URL"
PG_TEMPLATE = "kiosk_test_template"


def pg_base_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


async def _admin(url: str) -> asyncpg.Connection:
    return await asyncpg.connect(_dsn(url), timeout=10)


async def _make_pg_template(base: str) -> str:
    conn = await _admin(base)
    try:
        # a leftover template from an interrupted run may have stale schema: rebuild it
        await conn.execute(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{PG_TEMPLATE}"')
    finally:
        await conn.close()
    url = with_database(base, PG_TEMPLATE)
    await migrate(url)
    return url


def make_pg_template(base: str) -> str:
    return asyncio.run(_make_pg_template(base))


async def create_pg_database(base: str) -> str:
    name = f"kiosk_t_{uuid.uuid4().hex[:12]}"
    conn = await _admin(base)
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{PG_TEMPLATE}"')
    finally:
        await conn.close()
    url = with_database(base, name)
    await truncate_pg(url)  # the template is also the shared test database: empty the copy
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
            await conn.execute(f'DROP DATABASE IF EXISTS "{PG_TEMPLATE}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(go())


def make_sqlite_template(directory: Path) -> Path:
    path = directory / "template.sqlite3"
    asyncio.run(migrate(f"sqlite://{path}"))
    return path


def clone_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite://{target}"


async def truncate_pg(url: str) -> None:
    """Empty every table but the migration history; sequences restart."""
    conn = await _admin(url)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'tortoise_migrations'"
        )
        names = ", ".join(f'"{row["tablename"]}"' for row in tables)
        await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()
