"""Assistenza remota (the operator's side): join a lawyer's live session with the code the
lawyer reads out. The SSH server then shows that session on this terminal (and passes the
keys typed here when the lawyer allows it); Ctrl+] comes back here without ending it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kiosk.i18n import N_, _
from kiosk.remote.port import AssistRefused
from screens.base import KioskScreen, service_call
from screens.widgets.bounded_input import BoundedInput

CODE_MAX = 12  # six characters, with room for spaces as read out


class AssistJoinScreen(KioskScreen[None]):
    CSS_PATH = "assist.tcss"
    SCREEN_TITLE = N_("Assistenza remota")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Indietro"))]
    AUTO_FOCUS = "#assist-code"

    def compose_body(self) -> ComposeResult:
        yield Static(
            _(
                "Inserire il codice di assistenza che l'avvocato legge sulla propria schermata "
                "(Assistenza remota). Ctrl+] riporta qui senza chiudere la sessione "
                "dell'avvocato."
            ),
            classes="lead",
        )
        yield BoundedInput(placeholder=_("Codice"), id="assist-code", max_length=CODE_MAX)
        yield Static("", id="assist-code-error", classes="field-error")
        with Horizontal(classes="actions"):
            yield Button(_("Collegati"), id="join", variant="primary")
            yield Button(_("Indietro"), id="back")

    def on_mount(self) -> None:
        super().on_mount()
        if self.host.remote is None:
            self.query_one("#join").disabled = True
            self.say(
                _(
                    "Il collegamento a una sessione è possibile solo da una sessione avviata "
                    "tramite il server SSH dello sportello (pec-kiosk serve ssh)."
                ),
                "info",
            )

    @on(Input.Submitted, "#assist-code")
    @on(Button.Pressed, "#join")
    def submit(self) -> None:
        code = "".join(self.value("assist-code").split())
        if not code:
            self.say(_("Inserire il codice di assistenza."), "error")
            return
        self.join(code)

    @service_call
    async def join(self, code: str) -> None:
        remote = self.host.remote
        if remote is None:
            return
        self.clear_errors()
        try:
            await remote.join(code)
        except AssistRefused as exc:
            self.query_one("#assist-code", Input).value = ""
            self.say(exc.message, "error")
            self.focus_soon("#assist-code")
            return
        # the lawyer's session is on this terminal now; this kiosk waits, unseen, without
        # being wiped for idleness, until the operator comes back (`returned`)
        self.host.idle_held = True
        self.query_one("#assist-code", Input).value = ""
        self.say(_("Collegato alla sessione dell'avvocato."), "info")

    @on(Button.Pressed, "#back")
    def action_close(self) -> None:
        self.app.pop_screen()
