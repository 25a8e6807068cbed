"""Writing an import: staged first into temporary tables, then applied in one short transaction.

SQLite has one writer at a time, and a kiosk's login writes (its throttle, the audit): it waits
for whatever transaction holds the lock. So the rows to write are first copied, with no lock on
the database, into temporary tables of the import's own connection (`stage`: an executemany; a
temporary table lives in the connection's private temp database and disappears with the
connection, a kill -9 included), and the write transaction only moves them with three
`INSERT … SELECT` and one `UPDATE … FROM` (`apply`): no Python per row while the lock is held.
Still all or nothing: the stage is private to the connection, `apply` is one transaction, and
the stage is dropped afterwards whatever happened (`drop`).

PostgreSQL locks rows, not the database, and its pool may hand the import another connection
after a statement: there the stage is made inside the write transaction (`ON COMMIT DROP`),
from one array per column.

Each statement of `apply` is guarded and counted: a subscriber or a box written by someone else
since the look-ups, or an expiry changed meanwhile, raises `Stale` (the transaction is rolled
back and the import plans again).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from kiosk.domain.model import Role
from kiosk.store import bulk

PEOPLE = "import_stage_person"
BOXES = "import_stage_box"
RENEWALS = "import_stage_renewal"
# table -> (column, PostgreSQL type); `seq` keeps the file's order (and the ids follow it)
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    PEOPLE: (
        *(("seq", "int"), ("userid", "text"), ("nominativo", "text")),
        *(("codice_fiscale", "text"), ("email", "text"), ("area_id", "text")),
    ),
    BOXES: (
        *(("seq", "int"), ("address", "text"), ("family", "text"), ("area_id", "text")),
        *(("userid", "text"), ("anchor_date", "date"), ("expiry_date", "date")),
    ),
    RENEWALS: (
        *(("seq", "int"), ("box_id", "int"), ("address", "text")),
        *(("old_expiry", "date"), ("new_expiry", "date"), ("details", "text")),
    ),
}
_SQLITE_TYPES = {"int": "INTEGER", "text": "TEXT", "date": "TEXT"}  # dates as the ORM's ISO text

GUARD_PEOPLE = (
    f"SELECT COUNT(*) AS n FROM {PEOPLE} p "
    "WHERE EXISTS (SELECT 1 FROM subscriber s WHERE s.userid = p.userid) "
    "OR EXISTS (SELECT 1 FROM subscriber s "
    "WHERE s.cf_proven AND s.codice_fiscale = p.codice_fiscale)"
)
# `WHERE TRUE`: SQLite's parser needs it before an upsert's ON CONFLICT after a SELECT
INSERT_PEOPLE = (  # cf_proven: the provider vouches for the codice fiscale
    "INSERT INTO subscriber (userid, nominativo, codice_fiscale, email, area_id, role, "
    "password_hash, cf_proven, created_at) "
    f"SELECT userid, nominativo, codice_fiscale, email, area_id, '{Role.SUBSCRIBER.value}', "
    f"NULL, TRUE, {{now}} FROM {PEOPLE} WHERE TRUE ORDER BY seq "
    "ON CONFLICT (userid) DO NOTHING"
)
INSERT_ACCOUNTS = (
    "INSERT INTO prepaid_account (subscriber_id, balance_cents) "
    f"SELECT s.id, 0 FROM {PEOPLE} p JOIN subscriber s ON s.userid = p.userid ORDER BY s.id"
)
INSERT_BOXES = (
    "INSERT INTO mailbox (address, family, area_id, owner_id, anchor_date, expiry_date, "
    "created_at) "
    "SELECT b.address, b.family, b.area_id, s.id, b.anchor_date, b.expiry_date, {now} "
    f"FROM {BOXES} b JOIN subscriber s ON s.userid = b.userid WHERE TRUE ORDER BY b.seq "
    "ON CONFLICT (address) DO NOTHING"
)
UPDATE_RENEWED = (
    f"UPDATE mailbox SET expiry_date = r.new_expiry FROM {RENEWALS} r "
    "WHERE mailbox.id = r.box_id AND mailbox.expiry_date = r.old_expiry"
)
AUDIT_RENEWED = (
    "INSERT INTO audit_event (at, actor, action, subject, details) "
    "SELECT {now}, {p2}, 'import.renewed_elsewhere', address, {details} "
    f"FROM {RENEWALS} ORDER BY seq"
)


class Stale(Exception):
    """The database changed between the look-ups and the write: plan again."""


@dataclass(frozen=True, slots=True)
class Staged:
    """How many rows of each kind wait in the stage."""

    people: int
    boxes: int
    renewals: int


def stage_outside_transaction(client: BaseDBAsyncClient) -> bool:
    """SQLite: the stage is written before the write transaction, taking no lock."""
    return client.capabilities.dialect == "sqlite"


async def stage(
    client: BaseDBAsyncClient,
    people: Iterable[Sequence[Any]],
    boxes: Iterable[Sequence[Any]],
    renewals: Iterable[Sequence[Any]],
) -> Staged:
    """The temporary tables, made anew and filled (rows in the order of `COLUMNS`)."""
    sqlite = client.capabilities.dialect == "sqlite"
    if sqlite:
        await drop(client)  # what an earlier attempt of this connection may have left
    for table, columns in COLUMNS.items():
        if sqlite:
            defs = ", ".join(
                f"{name} {'INTEGER PRIMARY KEY' if name == 'seq' else _SQLITE_TYPES[kind]}"
                for name, kind in columns
            )
            await client.execute_query(f"CREATE TEMP TABLE {table} ({defs})")
        else:
            defs = ", ".join(f"{name} {kind}" for name, kind in columns)
            await client.execute_query(f"CREATE TEMP TABLE {table} ({defs}) ON COMMIT DROP")
    return Staged(
        people=await bulk.fill(client, PEOPLE, COLUMNS[PEOPLE], people),
        boxes=await bulk.fill(client, BOXES, COLUMNS[BOXES], boxes),
        renewals=await bulk.fill(client, RENEWALS, COLUMNS[RENEWALS], renewals),
    )


async def apply(
    client: BaseDBAsyncClient, staged: Staged, now: datetime, actor: str | None
) -> None:
    """The stage into the tables (call inside the write transaction); `Stale` when anything
    it counts on moved since the plan."""
    sqlite = client.capabilities.dialect == "sqlite"
    at = "{p1}" if sqlite else "CAST({p1} AS TIMESTAMPTZ)"  # PostgreSQL: a SELECT's $1 is text
    if staged.people:
        guard = await bulk.execute_rows(client, GUARD_PEOPLE)
        if int(guard[0]["n"]):
            raise Stale
        if await bulk.insert_select(client, INSERT_PEOPLE.format(now=at), [now]) != staged.people:
            raise Stale
        if await bulk.insert_select(client, INSERT_ACCOUNTS) != staged.people:
            raise Stale
    boxes = INSERT_BOXES.format(now=at)
    if staged.boxes and await bulk.insert_select(client, boxes, [now]) != staged.boxes:
        raise Stale
    if staged.renewals:
        if await bulk.execute(client, UPDATE_RENEWED) != staged.renewals:
            raise Stale
        details = "details" if sqlite else "CAST(details AS JSONB)"
        audit = AUDIT_RENEWED.format(now=at, details=details, p2="{p2}")
        await bulk.insert_select(client, audit, [now, actor])


async def drop(client: BaseDBAsyncClient) -> None:
    """The stage gone (SQLite: outside the transaction, on the import's connection)."""
    if client.capabilities.dialect == "sqlite":
        for table in COLUMNS:
            await client.execute_query(f"DROP TABLE IF EXISTS temp.{table}")
