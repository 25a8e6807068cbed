"""Card payments through the bank: `card_payment` (one per attempt at the bank) and
`bank_notification` (every notification received; `paid_txn_id` unique: one payment per bank
transaction, however often it is notified)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [("models", "0007_money64")]

    initial = False

    operations = [
        ops.CreateModel(
            name='BankNotification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('body_sha256', fields.CharField(max_length=64)),
                ('signature_ok', fields.BooleanField()),
                ('outcome', fields.CharField(max_length=24)),
                ('needs_person', fields.BooleanField(default=False, db_index=True)),
                ('order_code', fields.CharField(null=True, max_length=16)),
                ('payment_id', fields.CharField(null=True, max_length=64)),
                ('bank_txn_id', fields.CharField(null=True, max_length=64)),
                ('paid_txn_id', fields.CharField(null=True, unique=True, max_length=64)),
                ('detail', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'bank_notification', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Every notification received from the bank, and what became of it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CardPayment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('models.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='card_payments', on_delete=OnDelete.RESTRICT)),
                ('payment_id', fields.CharField(unique=True, max_length=64)),
                ('token', fields.CharField(max_length=128)),
                ('page_url', fields.CharField(max_length=500)),
                ('status', fields.CharField(default='pending', max_length=8)),
                ('bank_txn_id', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('settled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'card_payment', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A payment opened at the bank for a card order (one per attempt).'},
            bases=['Model'],
        ),
    ]
