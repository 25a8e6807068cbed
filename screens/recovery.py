"""Recupero credenziali: ask for a code by e-mail, then set a new password with it.

The screen says the same thing whether or not the account exists.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Static

from kiosk.domain import validation
from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _
from screens.base import KioskScreen, service_call
from screens.forms import check_all, field, new_password
from screens.widgets.notice import Notice


class RecoveryScreen(KioskScreen[None]):
    CSS_PATH = "recovery.tcss"
    SCREEN_TITLE = N_("Recupero credenziali")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]
    AUTO_FOCUS = "#identifier"

    def compose_body(self) -> ComposeResult:
        yield Static(_("1. Richiedere il codice"), classes="heading")
        yield Static(
            _(
                "Inserire lo userid oppure l'indirizzo e-mail dell'iscrizione: se corrispondono "
                "a un'iscrizione, arriverà un codice di recupero all'e-mail registrata."
            ),
            classes="lead",
        )
        yield from field(_("Userid o e-mail"), "identifier", max_length=254)
        with Horizontal(classes="actions"):
            yield Button(_("Invia il codice"), id="send", variant="primary")
            yield Button(_("Ho già un codice"), id="have-code")
            yield Button(_("Indietro"), id="back")
        yield Notice(id="sent")
        with Vertical(id="step2"):
            yield Static(_("2. Impostare una nuova password"), classes="heading")
            yield from field(_("Userid (indicato nell'e-mail)"), "userid", max_length=32)
            yield from field(_("Codice di recupero (8 cifre)"), "code", max_length=8)
            yield from new_password(
                _("Nuova password (almeno 10 caratteri: maiuscole, minuscole, cifre e simboli)")
            )
            with Horizontal(classes="actions"):
                yield Button(_("Imposta la password"), id="reset", variant="primary")

    @on(Button.Pressed, "#have-code")
    def show_step2(self) -> None:
        self.query_one("#step2").add_class("-open")
        self.focus_soon("#userid")

    @on(Input.Submitted, "#userid, #code, #password")
    def next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()

    @on(Input.Submitted, "#identifier")
    @on(Button.Pressed, "#send")
    def send(self) -> None:
        self.clear_errors()
        if not self.value("identifier").strip():
            self.show_error(
                InvalidInput("identifier", _("Inserire lo userid o l'indirizzo e-mail."))
            )
            return
        self.request_code(self.value("identifier"))

    @service_call
    async def request_code(self, identifier: str) -> None:
        message = await self.desk.request_recovery(identifier)
        self.query_one("#sent", Notice).show(message, "success")  # under the button just pressed
        self.show_step2()

    @on(Input.Submitted, "#password_confirm")
    @on(Button.Pressed, "#reset")
    def reset(self) -> None:
        self.clear_errors()
        userid = self.value("userid")
        errors = check_all(
            {
                "userid": lambda: validation.userid(userid),
                "password": lambda: validation.password(
                    self.value("password"), userid.strip().lower()
                ),
            }
        )
        if not self.value("code").strip().isdigit():
            errors.append(InvalidInput("code", _("Il codice è formato da 8 cifre.")))
        if self.value("password") != self.value("password_confirm"):
            errors.append(InvalidInput("password_confirm", _("Le due password non coincidono.")))
        if self.show_field_errors(errors):
            return
        self.set_password()

    @service_call
    async def set_password(self) -> None:
        try:
            user = await self.desk.reset_password(
                self.value("userid"),
                self.value("code"),
                self.value("password"),
                self.value("password_confirm"),
            )
        finally:
            self.query_one("#code", Input).value = ""
        self.start_session(user)
