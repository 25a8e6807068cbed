"""Accedi: userid and password."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kiosk.errors import Unavailable
from kiosk.i18n import N_, _
from screens.base import KioskScreen, service_call
from screens.forms import field
from screens.recovery import RecoveryScreen


class LoginScreen(KioskScreen[None]):
    CSS_PATH = "login.tcss"
    SCREEN_TITLE = N_("Accedi")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]
    AUTO_FOCUS = "#userid"
    NEXT_ON_ENTER = frozenset({"userid"})

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

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        self.clear_errors()
        userid = self.value("userid")
        password = self.value("password")
        if not userid.strip() or not password:
            self.say(_("Inserire userid e password."), "error")
            return
        self.log_in(userid, password)

    @on(Button.Pressed, "#recovery")
    def open_recovery(self) -> None:
        self.app.switch_screen(RecoveryScreen())

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()

    @service_call
    async def log_in(self, userid: str, password: str) -> None:
        try:
            user = await self.desk.login(userid, password)
        except Unavailable:
            raise  # not answered: what was typed stays, to send again when the banner goes
        except BaseException:
            self.query_one("#password", Input).value = ""  # answered: a wrong one goes
            raise
        try:
            # the list of mailboxes is read here, so that it comes up whole with its screen
            account = await self.desk.overview(user.userid)
        finally:
            # emptied once the list is read too: emptied before, the form was drawn again
            # (~5 ms) just before it made way for the list
            self.query_one("#password", Input).value = ""
        self.start_session(user, account)
