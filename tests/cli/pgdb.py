"""A PostgreSQL database of a CLI test's own (created empty, dropped after), and raw access."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from tests import dbs


def dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def with_user(url: str, user: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, parts.fragment))


async def execute(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(dsn(url), timeout=10)
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def empty_database() -> Iterator[str]:
    base = dbs.pg_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {dbs.PG_ENV}")
    url = asyncio.run(dbs.create_empty_pg_database(base))
    try:
        yield url
    finally:
        asyncio.run(dbs.drop_pg_database(base, url))
