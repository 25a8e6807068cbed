"""`pec-kiosk serve ssh`: `ssh_key`, the operators' SSH public keys (one key, one operator)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


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
                ("operator", fields.ForeignKeyField("models.Subscriber", source_field="operator_id", db_constraint=True, to_field="id", related_name="ssh_keys", on_delete=OnDelete.CASCADE)),
                ("added_by", fields.CharField(max_length=32)),
                ("added_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "ssh_key", "app": "models", "pk_attr": "id", "table_description": "An operator's SSH public key for `pec-kiosk serve ssh`: one key, one operator account."},
            bases=["Model"],
        ),
    ]
