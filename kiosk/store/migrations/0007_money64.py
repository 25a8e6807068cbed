"""Money columns 64-bit: every `*_cents` column (prices, balances, ledger, orders, payments,
invoices) becomes BIGINT, so no amount a person can type overflows a column.

PostgreSQL: `ALTER COLUMN ... TYPE BIGINT` (the CHECK constraints and triggers of 0002 stay).
SQLite: nothing to do on disk (an INTEGER column already holds 64-bit values), and Tortoise's way
of altering a SQLite column (rebuilding the table) would drop the triggers and the partial index
of 0002: only the migration state changes there.
"""

from typing import Any

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class WidenToBigInt(ops.AlterField):
    """AlterField to BigIntField, applied to the database only where the type really changes."""

    def __init__(self, model_name: str, name: str, **options: Any) -> None:
        super().__init__(model_name=model_name, name=name, field=fields.BigIntField(**options))

    async def database_forward(
        self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        if state_editor is None or state_editor.client.capabilities.dialect == "sqlite":
            return
        await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(
        self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        if state_editor is None or state_editor.client.capabilities.dialect == "sqlite":
            return
        await super().database_backward(app_label, old_state, new_state, state_editor)


class Migration(migrations.Migration):
    dependencies = [("models", "0006_ledger")]

    operations = [
        WidenToBigInt("Price", "net_cents"),
        WidenToBigInt("PrepaidAccount", "balance_cents", default=0),
        WidenToBigInt("PrepaidEntry", "amount_cents"),
        WidenToBigInt("Order", "renewal_net_cents"),
        WidenToBigInt("Order", "fee_net_cents", default=0),
        WidenToBigInt("Order", "net_cents"),
        WidenToBigInt("Order", "vat_cents"),
        WidenToBigInt("Order", "total_cents"),
        WidenToBigInt("Payment", "amount_cents"),
        WidenToBigInt("Invoice", "net_cents"),
        WidenToBigInt("Invoice", "vat_cents"),
        WidenToBigInt("Invoice", "total_cents"),
    ]
