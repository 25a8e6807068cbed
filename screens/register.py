"""Iscriviti, in two steps: the form, then the code sent by e-mail.

Step one checks the fields' format (a message beside each field that needs fixing) and asks
for a code; whatever exists, the screen then says the same thing: a code went to the address
typed or, if the codice fiscale is already registered, to the one on record. Step two takes the
code; only then, to whoever proved an address, is a taken userid told (choose another, here).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Select, Static

from kiosk.domain import validation
from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _
from screens.base import KioskScreen, service_call
from screens.forms import check_all, field, labelled, new_password
from screens.widgets.notice import Notice


class RegisterScreen(KioskScreen[None]):
    CSS_PATH = "register.tcss"
    SCREEN_TITLE = N_("Iscriviti")
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", N_("Indietro"))]
    AUTO_FOCUS = "#userid"

    handle: str | None = None  # the pending registration, once step one is done

    def compose_body(self) -> ComposeResult:
        facts = self.desk.facts
        with Vertical(id="step1"):
            yield Static(_("Iscrizione"), classes="heading")
            yield Static(
                _(
                    "Tutti i campi sono obbligatori. Per completare l'iscrizione servirà un "
                    "codice che arriverà per e-mail."
                ),
                classes="lead",
            )
            yield from field(_("Userid (da 3 a 32 caratteri)"), "userid", max_length=32)
            yield from field(_("Nome e cognome"), "nominativo")
            yield from field(_("Codice fiscale"), "codice_fiscale", max_length=24)  # spaces allowed
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
        with Vertical(id="step2"):
            yield Static(_("Conferma dell'iscrizione"), classes="heading")
            yield Notice(id="sent")
            yield from field(_("Codice (8 cifre)"), "code", max_length=8)
            with Vertical(id="new-userid"):
                yield from field(_("Un altro userid"), "new_userid", max_length=32)
            with Horizontal(classes="actions"):
                yield Button(_("Completa l'iscrizione"), id="confirm", variant="primary")
                yield Button(_("Modifica i dati"), id="edit")
                yield Button(_("Indietro"), id="back-code")

    # --- step one: the form ---------------------------------------------------------------

    @on(Input.Submitted, "#step1 Input")
    def next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#back, #back-code")
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
        self.start(str(self.query_one("#area", Select).value))

    @service_call
    async def start(self, area: str) -> None:
        started = await self.desk.start_registration(
            userid=self.value("userid"),
            nominativo=self.value("nominativo"),
            codice_fiscale=self.value("codice_fiscale"),
            email=self.value("email"),
            password=self.value("password"),
            password_confirm=self.value("password_confirm"),
            area_code=area,
        )
        self.handle = started.handle
        self.query_one("#sent", Notice).show(started.message, "success")
        self.query_one("#code", Input).value = ""
        self.query_one("#new-userid").remove_class("-open")
        self.add_class("-code")
        self.focus_soon("#code", reveal="#step2")

    # --- step two: the code ---------------------------------------------------------------

    @on(Button.Pressed, "#edit")
    def edit(self) -> None:
        """Back to the form as it was typed (a new request sends a new code)."""
        self.clear_errors()
        self.remove_class("-code")
        self.focus_soon("#userid", reveal="#step1")

    @on(Input.Submitted, "#code, #new_userid")
    @on(Button.Pressed, "#confirm")
    def confirm(self) -> None:
        self.clear_errors()
        errors = []
        code = self.value("code").strip()
        if len(code) != 8 or not code.isdigit():
            errors.append(InvalidInput("code", _("Il codice è formato da 8 cifre.")))
        new_userid = None
        if self.query_one("#new-userid").has_class("-open"):
            new_userid = self.value("new_userid")
            try:
                validation.userid(new_userid)
            except InvalidInput as exc:
                errors.append(InvalidInput("new_userid", exc.message))
        if self.show_field_errors(errors):
            return
        self.complete(code, new_userid)

    @service_call
    async def complete(self, code: str, userid: str | None) -> None:
        assert self.handle is not None
        try:
            user = await self.desk.complete_registration(self.handle, code, userid=userid)
        except InvalidInput as exc:
            if exc.field != "userid":
                raise
            self.ask_new_userid(exc.message)
            return
        self.start_session(user)

    def ask_new_userid(self, message: str) -> None:
        """The code was right, the userid is taken: choose another here, same code."""
        self.query_one("#new-userid").add_class("-open")
        self.mark_field(InvalidInput("new_userid", message))
        self.say(_("Codice confermato: manca solo uno userid libero."), "info")
        self.focus_soon("#new_userid", reveal="#step2")

    def show_error(self, error: BaseException) -> None:
        super().show_error(error)
        # the message is under the buttons: bring it into view (80x24 too)
        self.call_after_refresh(self._reveal_notice)

    def _reveal_notice(self) -> None:
        if self.notice.display:
            self.notice.scroll_visible(animate=False)
