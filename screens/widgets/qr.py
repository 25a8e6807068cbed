"""A QR code drawn black on white in half blocks, with a 4-module quiet zone.

The colours are explicit RGB, so the code scans on any terminal theme. Each character cell holds
two modules (upper half block: foreground = upper module, background = lower module). The matrix
is encoded once, when the widget is made (encoding costs ~16 ms: never per refresh).
"""

from __future__ import annotations

from functools import cached_property

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

QUIET_ZONE = 4
DARK = Color.from_rgb(0, 0, 0)
LIGHT = Color.from_rgb(255, 255, 255)
_STYLES = {
    (top, bottom): Style(color=DARK if top else LIGHT, bgcolor=DARK if bottom else LIGHT)
    for top in (False, True)
    for bottom in (False, True)
}


def qr_matrix(payload: str) -> list[list[bool]]:
    """Modules (True = dark) including the quiet zone, smallest version that fits.

    Level L: a screen is not a crumpled bill, and L keeps an EPC payload at version 5 (45×45
    with the quiet zone, 23 rows of half blocks), which fits an 80×24 terminal.
    """
    import qrcode
    from qrcode.constants import ERROR_CORRECT_L

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_L, border=QUIET_ZONE)
    code.add_data(payload.encode("utf-8"))
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


class QRCode(Widget):
    DEFAULT_CSS = """
    QRCode {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, payload: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.payload = payload

    @cached_property
    def matrix(self) -> list[list[bool]]:
        return qr_matrix(self.payload)

    @cached_property
    def _strips(self) -> list[Strip]:
        rows = self.matrix
        n = len(rows)
        strips = []
        for y in range(0, n, 2):
            upper = rows[y]
            lower = rows[y + 1] if y + 1 < n else [False] * n
            segments = [Segment("▀", _STYLES[(t, b)]) for t, b in zip(upper, lower, strict=True)]
            strips.append(Strip(Segment.simplify(segments), n))
        return strips

    @property
    def cells(self) -> Size:
        n = len(self.matrix)
        return Size(n, (n + 1) // 2)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.cells.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.cells.height

    def render_line(self, y: int) -> Strip:
        strips = self._strips
        if 0 <= y < len(strips):
            return strips[y]
        return Strip.blank(self.size.width)
