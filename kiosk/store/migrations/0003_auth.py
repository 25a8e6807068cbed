"""Authentication that cannot be raced, probed or taken over.

- `auth_throttle`: one row per throttled key (login per userid and per terminal, code e-mails
  per identifier, the exit PIN), reserved before any secret is checked;
- `pending_registration`: step one of Iscriviti, waiting for the e-mailed code;
- `subscriber.cf_proven`; `recovery_code.nonce`; `outbox_email.template` / `params` (codes are
  rendered at send time, never stored);
- gone: `subscriber.failed_logins` / `locked_until` (the throttle replaces them) and
  `recovery_request` (the throttle counts the requests);
- data (`kiosk.store.auth_data`): e-mail addresses lower-cased, self-registered accounts marked
  `cf_proven = false`, codes in clear removed from the outbox, undeliverable codes dropped.
"""

import functools
from json import dumps, loads

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from kiosk.store import auth_data


class DropColumn(ops.RemoveField):
    """RemoveField as a plain `ALTER TABLE ... DROP COLUMN` on both backends: Tortoise's SQLite
    editor would rebuild the table instead (DROP TABLE subscriber, which the foreign keys of
    every mailbox and order refuse, and which loses the table's indexes)."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):
        if not state_editor:
            return
        model = old_state.apps.get_model(f"{app_label}.{self.model_name}")
        table = model._meta.db_table
        await state_editor.client.execute_script(f'ALTER TABLE "{table}" DROP COLUMN "{self.name}"')


class Migration(migrations.Migration):
    dependencies = [("models", "0002_invariants")]

    initial = False

    operations = [
        ops.CreateModel(
            name="AuthThrottle",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("key", fields.CharField(unique=True, max_length=64)),
                ("kind", fields.CharField(max_length=16)),
                ("failures", fields.IntField(default=0)),
                ("last_failure_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("next_allowed_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("locked_until", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("count", fields.IntField(default=0)),
                ("window_start", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={"table": "auth_throttle", "app": "models", "pk_attr": "id", "table_description": "One row per throttled key: a userid's or a terminal's wrong passwords, the exit PIN's"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PendingRegistration",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("handle", fields.CharField(unique=True, max_length=32)),
                ("kind", fields.CharField(max_length=16)),
                ("subscriber", fields.ForeignKeyField("models.Subscriber", source_field="subscriber_id", null=True, db_constraint=True, to_field="id", related_name="registrations", on_delete=OnDelete.CASCADE)),
                ("userid", fields.CharField(max_length=32)),
                ("nominativo", fields.CharField(max_length=120)),
                ("codice_fiscale", fields.CharField(max_length=16)),
                ("email", fields.CharField(max_length=254)),
                ("area", fields.ForeignKeyField("models.Area", source_field="area_id", db_constraint=True, to_field="code", related_name="registrations", on_delete=OnDelete.RESTRICT)),
                ("password_hash", fields.CharField(max_length=200)),
                ("code_hash", fields.CharField(max_length=200)),
                ("nonce", fields.CharField(max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("used_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("attempts", fields.IntField(default=0)),
            ],
            options={"table": "pending_registration", "app": "models", "pk_attr": "id", "table_description": "Iscriviti, step one: everything the form said, waiting for the e-mailed code."},
            bases=["Model"],
        ),
        ops.AddField(
            model_name="OutboxEmail",
            name="params",
            field=fields.JSONField(default=dict, db_default={}, encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads),
        ),
        ops.AddField(
            model_name="OutboxEmail",
            name="template",
            field=fields.CharField(default="", db_default="", max_length=32),
        ),
        ops.AlterModelOptions(
            name="RecoveryCode",
            options={"table": "recovery_code", "app": "models", "pk_attr": "id", "table_description": "A single-use credential-recovery code. Never stored in clear: the code is derived from"},
        ),
        ops.AddField(
            model_name="RecoveryCode",
            name="nonce",
            field=fields.CharField(default="", db_default="", max_length=64),
        ),
        ops.AddField(
            model_name="Subscriber",
            name="cf_proven",
            field=fields.BooleanField(default=True, db_default=True),
        ),
        DropColumn(model_name="Subscriber", name="failed_logins"),
        DropColumn(model_name="Subscriber", name="locked_until"),
        ops.DeleteModel(name="RecoveryRequest"),
        ops.RunPython(auth_data.apply),
    ]
