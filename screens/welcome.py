"""Welcome: Accedi / Iscriviti / Recupero credenziali, the assisted renewal, Supporto Vendite."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.domain.model import role_label
from kiosk.domain.money import ASSISTED_FEE_NET_CENTS, vat_cents
from kiosk.i18n import N_, _, get_language, money, set_language
from kiosk.refdata import demo_logins
from screens.base import KioskScreen
from screens.widgets.literal import literal


class WelcomeScreen(KioskScreen[None]):
    CSS_PATH = "welcome.tcss"
    SCREEN_TITLE = N_("Benvenuto")
    AUTO_FOCUS = "#login"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_language", "English / Italiano"),
    ]

    def compose_body(self) -> ComposeResult:
        contacts = self.kiosk.handle.refdata.contacts
        fee_gross = ASSISTED_FEE_NET_CENTS + vat_cents(ASSISTED_FEE_NET_CENTS)
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
        if self.kiosk.settings.demo:
            with Vertical(classes="box", id="demo"):
                yield Static(_("Dati dimostrativi"), classes="box-title")
                for userid, password, role in demo_logins(self.kiosk.settings.refdata_dir):
                    yield Static(literal(f"{userid:<15} {password:<16} {role_label(role)}"))
        with Vertical(classes="box", id="assisted"):
            yield Static(_("Rinnovo assistito"), classes="box-title")
            yield Static(
                _(
                    "In alternativa al rinnovo online è possibile il RINNOVO ASSISTITO: il "
                    "costo del servizio è {net} + IVA ({gross}) oltre al costo del rinnovo della "
                    "casella. Chiederlo all'operatore dello sportello o al Supporto Vendite."
                ).format(net=money(ASSISTED_FEE_NET_CENTS), gross=money(fee_gross))
            )
        with Vertical(classes="box", id="sales"):
            yield Static(_("Supporto Vendite Lextel"), classes="box-title")
            yield Static(
                literal(
                    _("Telefono {phone} · e-mail {email}").format(
                        phone=contacts.sales_phone, email=contacts.sales_email
                    )
                )
            )

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        from screens.login import LoginScreen
        from screens.recovery import RecoveryScreen
        from screens.register import RegisterScreen

        if event.button.id == "login":
            self.app.push_screen(LoginScreen())
        elif event.button.id == "register":
            self.app.push_screen(RegisterScreen())
        elif event.button.id == "recovery":
            self.app.push_screen(RecoveryScreen())
        elif event.button.id == "language":
            await self.action_toggle_language()

    async def action_toggle_language(self) -> None:
        set_language("en" if get_language() == "it" else "it")
        await self.recompose()
        self.query_one("#language", Button).focus()
