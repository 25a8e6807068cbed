"""Set-based SQL for large writes and look-ups, on SQLite and PostgreSQL alike.

One ORM object per row costs a statement and a round trip each (100,000 rows: minutes); here
rows go many to a statement. A statement carries at most `MAX_PARAMS` parameters: asyncpg
refuses more than 32,767, SQLite's default limit is 32,766.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

MAX_PARAMS = 30_000


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


async def select_in(
    client: BaseDBAsyncClient, sql: str, keys: Sequence[Any], params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Run `sql`, whose `{keys}` stands for a parenthesised list of parameters, once per chunk
    of `keys` (after `params`, which come first), and gather the rows."""
    dialect = client.capabilities.dialect
    found: list[dict[str, Any]] = []
    for part in chunks(list(keys), 1):
        marks = _marks(dialect, len(params) + 1, len(part))
        query = sql.format(keys="(" + ", ".join(marks) + ")", **_numbered(dialect, len(params)))
        found.extend(dict(r) for r in await client.execute_query_dict(query, [*params, *part]))
    return found


async def select_in_tuples(
    client: BaseDBAsyncClient, sql: str, keys: Sequence[Any]
) -> list[tuple[Any, ...]]:
    """`select_in`, each row kept as a tuple of its columns in order (a dict per row of
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


async def insert_rows(
    client: BaseDBAsyncClient,
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    on_conflict_nothing: str | None = None,
    returning: str | None = None,
    on_rows: Callable[[list[dict[str, Any]]], None] | None = None,
) -> int:
    """INSERT many rows, a chunk to a statement: the number of rows written. `on_conflict_nothing`
    names the unique column whose clash skips a row (the caller compares the count);
    `returning` the columns handed to `on_rows`, a chunk at a time (not kept: memory)."""
    dialect = client.capabilities.dialect
    cols = ", ".join(f'"{c}"' for c in columns)
    written = 0
    for part in chunks(rows, len(columns)):
        groups = []
        for i in range(len(part)):
            marks = _marks(dialect, i * len(columns) + 1, len(columns))
            groups.append("(" + ", ".join(marks) + ")")
        query = f'INSERT INTO "{table}" ({cols}) VALUES {", ".join(groups)}'
        if on_conflict_nothing:
            query += f' ON CONFLICT ("{on_conflict_nothing}") DO NOTHING'
        values = [v for row in part for v in row]
        # counted by RETURNING: Tortoise's asyncpg client reads "INSERT 0 n" as 0 rows
        query += f" RETURNING {returning or '1 AS one'}"
        got = await client.execute_query_dict(query, values)
        if on_rows is not None:
            on_rows([dict(r) for r in got])
        written += len(got)
    return written


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


def as_date(value: Any) -> date:
    """A DATE column's value: a `date` from PostgreSQL, ISO text from SQLite."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
