"""Welcome: Accedi / Iscriviti / Recupero credenziali, the assisted renewal, Supporto Vendite."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.domain.model import role_label
from kiosk.i18n import N_, _, get_language, money, set_language
from screens.base import KioskScreen, background_call
from screens.login import LoginScreen
from screens.recovery import RecoveryScreen
from screens.register import RegisterScreen
from screens.widgets.literal import literal
from screens.widgets.notice import Kind


class WelcomeScreen(KioskScreen[None]):
    CSS_PATH = "welcome.tcss"
    SCREEN_TITLE = N_("Benvenuto")
    AUTO_FOCUS = "#login"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_language", "English / Italiano"),
    ]

    def __init__(self, notice: str = "", kind: Kind = "info") -> None:
        super().__init__()
        self.opening_notice = (notice, kind)  # e.g. why the last session ended

    def compose_body(self) -> ComposeResult:
        facts = self.desk.facts
        yield Static(_("Rinnovo della casella PEC"), classes="heading", id="welcome-heading")
        yield Static(
            _(
                "Serve un'iscrizione a www.lextel.it o a un'area in convenzione con l'Ordine "
                "Forense. Il rinnovo online è possibile da 3 mesi prima a 6 mesi dopo la scadenza."
            ),
            classes="lead",
        )
        with Horizontal(classes="actions"):
            yield Button(_("Accedi"), id="login", variant="primary")
            yield Button(_("Iscriviti"), id="register")
            yield Button(_("Recupero credenziali"), id="recovery")
            yield Button("English" if get_language() == "it" else "Italiano", id="language")
        if facts.demo_logins:
            with Vertical(classes="box", id="demo"):
                yield Static(_("Dati dimostrativi"), classes="box-title")
                for login in facts.demo_logins:
                    yield Static(
                        literal(f"{login.userid:<15} {login.password:<16} {role_label(login.role)}")
                    )
        with Vertical(classes="box", id="assisted"):
            yield Static(_("Rinnovo assistito"), classes="box-title")
            yield Static(
                _(
                    "In alternativa al rinnovo online è possibile il RINNOVO ASSISTITO: il "
                    "costo del servizio è {net} + IVA ({gross}) oltre al costo del rinnovo della "
                    "casella. Chiederlo all'operatore dello sportello o al Supporto Vendite."
                ).format(
                    net=money(facts.assisted_fee_net_cents),
                    gross=money(facts.assisted_fee_gross_cents),
                )
            )
        with Vertical(classes="box", id="sales"):
            yield Static(_("Supporto Vendite Lextel"), classes="box-title")
            yield Static(
                literal(
                    _("Telefono {phone} · e-mail {email}").format(
                        phone=facts.contacts.sales_phone, email=facts.contacts.sales_email
                    )
                )
            )

    def on_mount(self) -> None:
        self.show_opening_notice()

    def link_restored(self) -> None:
        if self.desk.facts.demo:
            self.check_demo()

    @background_call  # the page stays usable: a person may press Accedi at that very moment
    async def check_demo(self) -> None:
        notice = await self.desk.demo_notice()
        if notice:
            self.say(notice, "warning")

    def show_opening_notice(self) -> None:
        message, kind = self.opening_notice
        if message:
            self.say(message, kind)

    async def reset(self, notice: str = "", kind: Kind = "info") -> None:
        """As new, for the next person (in the kiosk's language), with `notice` on it."""
        self.opening_notice = (notice, kind)
        await self.recompose()
        self.show_opening_notice()
        self.query_one("#login", Button).focus()

    @on(Button.Pressed, "#login")
    def open_login(self) -> None:
        self.app.push_screen(LoginScreen())

    @on(Button.Pressed, "#register")
    def open_register(self) -> None:
        self.app.push_screen(RegisterScreen())

    @on(Button.Pressed, "#recovery")
    def open_recovery(self) -> None:
        self.app.push_screen(RecoveryScreen())

    @on(Button.Pressed, "#language")
    async def action_toggle_language(self) -> None:
        set_language("en" if get_language() == "it" else "it")
        await self.recompose()
        self.query_one("#language", Button).focus()
