"""Schema invariants that Tortoise's model options cannot declare portably.

- at most one open (pending or paid) renewal order per mailbox: a partial unique index;
- a prepaid balance never below zero, an order total equal to net + IVA, positive prices;
- the prepaid ledger and the audit trail are append-only.

PostgreSQL gets CHECK constraints and a trigger function; SQLite (which cannot add a CHECK to an
existing table) gets triggers that abort the statement. Applied by migration 0002.
"""

from __future__ import annotations

from typing import Any

from kiosk.domain.model import OPEN_ORDER_STATUSES

OPEN_ORDER_INDEX = (
    "CREATE UNIQUE INDEX one_open_order_per_mailbox ON renewal_order (mailbox_id) "
    "WHERE status IN (" + ", ".join(f"'{s.value}'" for s in OPEN_ORDER_STATUSES) + ")"
)

_SQLITE_CHECKS = {
    # name: (table, events, condition)
    "balance_not_negative": ("prepaid_account", "INSERT OR UPDATE", "NEW.balance_cents < 0"),
    "order_total": (
        "renewal_order",
        "INSERT OR UPDATE",
        "NEW.total_cents <> NEW.net_cents + NEW.vat_cents",
    ),
    "price_positive": ("price", "INSERT OR UPDATE", "NEW.net_cents <= 0"),
}
APPEND_ONLY = ("prepaid_entry", "audit_event")


def sqlite_sql() -> list[str]:
    statements = [OPEN_ORDER_INDEX]
    for name, (table, events, condition) in _SQLITE_CHECKS.items():
        for event in events.split(" OR "):
            statements.append(
                f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} "
                f"WHEN {condition} "
                f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
            )
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'constraint failed: {table} is append-only'); END"
            )
    return statements


def postgres_sql() -> list[str]:
    statements = [
        OPEN_ORDER_INDEX,
        "ALTER TABLE prepaid_account ADD CONSTRAINT balance_not_negative "
        "CHECK (balance_cents >= 0)",
        "ALTER TABLE renewal_order ADD CONSTRAINT order_total "
        "CHECK (total_cents = net_cents + vat_cents)",
        "ALTER TABLE price ADD CONSTRAINT price_positive CHECK (net_cents > 0)",
        "CREATE FUNCTION kiosk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME "
        "USING ERRCODE = 'integrity_constraint_violation'; END $$",
    ]
    for table in APPEND_ONLY:
        statements.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION kiosk_append_only()"
        )
    return statements


async def apply(_apps: Any, schema_editor: Any) -> None:
    """RunPython entry point: pick the dialect's statements and run them."""
    client = schema_editor.client
    dialect = client.capabilities.dialect
    if dialect == "sqlite":
        statements = sqlite_sql()
    elif dialect == "postgres":
        statements = postgres_sql()
    else:  # pragma: no cover - only the two supported backends
        raise RuntimeError(f"unsupported database dialect: {dialect}")
    for statement in statements:
        await client.execute_script(statement)
