"""The subscriber search's term table (`search_term`): its indexes, its backfill, its upkeep.

Set-based on purpose: the provider's import and the synthetic loader add hundreds of thousands
of subscribers at once. Every function takes the connection to write on (inside the caller's
transaction: `bulk.client_for(SearchTerm)`).

On PostgreSQL the term column is made `COLLATE "C"`, so that its order is the code points'
(as Python's and SQLite's): the prefix range `[q, q || U+10FFFF)` then holds exactly the terms
starting with q, whatever the database's own collation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from kiosk.domain.search import SearchField, pec_term, subscriber_terms
from kiosk.store import bulk

TYPED_COLUMNS = (("term", "text"), ("subscriber_id", "int"), ("field", "text"))
COLUMNS = ("term", "subscriber_id", "field")
TERM_INDEX = "CREATE INDEX search_term_term ON search_term (term, subscriber_id, field)"
OWNER_INDEX = "CREATE INDEX search_term_subscriber ON search_term (subscriber_id, term)"
# the hits' mailboxes are read by owner (and so is a subscriber's list of boxes): without it,
# every look-up by owner read the whole mailbox table
MAILBOX_OWNER_INDEX = "CREATE INDEX IF NOT EXISTS mailbox_owner_id ON mailbox (owner_id)"
BACKFILL_CHUNK = 20_000

Row = tuple[str, int, str]


def person_rows(people: Iterable[tuple[int, str, str, str | None]]) -> list[Row]:
    """Term rows for (id, userid, nominativo, codice fiscale)."""
    return [
        (term, int(sid), field.value)
        for sid, userid, name, cf in people
        for term, field in sorted(subscriber_terms(userid, name, cf))
    ]


def mailbox_rows(boxes: Iterable[tuple[int, str]]) -> list[Row]:
    """Term rows for (owner id, PEC address)."""
    return [(pec_term(address), int(owner), SearchField.PEC.value) for owner, address in boxes]


async def add_rows(client: BaseDBAsyncClient, rows: Sequence[Row]) -> None:
    """Insert term rows, many to a statement."""
    if rows:
        await bulk.fill(client, "search_term", TYPED_COLUMNS, rows)


async def add_people(
    client: BaseDBAsyncClient, people: Iterable[tuple[int, str, str, str | None]]
) -> None:
    await add_rows(client, person_rows(people))


async def add_mailboxes(client: BaseDBAsyncClient, boxes: Iterable[tuple[int, str]]) -> None:
    await add_rows(client, mailbox_rows(boxes))


async def reindex(client: BaseDBAsyncClient, subscriber_ids: Iterable[int]) -> None:
    """Make the terms of these subscribers again from their rows (after a change of name,
    codice fiscale or userid, or a mailbox moved to another owner)."""
    ids = sorted({int(i) for i in subscriber_ids})
    if not ids:
        return
    for part in bulk.chunks(ids, 1):
        marks = ", ".join(_marks(client, len(part)))
        await client.execute_query(
            f"DELETE FROM search_term WHERE subscriber_id IN ({marks})", list(part)
        )
    people = await bulk.select_in_tuples(
        client,
        "SELECT id, userid, nominativo, codice_fiscale FROM subscriber WHERE id IN {keys}",
        ids,
    )
    boxes = await bulk.select_in_tuples(
        client, "SELECT owner_id, address FROM mailbox WHERE owner_id IN {keys}", ids
    )
    await add_rows(client, person_rows(people) + mailbox_rows(boxes))


def _marks(client: BaseDBAsyncClient, count: int) -> list[str]:
    if client.capabilities.dialect == "sqlite":
        return ["?"] * count
    return [f"${i}" for i in range(1, count + 1)]


async def backfill(client: BaseDBAsyncClient) -> None:
    """Every existing subscriber's and mailbox's terms (migration 0012), a chunk at a time."""
    last = 0
    while True:
        people = await bulk.execute_rows(
            client,
            "SELECT id, userid, nominativo, codice_fiscale FROM subscriber WHERE id > {p1} "
            f"ORDER BY id LIMIT {BACKFILL_CHUNK}",
            [last],
        )
        if not people:
            break
        last = int(people[-1]["id"])
        await add_people(
            client,
            ((p["id"], p["userid"], p["nominativo"], p["codice_fiscale"]) for p in people),
        )
    last = 0
    while True:
        boxes = await bulk.execute_rows(
            client,
            "SELECT id, owner_id, address FROM mailbox WHERE id > {p1} "
            f"ORDER BY id LIMIT {BACKFILL_CHUNK}",
            [last],
        )
        if not boxes:
            break
        last = int(boxes[-1]["id"])
        await add_mailboxes(client, ((b["owner_id"], b["address"]) for b in boxes))


async def apply(_apps: Any, schema_editor: Any) -> None:
    """Migration 0012's RunPython: collation (PostgreSQL), indexes, backfill."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            'ALTER TABLE search_term ALTER COLUMN term TYPE VARCHAR(254) COLLATE "C"'
        )
    await backfill(client)  # before the indexes: building them once is cheaper
    for statement in (TERM_INDEX, OWNER_INDEX, MAILBOX_OWNER_INDEX):
        await client.execute_script(statement)
