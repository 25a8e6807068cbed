"""Tortoise's asyncpg backend, made safe for a server that goes away and comes back.

When `BEGIN` fails on a pooled connection (the server restarted and the connection is dead),
Tortoise's transaction context neither resets its context variable nor gives the connection back
to the pool: a few such failures and the pool is exhausted for good. Here the connection is
released (terminated if broken) and the pool hands out fresh ones once the server is back.
Selected by `engine = "kiosk.store.postgres_engine"` in the connection config (see `db.py`).
"""

from __future__ import annotations

import contextlib

from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import (
    TransactionalDBClient,
    TransactionContext,
    TransactionContextPooled,
)
from tortoise.connection import get_connections


class ReleasingPooledContext(TransactionContextPooled):
    """Gives the pooled connection back when the transaction could not even begin."""

    async def __aenter__(self) -> TransactionalDBClient:
        try:
            return await super().__aenter__()
        except BaseException:
            token = getattr(self, "token", None)
            if token is not None:
                get_connections().reset(token)
            connection, pool = self.client._connection, self.client._parent._pool
            if connection is not None and pool is not None:
                with contextlib.suppress(Exception):
                    await pool.release(connection)
            raise


class ReleasingAsyncpgClient(AsyncpgDBClient):
    def _in_transaction(self) -> TransactionContext:
        return ReleasingPooledContext(TransactionWrapper(self), self._pool_init_lock)


client_class = ReleasingAsyncpgClient
