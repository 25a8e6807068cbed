"""What the help desk's screens may ask of the core (`host.desk.operator`).

The counterpart of `Desk` for operators and administrators: every call names the acting
operator (`operator`, a userid) so that the services can check the role and audit who did it.
`kiosk.services.operator_desk.OperatorFrontDesk` implements it on top of the services.
"""

from __future__ import annotations

from typing import Protocol

from kiosk.domain.search import SubscriberHit


class OperatorDesk(Protocol):
    """Everything an operator screen may ask of the core (methods added per feature)."""

    async def search(self, text: str, *, operator: str) -> tuple[SubscriberHit, ...]:
        """Cerca: subscribers by userid, PEC address, codice fiscale or name (prefix, case and
        accents ignored; nothing under 2 characters); `Refusal(NOT_OPERATOR)` unless
        `operator` is an operator or the administration."""
        ...
