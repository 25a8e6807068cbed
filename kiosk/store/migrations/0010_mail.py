"""The outbox delivered over SMTP, and each subscriber's language for e-mails.

- `outbox_email`: `status` (pending | sending | sent | failed), `message_id` (made before the
  first attempt), `next_attempt_at` (the backoff), `claimed_until` / `claim_token` (a sender's
  lease), `dedupe_key` (unique: a message that must go once, such as an expiry reminder);
  rows already sent before this migration are marked `sent`.
- `subscriber.lang`: the language of the e-mails to them (Italian by default).
"""

from typing import Any

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


async def _mark_sent(_apps: Any, schema_editor: Any) -> None:
    await schema_editor.client.execute_script(
        "UPDATE outbox_email SET status = 'sent' WHERE sent_at IS NOT NULL"
    )


class Migration(migrations.Migration):
    dependencies = [("models", "0009_bank")]

    initial = False

    operations = [
        ops.AddField(
            model_name="OutboxEmail",
            name="claim_token",
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name="OutboxEmail",
            name="claimed_until",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="OutboxEmail",
            name="dedupe_key",
            field=fields.CharField(null=True, unique=True, max_length=200),
        ),
        ops.AddField(
            model_name="OutboxEmail",
            name="message_id",
            field=fields.CharField(default="", db_default="", max_length=200),
        ),
        ops.AddField(
            model_name="OutboxEmail",
            name="next_attempt_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="OutboxEmail",
            name="status",
            field=fields.CharField(default="pending", db_default="pending", max_length=16),
        ),
        ops.AddIndex(
            model_name="OutboxEmail",
            index=Index(fields=["status", "next_attempt_at"]),
        ),
        ops.AddField(
            model_name="Subscriber",
            name="lang",
            field=fields.CharField(default="it", db_default="it", max_length=8),
        ),
        ops.RunPython(_mark_sent),
    ]
