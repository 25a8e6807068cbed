"""One transaction per state change, retried on transient contention, always audited.

SQLite transactions start with BEGIN IMMEDIATE (see `kiosk.store.sqlite_engine`) and wait on
busy_timeout; PostgreSQL may still report a deadlock or serialization failure under load. Both are
retried a bounded number of times from the start of the transaction, so a user never sees
"database is locked"; if contention outlasts the retries the caller gets `Unavailable`.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from tortoise.exceptions import DBConnectionError, OperationalError, TransactionManagementError
from tortoise.transactions import in_transaction

from kiosk.i18n import _
from kiosk.services.errors import Unavailable
from kiosk.store.models import AuditEvent

T = TypeVar("T")
ATTEMPTS = 6

_TRANSIENT = (
    "database is locked",
    "database table is locked",
    "deadlock detected",
    "could not serialize access",
    "connection was closed",
    "connection is closed",
)


def _is_transient(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}".lower()
    if isinstance(exc, DBConnectionError):
        return True
    return any(marker in text for marker in _TRANSIENT)


async def atomic(work: Callable[[], Awaitable[T]], attempts: int = ATTEMPTS) -> T:
    """Run `work` in one transaction; retry it whole on transient failures."""
    for attempt in range(1, attempts + 1):
        try:
            async with in_transaction():
                return await work()
        except (OperationalError, TransactionManagementError, DBConnectionError, OSError) as exc:
            if not _is_transient(exc) and not isinstance(exc, OSError):
                raise
            if attempt == attempts:
                raise Unavailable(
                    _("Il servizio è momentaneamente occupato. Riprovare tra qualche istante.")
                ) from exc
            await asyncio.sleep(0.05 * attempt + random.random() * 0.05)
    raise AssertionError("unreachable")  # pragma: no cover


async def audit(
    at: datetime, action: str, *, actor: str | None = None, subject: str = "", **details: Any
) -> None:
    """Append an audit record (call inside the transaction of the change it records)."""
    await AuditEvent.create(at=at, actor=actor, action=action, subject=subject, details=details)
