"""An inline message: errors, warnings, confirmations. Never colour alone: each kind has a word."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.widgets import Static

from kiosk.i18n import _
from screens.widgets.literal import literal

Kind = Literal["error", "warning", "info", "success"]
_PREFIX: dict[Kind, str] = {
    "error": "✖ {}",
    "warning": "⚠ {}",
    "info": "ℹ {}",
    "success": "✔ {}",
}


def _label(kind: Kind) -> str:
    return {
        "error": _("Errore"),
        "warning": _("Attenzione"),
        "info": _("Informazione"),
        "success": _("Fatto"),
    }[kind]


class Notice(Static):
    DEFAULT_CSS = """
    Notice {
        width: 100%;
        height: auto;
        padding: 0 1;
        margin: 1 0 0 0;
        display: none;
    }
    Notice.-shown { display: block; }
    Notice.-error { background: $error 25%; border-left: thick $error; }
    Notice.-warning { background: $warning 20%; border-left: thick $warning; }
    Notice.-info { background: $primary 15%; border-left: thick $primary; }
    Notice.-success { background: $success 20%; border-left: thick $success; }
    """

    def show(self, message: str, kind: Kind = "info") -> None:
        """Show `message` literally (user data never becomes markup), and bring it into view
        once laid out: a message drawn below the bottom of an 80x24 screen is not read (unless
        the screen brings something else into view: `give_way`)."""
        text = Text(_PREFIX[kind].format(_label(kind) + ": "), style="bold")
        text.append_text(literal(message, style="not bold"))
        self.update(text)
        self.set_classes(f"-shown -{kind}")
        self._reveal_wanted = True
        self.call_after_refresh(self._reveal)

    def give_way(self) -> None:
        """The screen brings something else into view (a field, a box just shown): a reveal of
        this notice still queued does not run, whichever of the two queues runs first."""
        self._reveal_wanted = False

    def _reveal(self) -> None:
        if self._reveal_wanted:
            self._reveal_wanted = False
            self.scroll_visible(animate=False)

    _reveal_wanted = False

    def clear(self) -> None:
        self.update("")
        self.set_classes("")
