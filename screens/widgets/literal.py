"""Text from data, shown exactly as written and never obeyed.

Rich `Text` already keeps markup such as `[bold]` literal; control characters (ESC and the rest
of C0 and C1) would still reach the terminal as escape sequences, so they are replaced with a
visible � before anything is drawn.
"""

from __future__ import annotations

import re

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but tab and newline


def clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def literal(text: str, style: str = "") -> Text:
    return Text(clean(text), style=style)
