"""The countdown shown in the last seconds before an idle session is wiped."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from kiosk.i18n import _


class IdleWarning(Static):
    DEFAULT_CSS = """
    IdleWarning {
        dock: bottom;
        layer: overlay;
        width: 100%;
        height: auto;
        content-align: center middle;
        background: $warning;
        color: $text;
        text-style: bold;
        border: heavy $foreground;
        margin-bottom: 1;
    }
    """

    seconds: reactive[int] = reactive(20)

    def __init__(self, seconds: int) -> None:
        super().__init__()
        self.set_reactive(IdleWarning.seconds, seconds)

    def render(self) -> Text:
        return Text(
            _(
                "⚠ Sessione in scadenza tra {n} s per inattività: premere un tasto per continuare."
            ).format(n=self.seconds)
        )
