"""Migration 0003 (authentication) on a database that already has data from before it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise.context import TortoiseContext

from kiosk.store.db import tortoise_config
from tests import dbs


@pytest.fixture
async def empty_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database with no schema at all (this test migrates it step by step)."""
    if backend == "sqlite":
        yield f"sqlite://{tmp_path / 'old.sqlite3'}"
        return
    base = dbs.pg_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {dbs.PG_ENV}")
    url = await dbs.create_empty_pg_database(base)
    try:
        yield url
    finally:
        await dbs.drop_pg_database(base, url)


async def _migrate(url: str, target: str | None = None) -> None:
    from tortoise.migrations.api import migrate

    async with TortoiseContext():
        await migrate(config=tortoise_config(url), target=target)


async def _sql(url: str, statements: list[str]) -> list[dict[str, object]]:
    """Run statements on the raw connection; the rows of the last one."""
    from tortoise import Tortoise

    rows: list[dict[str, object]] = []
    async with TortoiseContext():
        await Tortoise.init(config=tortoise_config(url))
        client = Tortoise.get_connection("sqlite" if url.startswith("sqlite") else "postgres")
        for statement in statements:
            _n, result = await client.execute_query(statement)
            rows = [dict(r) for r in result]
        await Tortoise.close_connections()
    return rows


AREA = (
    "INSERT INTO area (code, name, ordine, ordine_domains, convention_domains, is_default) "
    "VALUES ('www.lextel.it', 'Lextel', '', '[]', '[]', TRUE)"
)


def _subscriber(n: int, userid: str, email: str, password: str | None) -> str:
    hashed = f"'{password}'" if password else "NULL"
    return (
        "INSERT INTO subscriber (id, userid, nominativo, codice_fiscale, email, area_id, role, "
        "password_hash, failed_logins, locked_until, created_at) VALUES "
        f"({n}, '{userid}', 'Avv. {n}', 'CF{n}', '{email}', 'www.lextel.it', 'subscriber', "
        f"{hashed}, 0, NULL, '2026-01-01 10:00:00+00:00')"
    )


async def test_migration_0003_normalises_emails_marks_self_registrations_and_scrubs_codes(
    empty_url: str,
) -> None:
    await _migrate(empty_url, "models.0002_invariants")
    await _sql(
        empty_url,
        [
            AREA,
            _subscriber(1, "avv.importato", "Avv.Rossi@Example.ORG", None),
            _subscriber(2, "avv.iscritto", "Nuovo@Example.org", "$argon2id$x"),
            "INSERT INTO audit_event (at, actor, action, subject, details) VALUES "
            "('2026-01-01 10:00:00+00:00', 'avv.iscritto', 'register', 'avv.iscritto', '{}')",
            "INSERT INTO outbox_email (kind, to_address, subject, body, created_at, sent_at, "
            "attempts) VALUES ('recovery', 'nuovo@example.org', 'R', 'Codice di recupero: "
            "12345678', '2026-01-01 10:00:00+00:00', NULL, 0)",
            "INSERT INTO outbox_email (kind, to_address, subject, body, created_at, sent_at, "
            "attempts) VALUES ('recovery', 'nuovo@example.org', 'R', 'Codice di recupero: "
            "87654321', '2026-01-01 10:00:00+00:00', '2026-01-01 10:01:00+00:00', 1)",
            "INSERT INTO outbox_email (kind, to_address, subject, body, created_at, sent_at, "
            "attempts) VALUES ('invoice', 'nuovo@example.org', 'F', 'Fattura 2026/000001', "
            "'2026-01-01 10:00:00+00:00', NULL, 0)",
            "INSERT INTO recovery_code (subscriber_id, code_hash, created_at, expires_at, "
            "used_at, attempts) VALUES (2, '$argon2id$c', '2026-01-01 10:00:00+00:00', "
            "'2026-01-01 10:15:00+00:00', NULL, 0)",
            "INSERT INTO recovery_code (subscriber_id, code_hash, created_at, expires_at, "
            "used_at, attempts) VALUES (2, '$argon2id$d', '2026-01-01 09:00:00+00:00', "
            "'2026-01-01 09:15:00+00:00', '2026-01-01 09:05:00+00:00', 1)",
        ],
    )
    await _migrate(empty_url)
    subscribers = await _sql(
        empty_url, ["SELECT userid, email, cf_proven FROM subscriber ORDER BY id"]
    )
    assert [(s["userid"], s["email"], bool(s["cf_proven"])) for s in subscribers] == [
        ("avv.importato", "avv.rossi@example.org", True),
        ("avv.iscritto", "nuovo@example.org", False),
    ]
    mails = await _sql(empty_url, ["SELECT kind, body FROM outbox_email ORDER BY id"])
    assert [(m["kind"], m["body"]) for m in mails] == [
        ("recovery", "Codice di recupero: ********"),  # sent: kept, without its code
        ("invoice", "Fattura 2026/000001"),
    ]
    codes = await _sql(empty_url, ["SELECT code_hash FROM recovery_code"])
    assert [c["code_hash"] for c in codes] == ["$argon2id$d"]  # the used one is history
    columns = await _sql(empty_url, ["SELECT * FROM subscriber"])
    assert "failed_logins" not in columns[0] and "locked_until" not in columns[0]
    # the rebuilt-free column drop kept the codice fiscale's index and the foreign keys
    await _sql(empty_url, ["SELECT * FROM auth_throttle", "SELECT * FROM pending_registration"])
    await _migrate(empty_url)  # idempotent
