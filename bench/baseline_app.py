"""The baseline: a bare Textual app with the kiosk's welcome and login widgets, and nothing else.

Why: "as fast as Textual allows" needs a yardstick. This app composes the same widget tree as
the kiosk's WelcomeScreen and LoginScreen (title line, scrolling centred panel, heading, lead,
four buttons, three boxes of static text, a hidden notice line, footer; the login form's labelled
userid and password inputs with their error lines), with the same CSS and texts, pushed as
screens the same way, using plain Textual only: no kiosk import, no database, no settings, no
translations, no timers. What the kiosk costs beyond this is the kiosk's own.

Run it: `python -m bench.baseline_app` (Enter on Accedi opens the login form; Ctrl+Q quits).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Static

# the kiosk's screens/theme.tcss, welcome.tcss and login.tcss (layout and focus rules)
CSS = """
Screen { background: $background; }
#body { width: 100%; height: 1fr; align-horizontal: center; }
#panel { width: 100%; max-width: 100; height: auto; padding: 0 1; }
.heading { text-style: bold; margin: 1 0 0 0; }
.lead { margin: 1 0 0 0; }
.box { border: round $primary; padding: 0 1; margin: 1 0 0 0; height: auto; }
.box-title { text-style: bold; }
.actions { height: auto; margin: 1 0 0 0; }
.actions Button { margin: 0 1 0 0; }
Button:focus { text-style: bold reverse; outline: heavy $accent; }
Input:focus { border: tall $accent; }
.form-row { height: auto; }
.form-row .field-label { width: 24; padding: 1 1 0 0; text-style: bold; }
.field-input { width: 1fr; height: auto; }
.field-error { color: $text-error; height: auto; display: none; }
#welcome-heading { text-style: bold; color: $accent; }
#demo { border: round $warning; }
LoginScreen #panel { max-width: 70; }
"""

LEAD = (
    "Serve un'iscrizione a www.lextel.it o a un'area in convenzione con l'Ordine Forense. "
    "Il rinnovo online è possibile da 3 mesi prima a 6 mesi dopo la scadenza."
)
DEMO_LINES = (
    "avv.demo        Rinnovo2026!     avvocato",
    "operatore.demo  Sportello2026!   operatore",
    "admin.demo      Amministra2026!  amministrazione",
)
ASSISTED = (
    "In alternativa al rinnovo online è possibile il RINNOVO ASSISTITO: il costo del servizio "
    "è 10,00\u00a0€ + IVA (12,20\u00a0€) oltre al costo del rinnovo della casella. Chiederlo "
    "all'operatore dello sportello o al Supporto Vendite."
)
SALES = "Telefono 06 68417891 · e-mail segreteriacommercialelextel@visura.it"  # data/payee.toml


class TitleBar(Static):
    """The title line (docked top), as the kiosk's."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top; width: 100%; height: 1; background: $primary; color: $text;
        text-style: bold; padding: 0 1;
    }
    """


class Notice(Static):
    """The inline message line, hidden until used, as the kiosk's."""

    DEFAULT_CSS = """
    Notice { width: 100%; height: auto; padding: 0 1; margin: 1 0 0 0; display: none; }
    """


class Body(VerticalScroll, can_focus=False):
    """The scrolling body, never focused itself."""


class BareScreen(Screen[None]):
    """Title, a centred scrolling panel with the screen's body and a notice line, the footer."""

    SCREEN_TITLE = ""

    def compose(self) -> ComposeResult:
        yield TitleBar(f"Rinnovo PEC  ·  {self.SCREEN_TITLE}")
        with Body(id="body"), Vertical(id="panel"):
            yield from self.compose_body()
            yield Notice(id="notice")
        yield Footer()

    def compose_body(self) -> ComposeResult:
        yield Static()


class WelcomeScreen(BareScreen):
    SCREEN_TITLE = "Benvenuto"
    AUTO_FOCUS = "#login"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_language", "English / Italiano"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static("Rinnovo della casella PEC", classes="heading", id="welcome-heading")
        yield Static(LEAD, classes="lead")
        with Horizontal(classes="actions"):
            yield Button("Accedi", id="login", variant="primary")
            yield Button("Iscriviti", id="register")
            yield Button("Recupero credenziali", id="recovery")
            yield Button("English", id="language")
        with Vertical(classes="box", id="demo"):
            yield Static("Dati dimostrativi", classes="box-title")
            for line in DEMO_LINES:
                yield Static(line)
        with Vertical(classes="box", id="assisted"):
            yield Static("Rinnovo assistito", classes="box-title")
            yield Static(ASSISTED)
        with Vertical(classes="box", id="sales"):
            yield Static("Supporto Vendite Lextel", classes="box-title")
            yield Static(SALES)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "login":
            self.app.push_screen(LoginScreen())

    def action_toggle_language(self) -> None:
        """Present for the same footer; the baseline has one language."""


def field(label: str, field_id: str, *, password: bool = False, max_length: int) -> ComposeResult:
    """A label beside its input, with an error line under the input (as screens/forms.py)."""
    with Horizontal(classes="form-row"):
        yield Label(label, classes="field-label")
        with Vertical(classes="field-input"):
            yield Input(id=field_id, password=password, max_length=max_length)
            yield Static(id=f"{field_id}-error", classes="field-error")


class LoginScreen(BareScreen):
    SCREEN_TITLE = "Accedi"
    AUTO_FOCUS = "#userid"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Indietro")]

    def compose_body(self) -> ComposeResult:
        yield Static("Accedi con le credenziali del sito", classes="heading")
        yield from field("Userid", "userid", max_length=32)
        yield from field("Password", "password", password=True, max_length=128)
        with Horizontal(classes="actions"):
            yield Button("Accedi", id="submit", variant="primary")
            yield Button("Recupero credenziali", id="recovery")
            yield Button("Indietro", id="back")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "userid":
            self.query_one("#password", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "back":
            self.action_back()

    def action_back(self) -> None:
        self.dismiss()


class BaselineApp(App[None]):
    """The app: the welcome screen pushed on mount, as the kiosk does."""

    CSS = CSS
    TITLE = "pec-kiosk"

    def on_mount(self) -> None:
        self.push_screen(WelcomeScreen())


def main() -> None:
    BaselineApp().run()


if __name__ == "__main__":
    main()
