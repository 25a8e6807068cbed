"""The operator workspace's sections: one entry per screen it opens, by key.

Each entry names its screen as "module:Class" (imported when first opened, so that the
workspace does not import every operator screen before it is drawn). The screen is built with
no arguments; it reaches the core through `host.desk.operator` and knows the acting operator
from `host.session`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from textual.screen import Screen

from kiosk.domain.model import Role
from kiosk.i18n import N_


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # the workspace's binding, e.g. "f2"
    label: str  # an N_() text, translated when shown
    target: str  # "screens.operator.module:ScreenClass"
    admin_only: bool = False

    def allowed(self, role: Role) -> bool:
        return role is Role.ADMIN or (not self.admin_only and role is Role.OPERATOR)

    def build(self) -> Screen[Any]:
        module, attribute = self.target.split(":")
        screen = getattr(importlib.import_module(module), attribute)()
        assert isinstance(screen, Screen)
        return screen


# Sections register here (one line each), in the order the workspace shows them.
SECTIONS: tuple[Section, ...] = (
    Section("f3", N_("Richiamate"), "screens.operator.callbacks:CallbackQueueScreen"),
    Section("f4", N_("Scadenze"), "screens.operator.radar:ExpiryRadarScreen"),
    Section("f5", N_("Incassi"), "screens.operator.takings:TakingsScreen"),
    # the administration's (admin_only): money in, statements, the desk's accounts
    Section("f6", N_("Ricarica conto"), "screens.operator.topup:TopUpScreen", admin_only=True),
    Section(
        "f7",
        N_("Conferma pagamento"),
        "screens.operator.confirm_payment:ConfirmPaymentScreen",
        admin_only=True,
    ),
    Section(
        "f8", N_("Estratti conto"), "screens.operator.statements:StatementsScreen", admin_only=True
    ),
    Section("f9", N_("Operatori"), "screens.operator.operators:OperatorsScreen", admin_only=True),
    Section("f10", N_("Assistenza remota"), "screens.operator.assist:AssistJoinScreen"),
)
