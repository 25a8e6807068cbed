"""Who may use the help desk's queues: an operator or an administrator, by userid."""

from __future__ import annotations

from kiosk.domain import validation
from kiosk.domain.model import Role
from kiosk.errors import Reason, Refusal
from kiosk.i18n import _
from kiosk.store.models import Subscriber


async def require_staff(operator: str) -> tuple[str, Role]:
    """The operator's userid and role; `Refusal(NOT_OPERATOR)` for anyone else (unknown or a
    lawyer: the same words, so the answer reveals nothing about accounts)."""
    userid = validation.userid_ref(operator, "operator")
    row = await Subscriber.get_or_none(userid=userid)
    if row is None or Role(row.role) not in (Role.OPERATOR, Role.ADMIN):
        raise Refusal(
            Reason.NOT_OPERATOR,
            _("{userid} non è un operatore dello sportello.").format(userid=userid),
        )
    return row.userid, Role(row.role)
