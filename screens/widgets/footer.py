"""The footer: the keys that work on this screen, with their labels translated when drawn.

Bindings are declared at import time with `N_()` (marked, untranslated); this footer translates
them each time it draws, so a language switch reaches the key labels too. It reads the screen's
public `active_bindings` and redraws when they change.
"""

from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.widgets import Static

from kiosk.i18n import _


class KioskFooter(Static):
    DEFAULT_CSS = """
    KioskFooter {
        dock: bottom;
        width: 100%;
        height: 1;
        background: $panel;
        color: $text;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.refresh())

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.app.get_key_display(binding)
            style = "dim" if not enabled else ""
            text.append(f" {key} ", style=f"bold reverse {style}".strip())
            text.append(f" {_(binding.description)} ", style=style)
        return text

    def on_click(self, event: Click) -> None:
        event.stop()  # the keys are for the keyboard; the footer is a legend
