"""The data part of migration 0003 (authentication), for rows written before it.

- E-mail addresses are compared case-insensitively: every address is stored lower-cased (local
  part too: no provider of this program's users treats case as meaningful, and a recovery by
  e-mail must find `Avv.Rossi@Example.org`). Invoices keep the address they were issued to.
- A self-registration (audit `register` whose actor is the new userid itself) proved an e-mail
  address, not a codice fiscale: `cf_proven = false`. Accounts imported or added by the back
  office keep `true`.
- Recovery e-mails used to carry the code in their body: unsent ones are deleted (their codes
  have no nonce and can never be rendered), sent ones have the code blanked; codes without a
  nonce that were never used are deleted (whoever needs one asks again).
"""

from __future__ import annotations

import re
from typing import Any

_CODE = re.compile(r"\b\d{8}\b")


def _placeholders(dialect: str, n: int) -> list[str]:
    return ["?"] * n if dialect == "sqlite" else [f"${i}" for i in range(1, n + 1)]


async def apply(_apps: Any, schema_editor: Any) -> None:
    """RunPython entry point."""
    client = schema_editor.client
    dialect = client.capabilities.dialect
    one, two = _placeholders(dialect, 2)

    _count, rows = await client.execute_query("SELECT id, email FROM subscriber")
    for row in rows:
        lowered = str(row["email"]).strip().lower()
        if lowered != row["email"]:
            await client.execute_query(
                f"UPDATE subscriber SET email = {one} WHERE id = {two}", [lowered, row["id"]]
            )

    await client.execute_script(
        "UPDATE subscriber SET cf_proven = FALSE WHERE role = 'subscriber' AND EXISTS ("
        "SELECT 1 FROM audit_event a WHERE a.action = 'register' "
        "AND a.actor = subscriber.userid AND a.subject = subscriber.userid)"
    )

    await client.execute_script(
        "DELETE FROM outbox_email WHERE kind = 'recovery' AND sent_at IS NULL"
    )
    _count, mails = await client.execute_query(
        "SELECT id, body FROM outbox_email WHERE kind = 'recovery'"
    )
    for mail in mails:
        scrubbed = _CODE.sub("********", str(mail["body"]))
        if scrubbed != mail["body"]:
            await client.execute_query(
                f"UPDATE outbox_email SET body = {one} WHERE id = {two}", [scrubbed, mail["id"]]
            )
    await client.execute_script("DELETE FROM recovery_code WHERE used_at IS NULL AND nonce = ''")
