"""Kiosk mode: the operator PIN that unlocks exit."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from kiosk.i18n import N_, _

if TYPE_CHECKING:
    from kiosk.app import KioskApp


class PinScreen(ModalScreen[bool]):
    CSS_PATH = "pin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Annulla"))]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Uscita dal chiosco riservata all'operatore"), classes="box-title")
            yield Input(password=True, placeholder=_("PIN operatore"), id="pin", max_length=32)
            yield Static(id="pin-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if cast("KioskApp", self.app).check_pin(event.value):
            self.dismiss(True)
        else:
            event.input.value = ""
            self.query_one("#pin-error", Static).update(_("PIN errato."))

    def action_cancel(self) -> None:
        self.dismiss(False)
