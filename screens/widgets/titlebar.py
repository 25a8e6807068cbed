"""The title line at the top of every screen: a plain Static (see tests/app/test_pitfalls.py)."""

from __future__ import annotations

from textual.widgets import Static

from screens.widgets.literal import literal


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar {
        width: 100%;
        height: 1;
        background: $primary;
        color: $text;
        text-style: bold;
        padding: 0 1;
    }
    """

    def __init__(self, title: str, subtitle: str = "") -> None:
        text = literal(title)
        if subtitle:
            text.append("  ·  ")
            text.append_text(literal(subtitle, style="not bold"))
        super().__init__(text)
