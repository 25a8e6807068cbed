"""Kiosk mode: the operator PIN that unlocks exit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from kiosk.errors import KioskError
from kiosk.i18n import N_, _


class PinScreen(ModalScreen[bool]):
    """Dismissed with True once `check` accepts the PIN typed, False on Esc.

    `check` (the desk's) runs in a worker: it asks the database and costs an argon2 verify.
    It returns False for a wrong PIN, or raises the refusal to show (wrong, and the next try
    must wait; locked; no PIN set; the database unavailable).
    """

    CSS_PATH = "pin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Annulla"))]

    def __init__(self, check: Callable[[str], Awaitable[bool]]) -> None:
        super().__init__()
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Uscita dal chiosco riservata all'operatore"), classes="box-title")
            yield Input(password=True, placeholder=_("PIN operatore"), id="pin", max_length=32)
            yield Static(id="pin-error", markup=False)

    @on(Input.Submitted, "#pin")
    def try_pin(self, event: Input.Submitted) -> None:
        pin, event.input.value = event.value, ""
        self.query_one("#pin-error", Static).update("")
        self.run_check(pin)

    @work(exclusive=True, exit_on_error=False)
    async def run_check(self, pin: str) -> None:
        if await self.check(pin):
            self.dismiss(True)
        else:
            self.query_one("#pin-error", Static).update(_("PIN errato."))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        self.query_one("#pin", Input).disabled = worker.state is WorkerState.RUNNING
        if worker.state is WorkerState.SUCCESS or worker.state is WorkerState.ERROR:
            self.query_one("#pin", Input).focus()
        if worker.state is WorkerState.ERROR:
            error = worker.error
            message = (
                error.message
                if isinstance(error, KioskError)
                else _("Si è verificato un problema imprevisto. Riprovare.")
            )
            self.query_one("#pin-error", Static).update(message)

    def action_cancel(self) -> None:
        self.dismiss(False)
