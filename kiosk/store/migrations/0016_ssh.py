"""`pec-kiosk serve ssh`: `ssh_key`, the SSH public keys (one key, one operator account or one
kiosk terminal: exactly one of the two, a CHECK on PostgreSQL, abort triggers on SQLite)."""

from typing import Any

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

ONE_OWNER = "(operator_id IS NULL) <> (terminal IS NULL)"


async def _one_owner(_apps: Any, schema_editor: Any) -> None:
    """A key belongs to an operator or to a terminal, never both nor neither."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        await client.execute_script(
            f"ALTER TABLE ssh_key ADD CONSTRAINT ssh_key_one_owner CHECK ({ONE_OWNER})"
        )
        return
    for event in ("INSERT", "UPDATE"):
        await client.execute_script(
            f"CREATE TRIGGER ssh_key_one_owner_{event.lower()} BEFORE {event} ON ssh_key "
            f"WHEN NOT ((NEW.operator_id IS NULL) <> (NEW.terminal IS NULL)) "
            "BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: ssh_key_one_owner'); END"
        )


class Migration(migrations.Migration):
    dependencies = [("models", "0015_operators")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SshKey",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("fingerprint", fields.CharField(unique=True, max_length=64)),
                ("public_key", fields.TextField(unique=False)),
                ("comment", fields.CharField(default="", max_length=200)),
                ("operator", fields.ForeignKeyField("models.Subscriber", source_field="operator_id", null=True, db_constraint=True, to_field="id", related_name="ssh_keys", on_delete=OnDelete.CASCADE)),
                ("terminal", fields.CharField(null=True, max_length=64)),
                ("added_by", fields.CharField(max_length=32)),
                ("added_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "ssh_key", "app": "models", "pk_attr": "id", "table_description": "An SSH public key for `pec-kiosk serve ssh`: one key, one operator account or one kiosk"},
            bases=["Model"],
        ),
        ops.RunPython(_one_owner),
    ]
