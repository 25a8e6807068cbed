"""Tortoise's SQLite backend, made safe for many processes writing one file.

- Tortoise opens SQLite transactions with a deferred `BEGIN`: two processes that both read and
  then write fail with "database is locked" (SQLITE_BUSY_SNAPSHOT, which no busy timeout
  retries). Here every transaction starts with `BEGIN IMMEDIATE`, taking the write lock first
  and waiting for it (busy_timeout), so concurrent writers queue instead of failing. WAL keeps
  readers unblocked.
- When `BEGIN` itself fails (the file is held by another process past the busy timeout),
  Tortoise's transaction context keeps its connection lock forever and every later transaction
  of the process waits on it. Here the lock is given back, so the kiosk recovers once the
  other process lets go.
Selected by `engine = "kiosk.store.sqlite_engine"` in the connection config (see `db.py`).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

BUSY_TIMEOUT_MS = 10_000  # the default; the configuration sets it (settings.db_lock_timeout)


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ReleasingTransactionContext(SqliteTransactionContext):
    """Gives the connection lock back when the transaction could not even begin."""

    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        return self.connection  # type: ignore[no-any-return]


class ImmediateSqliteClient(SqliteClient):
    def __init__(self, file_path: str, **kwargs: Any) -> None:
        kwargs.setdefault("busy_timeout", BUSY_TIMEOUT_MS)
        kwargs.setdefault("synchronous", "NORMAL")  # with WAL: safe against crashes, much faster
        super().__init__(file_path, **kwargs)

    def _in_transaction(self) -> TransactionContext:
        return ReleasingTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
