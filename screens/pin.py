"""Kiosk mode: the operator PIN that unlocks exit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from kiosk.i18n import N_, _


class PinScreen(ModalScreen[bool]):
    """Dismissed with True once `check` accepts the PIN typed, False on Esc."""

    CSS_PATH = "pin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Annulla"))]

    def __init__(self, check: Callable[[str], Awaitable[bool]]) -> None:
        super().__init__()
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Uscita dal chiosco riservata all'operatore"), classes="box-title")
            yield Input(password=True, placeholder=_("PIN operatore"), id="pin", max_length=32)
            yield Static(id="pin-error")

    @on(Input.Submitted, "#pin")
    async def try_pin(self, event: Input.Submitted) -> None:
        pin, event.input.value = event.value, ""
        if await self.check(pin):
            self.dismiss(True)
        else:
            self.query_one("#pin-error", Static).update(_("PIN errato."))

    def action_cancel(self) -> None:
        self.dismiss(False)
