"""The help desk's money: `desk_payment` (cash or a cheque handed in at the desk, a cheque
to be cashed until a statement shows it), the operator on the invoice, and `contanti` among the
payment methods."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops
from kiosk.domain.model import PaymentMethod
from tortoise.fields.base import OnDelete
from tortoise import fields

class DescriptionOnly(ops.AlterField):
    """A field whose description changed (the new method `contanti`): the column is the same
    VARCHAR(16), so only the migration state changes. Tortoise's SQLite AlterField rebuilds the
    table, which would drop the triggers, CHECKs and partial index of 0002."""

    async def database_forward(
        self, app_label: Any, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        return None

    async def database_backward(
        self, app_label: Any, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        return None


class Migration(migrations.Migration):
    dependencies = [("models", "0012_search")]

    initial = False

    operations = [
        ops.CreateModel(
            name='DeskPayment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.OneToOneField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='desk_payment', on_delete=OnDelete.RESTRICT)),
                ('method', fields.CharEnumField(description='PREPAID: prepaid\nCARTA: carta\nBONIFICO: bonifico\nBOLLETTINO: bollettino\nASSEGNO: assegno\nCONTANTI: contanti', enum_type=PaymentMethod, max_length=16)),
                ('amount_cents', fields.BigIntField()),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_by', fields.CharField(max_length=32)),
                ('on_behalf_of', fields.CharField(max_length=32)),
                ('handover', fields.BooleanField(default=False)),
                ('cheque_bank', fields.CharField(null=True, max_length=80)),
                ('cheque_number', fields.CharField(null=True, db_index=True, max_length=20)),
                ('cheque_drawer', fields.CharField(null=True, max_length=120)),
                ('status', fields.CharField(db_index=True, max_length=16)),
                ('cashed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cashed_reference', fields.CharField(null=True, max_length=140)),
            ],
            options={'table': 'desk_payment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Money handed in at the help desk: cash, or a cheque to be cashed.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Invoice',
            name='operator',
            field=fields.CharField(null=True, max_length=32),
        ),
        DescriptionOnly(
            model_name='Order',
            name='method',
            field=fields.CharEnumField(description='PREPAID: prepaid\nCARTA: carta\nBONIFICO: bonifico\nBOLLETTINO: bollettino\nASSEGNO: assegno\nCONTANTI: contanti', enum_type=PaymentMethod, max_length=16),
        ),
        DescriptionOnly(
            model_name='Payment',
            name='method',
            field=fields.CharEnumField(description='PREPAID: prepaid\nCARTA: carta\nBONIFICO: bonifico\nBOLLETTINO: bollettino\nASSEGNO: assegno\nCONTANTI: contanti', enum_type=PaymentMethod, max_length=16),
        ),
    ]

