"""Reconciliation of bank statements: `statement_line`, one row per imported credit line,
unique by the bank's entry reference."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [("models", "0010_mail")]

    initial = False

    operations = [
        ops.CreateModel(
            name='StatementLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry_reference', fields.CharField(unique=True, max_length=140)),
                ('file_hash', fields.CharField(max_length=64)),
                ('booked_on', fields.DateField(null=True)),
                ('amount_cents', fields.BigIntField()),
                ('causale', fields.CharField(default='', max_length=500)),
                ('outcome', fields.CharField(max_length=24)),
                ('order_code', fields.CharField(null=True, max_length=10)),
                ('imported_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('operator', fields.CharField(null=True, max_length=32)),
            ],
            options={'table': 'statement_line', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A credit line of an imported bank statement and what reconciliation made of it.'},
            bases=['Model'],
        ),
    ]
