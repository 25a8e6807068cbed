"""Set-based SQL for large writes and look-ups, on SQLite and PostgreSQL alike.

One ORM object per row costs a statement and a round trip each (100,000 rows: minutes); here
rows go many to a statement. A statement carries at most `MAX_PARAMS` parameters: asyncpg
refuses more than 32,767, SQLite's default limit is 32,766.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

MAX_PARAMS = 30_000
FILL_ROWS = 10_000  # rows to a batch of `fill`: what Python holds of them at a time


def client_for(model: Any) -> BaseDBAsyncClient:
    """The model's connection: inside `in_transaction`, that transaction's."""
    db: BaseDBAsyncClient = model._meta.db
    return db


def _marks(dialect: str, start: int, count: int) -> list[str]:
    if dialect == "sqlite":
        return ["?"] * count
    return [f"${i}" for i in range(start, start + count)]


def chunks(items: Sequence[Any], per_item: int) -> list[Sequence[Any]]:
    """`items` cut so that no statement carries more than MAX_PARAMS parameters."""
    size = max(1, MAX_PARAMS // max(1, per_item))
    return [items[i : i + size] for i in range(0, len(items), size)]


async def select_in_tuples(
    client: BaseDBAsyncClient, sql: str, keys: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """Run `sql`, whose `{keys}` stands for a parenthesised list of parameters, once per chunk
    of `keys`, and gather the rows, each as a tuple of its columns in order (a dict per row of
    100,000 rows costs ~50 MB more)."""
    dialect = client.capabilities.dialect
    found: list[tuple[Any, ...]] = []
    for part in chunks(list(keys), 1):
        query = sql.format(keys="(" + ", ".join(_marks(dialect, 1, len(part))) + ")")
        found.extend(tuple(r.values()) for r in await client.execute_query_dict(query, list(part)))
    return found


def _numbered(dialect: str, count: int) -> dict[str, str]:
    """`{p1}`, `{p2}`... for the leading parameters of a statement."""
    return {f"p{i}": m for i, m in enumerate(_marks(dialect, 1, count), start=1)}


async def execute(client: BaseDBAsyncClient, sql: str, params: Sequence[Any] = ()) -> int:
    """One statement whose parameters are written `{p1}`, `{p2}`...: the rows it changed."""
    dialect = client.capabilities.dialect
    count, _rows = await client.execute_query(
        sql.format(**_numbered(dialect, len(params))), list(params)
    )
    return count


async def execute_rows(
    client: BaseDBAsyncClient, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """One query whose parameters are written `{p1}`, `{p2}`...: its rows."""
    dialect = client.capabilities.dialect
    rows = await client.execute_query_dict(
        sql.format(**_numbered(dialect, len(params))), list(params)
    )
    return [dict(r) for r in rows]


def batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """`rows` in lists of `size` (the last shorter)."""
    it = iter(rows)
    while part := list(islice(it, size)):
        yield part


async def fill(
    client: BaseDBAsyncClient,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Rows (an iterable, consumed `FILL_ROWS` at a time) into `table`, whose `columns` are
    (name, PostgreSQL type): an `executemany` on SQLite (where, outside a transaction, a
    temporary table takes no lock on the database); on PostgreSQL one `INSERT … SELECT FROM
    unnest(arrays)` per batch, one array parameter per column. The number of rows."""
    names = ", ".join(name for name, _type in columns)
    sqlite = client.capabilities.dialect == "sqlite"
    if sqlite:
        query = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    else:
        arrays = ", ".join(f"${i}::{kind}[]" for i, (_n, kind) in enumerate(columns, start=1))
        query = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays})"
    count = 0
    for part in batched(rows, FILL_ROWS):
        if sqlite:
            await client.execute_many(query, part)
        else:
            await client.execute_query(query, [list(column) for column in zip(*part, strict=True)])
        count += len(part)
    return count


async def insert_select(client: BaseDBAsyncClient, sql: str, params: Sequence[Any] = ()) -> int:
    """One `INSERT … SELECT` (parameters written `{p1}`, `{p2}`...): the rows it wrote.
    (Tortoise's asyncpg client reads "INSERT 0 n" as 0 rows: there it is counted by a
    `RETURNING` in a CTE; SQLite counts changes.)"""
    dialect = client.capabilities.dialect
    query = sql.format(**_numbered(dialect, len(params)))
    if dialect == "sqlite":
        count, _rows = await client.execute_query(query, list(params))
        return count
    found = await client.execute_query_dict(
        f"WITH written AS ({query} RETURNING 1) SELECT COUNT(*) AS n FROM written", list(params)
    )
    return int(found[0]["n"])


def as_date(value: Any) -> date:
    """A DATE column's value: a `date` from PostgreSQL, ISO text from SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
