"""What a database exception means, read from the driver's own codes, never from message text.

SQLite reports a result code (`sqlite3.Error.sqlite_errorcode`, primary code in the low byte);
PostgreSQL an SQLSTATE (`asyncpg.PostgresError.sqlstate`). Tortoise wraps some of them in its own
exceptions (the driver's error is the cause or the first argument) and lets others through, so
the chain is searched for the first driver error.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import dataclass
from enum import Enum
from typing import Any

# SQLite primary result codes (https://sqlite.org/rescode.html)
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CONSTRAINT = 5, 6, 19
_SQLITE_UNREACHABLE = {10, 11, 13, 14, 26}  # IOERR, CORRUPT, FULL, CANTOPEN, NOTADB
_SQLITE_READONLY = 8

# PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html)
_PG_TRANSIENT = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "55P03",  # lock_not_available (lock_timeout)
    "57014",  # query_canceled (statement_timeout)
    "53300",  # too_many_connections
}
_PG_UNREACHABLE_PREFIXES = ("08",)  # connection exceptions
_PG_UNREACHABLE = {"57P01", "57P02", "57P03", "3D000"}  # shutdown, crash, starting, no database
_PG_CONFIG = {"28000", "28P01", "42501"}  # bad role, bad password, insufficient privilege
_PG_KEY = re.compile(r"Key \(([^)]*)\)=")
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")
_SQLITE_CHECK = re.compile(r"(?:CHECK )?constraint failed: (\w+)")


class Fault(Enum):
    TRANSIENT = "transient"  # retry the whole transaction
    UNREACHABLE = "unreachable"  # the server or file is not there
    INTEGRITY = "integrity"  # an invariant refused the change
    CONFIG = "config"  # credentials or privileges: retrying will not help
    OTHER = "other"  # a bug or an unexpected state


@dataclass(frozen=True, slots=True)
class Diagnosis:
    fault: Fault
    constraint: str = ""  # for INTEGRITY: "table.column[,column]" or the CHECK's name
    code: str = ""  # the driver's code, for the log


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop(0)
        if not isinstance(item, BaseException) or any(item is s for s in seen):
            continue
        seen.append(item)
        todo.extend([item.__cause__, item.__context__, *item.args[:1]])
    return seen


def diagnose(exc: BaseException) -> Diagnosis:
    """Classify a database exception (or anything raised while talking to the database)."""
    chain = _chain(exc)
    for item in chain:
        if isinstance(item, sqlite3.Error):
            return _sqlite(item)
        sqlstate = getattr(item, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate:
            return _postgres(item, sqlstate)
    for item in chain:
        name = type(item).__name__
        if isinstance(item, OSError | asyncio.TimeoutError | TimeoutError | EOFError):
            return Diagnosis(Fault.UNREACHABLE, code=name)
        # asyncpg's client-side errors (no SQLSTATE): the connection broke under us
        if type(item).__module__.startswith("asyncpg") and name in (
            "ConnectionDoesNotExistError",
            "InterfaceError",
            "InternalClientError",
            "ConnectionFailureError",
        ):
            return Diagnosis(Fault.UNREACHABLE, code=name)
        if name in ("DBConnectionError",):
            return Diagnosis(Fault.UNREACHABLE, code=name)
    return Diagnosis(Fault.OTHER, code=type(exc).__name__)


def _sqlite(exc: sqlite3.Error) -> Diagnosis:
    code = getattr(exc, "sqlite_errorcode", None)
    name = getattr(exc, "sqlite_errorname", "") or type(exc).__name__
    if code is None:  # raised by the driver itself, e.g. "Cannot operate on a closed database"
        return Diagnosis(
            Fault.UNREACHABLE if isinstance(exc, sqlite3.ProgrammingError) else Fault.OTHER,
            code=name,
        )
    primary = code & 0xFF
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return Diagnosis(Fault.TRANSIENT, code=name)
    if primary in _SQLITE_UNREACHABLE:
        return Diagnosis(Fault.UNREACHABLE, code=name)
    if primary == _SQLITE_READONLY:
        return Diagnosis(Fault.CONFIG, code=name)
    if primary == _SQLITE_CONSTRAINT:
        text = str(exc)
        unique = _SQLITE_UNIQUE.search(text)
        if unique:
            columns = [c.strip() for c in unique.group(1).split(",")]
            table = columns[0].split(".", 1)[0]
            return Diagnosis(
                Fault.INTEGRITY,
                f"{table}." + ",".join(c.split(".", 1)[-1] for c in columns),
                name,
            )
        check = _SQLITE_CHECK.search(text)
        return Diagnosis(Fault.INTEGRITY, check.group(1) if check else "", name)
    return Diagnosis(Fault.OTHER, code=name)


def _postgres(exc: BaseException, sqlstate: str) -> Diagnosis:
    if sqlstate in _PG_TRANSIENT:
        return Diagnosis(Fault.TRANSIENT, code=sqlstate)
    if sqlstate in _PG_UNREACHABLE or sqlstate.startswith(_PG_UNREACHABLE_PREFIXES):
        return Diagnosis(Fault.UNREACHABLE, code=sqlstate)
    if sqlstate in _PG_CONFIG:
        return Diagnosis(Fault.CONFIG, code=sqlstate)
    if sqlstate.startswith("23"):
        table = getattr(exc, "table_name", None) or ""
        key = _PG_KEY.search(getattr(exc, "detail", None) or "")
        if sqlstate == "23505" and table and key:
            columns = ",".join(c.strip().strip('"') for c in key.group(1).split(","))
            return Diagnosis(Fault.INTEGRITY, f"{table}.{columns}", sqlstate)
        return Diagnosis(Fault.INTEGRITY, getattr(exc, "constraint_name", None) or "", sqlstate)
    return Diagnosis(Fault.OTHER, code=sqlstate)
