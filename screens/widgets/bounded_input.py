"""An input that never cuts what was typed or pasted without saying so.

Textual's `Input(max_length=...)` drops a keystroke or a whole paste that would go past the
limit, silently: a pasted address could vanish, or a codice fiscale typed with spaces lose its
last characters, and the person would send something other than what they meant. This one keeps
what fits and posts `Cut`, which the screen shows on the field's own error line.
"""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input


class BoundedInput(Input):
    class Cut(Message):
        """Part of what was typed or pasted did not fit within `limit` characters."""

        def __init__(self, field: BoundedInput, limit: int) -> None:
            super().__init__()
            self.field = field
            self.limit = limit

        @property
        def control(self) -> BoundedInput:
            return self.field

    def replace(self, text: str, start: int, end: int) -> None:
        if self.max_length and text:
            value = self.value
            start, end = sorted((max(0, start), min(len(value), end)))
            room = self.max_length - (len(value) - (end - start))
            if len(text) > room:
                self.post_message(self.Cut(self, self.max_length))
                text = text[: max(room, 0)]
                if not text and start == end:
                    self.restricted()
                    return
        super().replace(text, start, end)
