"""What the administration's screens share: the acting administrator, the help desk's port,
Esc to go back to the workspace. Not a screen itself (each admin screen is its own module)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from kiosk.i18n import N_
from kiosk.services.operator_port import OperatorDesk
from screens.base import KioskScreen


class AdminScreen(KioskScreen[None]):
    """A screen of the administration (admin_only in the workspace's sections). The services
    check the role again on every call: the section's flag only hides what would be refused."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]

    @property
    def operator(self) -> str:
        """The acting administrator's userid ("" without a session: every call is refused)."""
        user = self.host.session
        return user.userid if user is not None else ""

    @property
    def office(self) -> OperatorDesk:
        return self.desk.operator

    def action_back(self) -> None:
        self.dismiss()
