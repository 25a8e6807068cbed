"""The help desk's callback queue and expiry radar.

- `callback_request`: `taken_by` / `taken_at` (the operator who took it: a conditional UPDATE,
  so two operators never take the same request), `outcome` (said when it is closed),
  `origin_key` (unique: the request the queue made itself for a box whose window closed);
  the old `done` status is `closed`.
- `callback_note`: notes on a request, appended with who and when.
- `mailbox`: indexes on (area, expiry) and expiry, for the radar and the queue.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index



async def _done_is_closed(_apps: Any, schema_editor: Any) -> None:
    await schema_editor.client.execute_script(
        "UPDATE callback_request SET status = 'closed' WHERE status = 'done'"
    )


class Migration(migrations.Migration):
    dependencies = [("models", "0013_desk")]

    initial = False

    operations = [
        ops.CreateModel(
            name='CallbackNote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('request', fields.ForeignKeyField('models.CallbackRequest', source_field='request_id', db_constraint=True, to_field='id', related_name='notes', on_delete=OnDelete.RESTRICT)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('author', fields.CharField(max_length=32)),
                ('text', fields.CharField(max_length=500)),
            ],
            options={'table': 'callback_note', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A note on a callback request (appended, never edited).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='CallbackRequest',
            name='origin_key',
            field=fields.CharField(null=True, unique=True, max_length=100),
        ),
        ops.AddField(
            model_name='CallbackRequest',
            name='outcome',
            field=fields.CharField(default='', db_default='', max_length=500),
        ),
        ops.AddField(
            model_name='CallbackRequest',
            name='taken_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='CallbackRequest',
            name='taken_by',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddIndex(
            model_name='CallbackRequest',
            index=Index(fields=['status', 'created_at']),
        ),
        ops.AddIndex(
            model_name='Mailbox',
            index=Index(fields=['area_id', 'expiry_date']),
        ),
        ops.AddIndex(
            model_name='Mailbox',
            index=Index(fields=['expiry_date']),
        ),
        ops.RunPython(_done_is_closed),
    ]

