"""Migration 0010 (the outbox over SMTP) on a database with mail from before it: what was sent
is `sent`, the rest is `pending` and due, subscribers write in Italian; the sender then gives
the old rows their Message-ID before their first attempt."""

from __future__ import annotations

from tests.services.test_migration_auth import AREA, _migrate, _sql, empty_url

__all__ = ["empty_url"]  # the fixture, shared with the 0003 test

SUBSCRIBER = (
    "INSERT INTO subscriber (id, userid, nominativo, codice_fiscale, email, area_id, role, "
    "password_hash, cf_proven, created_at) VALUES (1, 'avv.vecchio', 'Avv. Vecchio', 'CF1', "
    "'vecchio@example.org', 'www.lextel.it', 'subscriber', NULL, TRUE, "
    "'2026-01-01 10:00:00+00:00')"
)


def _mail(sent_at: str) -> str:
    return (
        "INSERT INTO outbox_email (kind, to_address, subject, body, template, params, created_at, "
        "sent_at, attempts) VALUES ('invoice', 'vecchio@example.org', 'Fattura', 'Testo', '', "
        f"'{{}}', '2026-01-01 10:00:00+00:00', {sent_at}, 0)"
    )


async def test_migration_0010_marks_sent_mail_and_keeps_the_rest_pending(empty_url: str) -> None:
    await _migrate(empty_url, "models.0006_ledger")
    await _sql(empty_url, [AREA, SUBSCRIBER, _mail("'2026-01-01 10:01:00+00:00'"), _mail("NULL")])
    await _migrate(empty_url)
    rows = await _sql(
        empty_url,
        ["SELECT status, message_id, next_attempt_at, dedupe_key FROM outbox_email ORDER BY id"],
    )
    assert [(r["status"], r["message_id"], r["next_attempt_at"]) for r in rows] == [
        ("sent", "", None),
        ("pending", "", None),
    ]
    (sub,) = await _sql(empty_url, ["SELECT lang FROM subscriber"])
    assert sub["lang"] == "it"
    await _migrate(empty_url)  # idempotent
