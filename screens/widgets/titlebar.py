"""The title line at the top of every screen (not Textual's Header: see tests/app/test_pitfalls)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $primary;
        color: $text;
        text-style: bold;
        padding: 0 1;
    }
    """

    def __init__(self, title: str, subtitle: str = "") -> None:
        text = Text(title)
        if subtitle:
            text.append("  ·  ")
            text.append(subtitle, style="not bold")
        super().__init__(text)
