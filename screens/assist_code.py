"""Assistenza remota (the lawyer's side): a short code to read to the help desk, whether the
operator who joins may type, who has joined, and ending the assistance.

The code comes from the SSH server that started this kiosk (`host.remote`): single use,
valid a few minutes, never stored. Without such a server the screen says so.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, Static

from kiosk.i18n import N_, _
from kiosk.remote.port import AssistRefused
from screens.base import KioskScreen, service_call


class AssistCodeScreen(KioskScreen[None]):
    CSS_PATH = "assist_code.tcss"
    SCREEN_TITLE = N_("Assistenza remota")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", N_("Chiudi"))]
    AUTO_FOCUS = "#close"

    def compose_body(self) -> ComposeResult:
        yield Static(_("Comunichi questo codice all'operatore dello sportello:"), classes="lead")
        yield Static("", id="code")
        yield Static("", id="validity", classes="hint")
        yield Checkbox(_("Consenti all'operatore di scrivere"), id="typing")
        yield Static("", id="assistant", classes="lead")
        with Horizontal(classes="actions"):
            yield Button(_("Chiudi"), id="close", variant="primary")
            yield Button(_("Termina assistenza"), id="end")

    def on_mount(self) -> None:
        super().on_mount()
        remote = self.host.remote
        if remote is None:
            self.query_one("#typing").display = False
            self.query_one("#end").display = False
            self.say(
                _(
                    "L'assistenza remota è disponibile solo nelle sessioni avviate tramite "
                    "il server SSH dello sportello (pec-kiosk serve ssh)."
                ),
                "info",
            )
            return
        self.query_one("#typing", Checkbox).value = remote.typing_allowed
        self.show_assistant()
        self.set_interval(1.0, self.show_assistant)
        self.new_code()

    def show_assistant(self) -> None:
        remote = self.host.remote
        who = remote.assistant if remote is not None else None
        typing = remote is not None and remote.typing_allowed
        self.query_one("#assistant", Static).update(
            (
                _("Operatore collegato: {name}").format(name=who)
                if who
                else _("Nessun operatore collegato.")
            )
            + " "
            + (_("L'operatore può scrivere.") if typing else _("L'operatore può solo guardare."))
        )

    @service_call
    async def new_code(self) -> None:
        remote = self.host.remote
        assert remote is not None
        try:
            code = await remote.request_code()
        except AssistRefused as exc:
            self.say(exc.message, "error")
            return
        self.query_one("#code", Static).update(" ".join((code.code[:3], code.code[3:])))
        self.query_one("#validity", Static).update(
            _("Valido {n} minuti, per un solo collegamento.").format(n=code.minutes)
        )

    @on(Checkbox.Changed, "#typing")
    def typing_changed(self, event: Checkbox.Changed) -> None:
        self.set_typing(event.value)

    @service_call
    async def set_typing(self, allowed: bool) -> None:
        remote = self.host.remote
        if remote is None:
            return
        try:
            await remote.allow_typing(allowed)
        except AssistRefused as exc:
            self.say(exc.message, "error")
        self.show_assistant()

    @on(Button.Pressed, "#end")
    def end(self) -> None:
        self.end_assistance()

    @service_call
    async def end_assistance(self) -> None:
        remote = self.host.remote
        if remote is None:
            return
        try:
            await remote.end_assistance()
        except AssistRefused as exc:
            self.say(exc.message, "error")
            return
        self.query_one("#typing", Checkbox).value = False
        self.show_assistant()
        self.query_one("#code", Static).update("")
        self.query_one("#validity", Static).update("")
        self.say(_("Assistenza terminata: il codice non vale più."), "info")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.app.pop_screen()
