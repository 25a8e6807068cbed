"""Operators managed by the administration, and statement exceptions resolved by a person.

- `subscriber.disabled_at`: an operator or administrator disabled by the administration (null:
  enabled); a disabled account cannot log in, act over the CLI (`--as`) or at the desk.
- `statement_line.resolution` (null | matched | refund), `resolved_at`, `resolved_by`,
  `resolution_note`: what the administration made of a line that needed a person.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0014_callbacks")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Subscriber",
            name="disabled_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="StatementLine",
            name="resolution",
            field=fields.CharField(null=True, max_length=16),
        ),
        ops.AddField(
            model_name="StatementLine",
            name="resolved_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name="StatementLine",
            name="resolved_by",
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name="StatementLine",
            name="resolution_note",
            field=fields.CharField(default="", db_default="", max_length=500),
        ),
    ]
