"""The footer, with key labels translated when it is drawn.

Bindings are declared at import time with `N_()` (marked, untranslated); this footer translates
them at render time, so a language switch reaches the key labels too.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from kiosk.i18n import _


class KioskFooter(Footer):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            yield widget
