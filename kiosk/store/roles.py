"""The PostgreSQL runtime role: only what the program needs (`pec-kiosk db grant ROLE`).

The owner role (the one `KIOSK_DATABASE_URL` names for `pec-kiosk db migrate`) owns the schema;
the kiosks and the back office run as a runtime role that can read everything, insert rows, and
change only the columns the services change: no DDL, no TRUNCATE, no UPDATE or DELETE of the
ledger (`prepaid_entry`), the audit trail, payments or invoices. DELETE only where the program
deletes (expired pending registrations, the exit PIN's throttle rows).

Keep `UPDATES` and `DELETES` in step with the services (every `.update(` and `.delete()` in
`kiosk/services`): `tests/services/test_runtime_role.py` runs the main flows as such a role.
"""

from __future__ import annotations

import re

from kiosk.errors import InvalidInput
from kiosk.i18n import _

ROLE_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIGRATIONS_TABLE = "tortoise_migrations"

# table -> the columns the services UPDATE (SELECT ... FOR UPDATE also needs one of them)
UPDATES: dict[str, tuple[str, ...]] = {
    "area": ("name", "ordine", "ordine_domains", "convention_domains", "is_default"),
    "price": ("net_cents",),  # reference data sync
    # recovery, registration binding an imported subscriber; the language mail is written in;
    # the administration disabling or enabling an operator
    "subscriber": ("password_hash", "lang", "disabled_at"),
    "mailbox": ("expiry_date", "owner_id"),  # activation; the help desk links a mailbox
    "prepaid_account": ("balance_cents",),
    "renewal_order": ("status", "paid_at", "activation_due_at", "activated_at", "cancelled_at"),
    "invoice_counter": ("last_number",),
    "recovery_code": ("used_at", "attempts"),
    "pending_registration": ("used_at", "attempts"),
    "auth_throttle": (
        "failures",
        "last_failure_at",
        "next_allowed_at",
        "locked_until",
        "count",
        "window_start",
    ),
    "outbox_email": (  # the sender: claims with a lease, outcome, retries
        "status",
        "message_id",
        "next_attempt_at",
        "claimed_until",
        "claim_token",
        "sent_at",
        "attempts",
        "last_error",
    ),
    "card_payment": ("status", "bank_txn_id", "settled_at"),  # the bank's outcome
    "desk_payment": ("status", "cashed_at", "cashed_reference"),  # a cheque cashed
    # the callback queue: taken, reassigned by an administrator, closed with its outcome
    "callback_request": ("status", "handled_at", "handled_by", "taken_by", "taken_at", "outcome"),
    # a statement line resolved by the administration (matched to an order, or to refund)
    "statement_line": (
        "resolution",
        "resolved_at",
        "resolved_by",
        "resolution_note",
        "order_code",
    ),
    "kiosk_meta": ("value",),  # the exit PIN's hash, the demo's day, the reference data's hash
}
# ssh_key: `users key remove`; search_term: a subscriber's terms are made again after a change
# (`search_index.reindex`)
DELETES = ("pending_registration", "auth_throttle", "ssh_key", "search_term")


def role_name(value: str) -> str:
    """A PostgreSQL role name the program will write into GRANT statements: a plain lower-case
    identifier, or exit 2 (never quoted into SQL as typed)."""
    if not ROLE_RE.match(value) or value.startswith("pg_") or value == "public":
        raise InvalidInput(
            "role",
            _(
                "Nome di ruolo non valido: usare da 1 a 63 lettere minuscole, cifre o trattini "
                "bassi, iniziando con una lettera (non pg_..., non public)."
            ),
        )
    return value


def grant_statements(role: str, tables: list[str]) -> list[str]:
    """The statements, idempotent: everything taken back first, then granted again."""
    role = role_name(role)
    quoted = f'"{role}"'
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
        f"GRANT SELECT ON {MIGRATIONS_TABLE} TO {quoted}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {quoted}",
    ]
    for table in sorted(t for t in tables if t != MIGRATIONS_TABLE):
        statements.append(f"GRANT SELECT, INSERT ON {table} TO {quoted}")
        columns = UPDATES.get(table)
        if columns:
            statements.append(f"GRANT UPDATE ({', '.join(columns)}) ON {table} TO {quoted}")
        if table in DELETES:
            statements.append(f"GRANT DELETE ON {table} TO {quoted}")
    return statements


def model_tables() -> list[str]:
    """Every table of the program's models."""
    from tortoise.models import Model

    from kiosk.store import models

    return sorted(
        obj._meta.db_table
        for obj in vars(models).values()
        if isinstance(obj, type) and issubclass(obj, Model) and obj is not Model
    )
