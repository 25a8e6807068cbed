"""Granting the PostgreSQL runtime role its privileges, as the owner (`db grant --apply`)."""

from __future__ import annotations

from kiosk.errors import InvalidInput
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.tx import audit, guarded
from kiosk.store.roles import grant_statements, model_tables, role_name


@guarded
async def apply_grants(ctx: ServiceContext, role: str, *, actor: str) -> list[str]:
    """Run the GRANT statements for `role` in one transaction; the statements run."""
    from tortoise.transactions import in_transaction

    role = role_name(role)
    async with in_transaction() as client:
        if client.capabilities.dialect != "postgres":
            raise InvalidInput("role", _("I ruoli del database esistono solo con PostgreSQL."))
        _n, rows = await client.execute_query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])
        if not rows:
            raise InvalidInput(
                "role",
                _(
                    "Il ruolo {role} non esiste: crearlo prima (CREATE ROLE {role} LOGIN "
                    "PASSWORD '...')."
                ).format(role=role),
            )
        statements = grant_statements(role, model_tables())
        for statement in statements:
            await client.execute_script(statement)
        await audit(ctx.now(), "db.grant", actor=actor, subject=role)
    return statements
