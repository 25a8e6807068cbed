"""Iscriviti: a new account, with a message beside each field that needs fixing."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, Input, Select, Static

from kiosk.domain import validation
from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _
from screens.base import KioskScreen, service_call
from screens.forms import check_all, field, labelled, new_password
from screens.messages import SessionStarted


class RegisterScreen(KioskScreen[None]):
    CSS_PATH = "register.tcss"
    SCREEN_TITLE = N_("Iscriviti")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]
    AUTO_FOCUS = "#userid"

    def compose_body(self) -> ComposeResult:
        facts = self.desk.facts
        yield Static(_("Iscrizione"), classes="heading")
        yield Static(_("Tutti i campi sono obbligatori."), classes="lead")
        yield from field(_("Userid (da 3 a 32 caratteri)"), "userid", max_length=32)
        yield from field(_("Nome e cognome"), "nominativo")
        yield from field(_("Codice fiscale"), "codice_fiscale", max_length=16)
        yield from field(
            _("E-mail (per il recupero credenziali e le fatture)"), "email", max_length=254
        )
        yield from labelled(
            _("Area di appartenenza"),
            "area",
            Select(
                [(f"{a.name} ({a.code})", a.code) for a in facts.areas],
                value=facts.default_area,
                allow_blank=False,
                id="area",
            ),
        )
        yield from new_password(
            _("Password (almeno 10 caratteri: maiuscole, minuscole, cifre e simboli)")
        )
        with Horizontal(classes="actions"):
            yield Button(_("Iscriviti"), id="submit", variant="primary")
            yield Button(_("Indietro"), id="back")

    @on(Input.Submitted)
    def next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss()

    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        self.clear_errors()
        userid = self.value("userid")
        errors = check_all(
            {
                "userid": lambda: validation.userid(userid),
                "nominativo": lambda: validation.nominativo(self.value("nominativo")),
                "codice_fiscale": lambda: validation.codice_fiscale(self.value("codice_fiscale")),
                "email": lambda: validation.email(self.value("email")),
                "password": lambda: validation.password(
                    self.value("password"), userid.strip().lower()
                ),
            }
        )
        if self.value("password") != self.value("password_confirm"):
            errors.append(InvalidInput("password_confirm", _("Le due password non coincidono.")))
        if self.show_field_errors(errors):
            return
        self.register(str(self.query_one("#area", Select).value))

    @service_call
    async def register(self, area: str) -> None:
        user = await self.desk.register(
            userid=self.value("userid"),
            nominativo=self.value("nominativo"),
            codice_fiscale=self.value("codice_fiscale"),
            email=self.value("email"),
            password=self.value("password"),
            password_confirm=self.value("password_confirm"),
            area_code=area,
        )
        self.post_message(SessionStarted(user))
