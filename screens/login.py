"""Accedi: userid and password."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kiosk.i18n import N_, _
from screens.base import KioskScreen, service_call
from screens.forms import field


class LoginScreen(KioskScreen[None]):
    CSS_PATH = "login.tcss"
    SCREEN_TITLE = N_("Accedi")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]
    AUTO_FOCUS = "#userid"

    def __init__(self, userid: str = "") -> None:
        super().__init__()
        self.initial_userid = userid

    def compose_body(self) -> ComposeResult:
        yield Static(_("Accedi con le credenziali del sito"), classes="heading")
        yield from field(_("Userid"), "userid", max_length=32, value=self.initial_userid)
        yield from field(_("Password"), "password", password=True, max_length=128)
        with Horizontal(classes="actions"):
            yield Button(_("Accedi"), id="submit", variant="primary")
            yield Button(_("Recupero credenziali"), id="recovery")
            yield Button(_("Indietro"), id="back")

    def on_mount(self) -> None:
        if self.initial_userid:
            self.query_one("#password", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "userid":
            self.query_one("#password", Input).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            self.submit()
        elif event.button.id == "recovery":
            from screens.recovery import RecoveryScreen

            self.app.switch_screen(RecoveryScreen())
        else:
            self.action_back()

    def action_back(self) -> None:
        self.dismiss()

    def submit(self) -> None:
        self.clear_errors()
        userid = self.query_one("#userid", Input).value
        password = self.query_one("#password", Input).value
        if not userid.strip() or not password:
            self.say(_("Inserire userid e password."), "error")
            return
        self.log_in(userid, password)

    @service_call
    async def log_in(self, userid: str, password: str) -> None:
        from kiosk.app import SessionStarted

        services = await self.services()
        try:
            user = await services.auth.login(userid, password)
        finally:
            self.query_one("#password", Input).value = ""
        self.post_message(SessionStarted(user))
