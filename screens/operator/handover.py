"""Chiama l'operatore: on the lawyer's own screen, an operator authenticates (userid and
password; operators and administrators only, under the login's delays and lock) and then acts
inside this session on the lawyer's behalf, until Restituisci or Termina (screens.mailboxes)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kiosk.i18n import N_, _
from screens.base import KioskScreen, service_call
from screens.forms import field
from screens.messages import HandoverStarted
from screens.widgets.literal import literal


class HandoverLoginScreen(KioskScreen[None]):
    CSS_PATH = "handover.tcss"
    SCREEN_TITLE = N_("Chiama l'operatore")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Annulla"))]
    AUTO_FOCUS = "#userid"
    NEXT_ON_ENTER = frozenset({"userid"})

    def compose_body(self) -> ComposeResult:
        user = self.host.session
        yield Static(_("Accesso dell'operatore dello sportello"), classes="heading")
        yield Static(
            literal(
                _(
                    "L'operatore accede con le proprie credenziali e opera per conto di {name} "
                    "in questa sessione; ogni operazione è registrata a suo nome."
                ).format(name=user.nominativo if user else "")
            ),
            classes="lead",
        )
        yield from field(_("Userid operatore"), "userid", max_length=32)
        yield from field(_("Password"), "password", password=True, max_length=128)
        with Horizontal(classes="actions"):
            yield Button(_("Accedi come operatore"), id="submit", variant="primary")
            yield Button(_("Annulla"), id="back")

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        self.clear_errors()
        userid, password = self.value("userid"), self.value("password")
        if not userid.strip() or not password:
            self.say(_("Inserire userid e password dell'operatore."), "error")
            return
        self.log_in(userid, password)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()

    @service_call
    async def log_in(self, userid: str, password: str) -> None:
        lawyer = self.host.session
        if lawyer is None:
            return
        try:
            operator = await self.desk.operator.handover_login(
                userid, password, lawyer=lawyer.userid
            )
        finally:
            self.query_one("#password", Input).value = ""
        self.post_message(HandoverStarted(operator))
