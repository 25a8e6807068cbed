"""The walk-in hand-over's banner: "Operatore X per conto di Y", on every screen while an
operator acts inside a lawyer's session (hidden otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.reactive import reactive
from textual.widgets import Static

from kiosk.i18n import _
from screens.widgets.literal import literal

if TYPE_CHECKING:  # a DTO: imported after the first paint
    from kiosk.services.desk_dto import ActingOperator


class ActingBanner(Static):
    DEFAULT_CSS = """
    ActingBanner {
        width: 100%;
        height: auto;
        padding: 0 1;
        background: $warning 30%;
        border-left: thick $warning;
        text-style: bold;
        display: none;
    }
    ActingBanner.-shown { display: block; }
    """

    acting: reactive[ActingOperator | None] = reactive(None, always_update=True)

    def watch_acting(self, acting: ActingOperator | None) -> None:
        self.set_class(acting is not None, "-shown")
        if acting is None:
            self.update("")
            return
        self.update(
            literal(
                _("Operatore {operator} per conto di {lawyer}").format(
                    operator=acting.operator.nominativo, lawyer=acting.lawyer.nominativo
                )
            )
        )
