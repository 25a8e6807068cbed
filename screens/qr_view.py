"""A QR code on a screen of its own, for terminals too small to show it beside the text."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.screen import ModalScreen
from textual.widgets import Static

from kiosk.i18n import N_, _
from screens.widgets.literal import literal
from screens.widgets.qr import QRCode


class QrScreen(ModalScreen[None]):
    CSS_PATH = "qr_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", N_("Chiudi")),
        Binding("enter", "close", N_("Chiudi"), show=False),
    ]

    def __init__(self, payload: str, caption: str) -> None:
        super().__init__()
        self.payload = payload
        self.caption = caption

    def compose(self) -> ComposeResult:
        with Middle(), Center():
            yield QRCode(self.payload, id="qr")
            yield Static(literal(self.caption + " — " + _("Esc per chiudere")), id="caption")
            yield Static(id="too-small")

    def on_resize(self) -> None:
        qr = self.query_one(QRCode)
        need = qr.cells
        small = self.size.width < need.width or self.size.height < need.height
        self.set_class(small, "-too-small")
        if small:
            self.query_one("#too-small", Static).update(
                _(
                    "Finestra troppo piccola per il codice QR: servono almeno {w}×{h} caratteri "
                    "(ora {cw}×{ch})."
                ).format(w=need.width, h=need.height, cw=self.size.width, ch=self.size.height)
            )

    def action_close(self) -> None:
        self.dismiss()
