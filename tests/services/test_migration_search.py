"""Migration 0012 (subscriber search) on a database with subscribers and mailboxes from before
it: their terms are made (backfill), on SQLite and PostgreSQL, and the search finds them."""

from __future__ import annotations

from tests.services.test_migration_auth import AREA, _migrate, _sql, empty_url

__all__ = ["empty_url"]  # the fixture, shared with the 0003 test

SUBSCRIBER = (
    "INSERT INTO subscriber (id, userid, nominativo, codice_fiscale, email, area_id, role, "
    "password_hash, cf_proven, created_at) VALUES (7, 'avv.vecchio', 'Avv. Niccolò D''Àvila', "
    "'DVLNCC80A01H703X', 'vecchio@example.org', 'www.lextel.it', 'subscriber', NULL, TRUE, "
    "'2026-01-01 10:00:00+00:00')"
)
MAILBOX = (
    "INSERT INTO mailbox (address, family, area_id, owner_id, anchor_date, expiry_date, "
    "created_at) VALUES ('studio.avila@legalmail.it', 'legalmail', 'www.lextel.it', 7, "
    "'2025-01-01', '2026-01-01', '2026-01-01 10:00:00+00:00')"
)


async def test_migration_0012_makes_the_terms_of_existing_rows(empty_url: str) -> None:
    await _migrate(empty_url, "models.0011_statements")
    await _sql(empty_url, [AREA, SUBSCRIBER, MAILBOX])
    await _migrate(empty_url)
    rows = await _sql(
        empty_url, ["SELECT term, subscriber_id, field FROM search_term ORDER BY term"]
    )
    assert [(r["term"], r["subscriber_id"], r["field"]) for r in rows] == [
        ("avila niccolo", 7, "name"),  # the name from each of its words on, in a circle
        ("avv.vecchio", 7, "userid"),
        ("d'avila niccolo", 7, "name"),
        ("davila niccolo", 7, "name"),
        ("dvlncc80a01h703x", 7, "cf"),
        ("niccolo d'avila", 7, "name"),
        ("studio.avila@legalmail.it", 7, "pec"),
    ]
    # the range scan's order is the code points' on PostgreSQL too (COLLATE "C")
    ordered = await _sql(
        empty_url,
        ["SELECT term FROM search_term WHERE term >= 'd' AND term < 'e' ORDER BY term"],
    )
    assert [r["term"] for r in ordered] == ["d'avila niccolo", "davila niccolo", "dvlncc80a01h703x"]
    await _migrate(empty_url)  # idempotent
