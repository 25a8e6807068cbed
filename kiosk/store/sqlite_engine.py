"""Tortoise's SQLite backend, made safe for many processes writing one file.

Tortoise opens SQLite transactions with a deferred `BEGIN`: two processes that both read and
then write fail with "database is locked" (SQLITE_BUSY_SNAPSHOT, which no busy timeout retries).
Here every transaction starts with `BEGIN IMMEDIATE`, taking the write lock first and waiting for
it (busy_timeout), so concurrent writers queue instead of failing. WAL keeps readers unblocked.
Selected by `engine = "kiosk.store.sqlite_engine"` in the connection config (see `db.py`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError

BUSY_TIMEOUT_MS = 10_000  # the default; the configuration sets it (settings.db_lock_timeout)


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        kwargs.setdefault("busy_timeout", BUSY_TIMEOUT_MS)
        kwargs.setdefault("synchronous", "NORMAL")  # with WAL: safe against crashes, much faster
        super().__init__(file_path, **kwargs)

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
