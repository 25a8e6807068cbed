"""The operator workspace: where an operator or the administration lands after logging in.

Its first element, focused, is "Cerca": subscribers by userid, PEC address, codice fiscale or
name, listed as one types in one DataTable. Each keystroke starts a search in an exclusive
worker of its own group (a newer keystroke cancels the older search; the panel is never made
busy, so typing never waits for the database); an answer that no longer matches the field is
dropped. Enter on a result (or in the field, on the highlighted one) opens the subscriber's
page. The sections of `screens.operator.sections.SECTIONS` the role may open are keys in the
footer.
"""

from __future__ import annotations

import importlib
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Static

from kiosk.domain.model import Role, role_label
from kiosk.domain.search import MAX_QUERY, MIN_QUERY, SubscriberHit
from kiosk.i18n import N_, _, _n
from screens.base import KioskScreen
from screens.confirm import ConfirmScreen
from screens.forms import field
from screens.messages import SessionEnded
from screens.operator.sections import SECTIONS, Section
from screens.widgets.literal import literal

SUBSCRIBER_SCREEN = "screens.operator.subscriber:SubscriberScreen"
RESULTS_LIMIT = 20


def hit_cells(hit: SubscriberHit) -> tuple[str, str]:
    """The two cells of a result, two lines each: who, and their mailboxes."""
    who = f"{hit.nominativo}\n{hit.userid} · {hit.codice_fiscale or '-'}"
    if hit.role is not Role.SUBSCRIBER:
        who += f" · {role_label(hit.role)}"
    first = hit.first_mailbox or _("nessuna casella PEC")
    more = hit.mailbox_count - 1
    boxes = (
        first
        + "\n"
        + (_n("+{n} altra casella", "+{n} altre caselle", more).format(n=more) if more > 0 else "")
    )
    return who, boxes


class WorkspaceScreen(KioskScreen[None]):
    CSS_PATH = "workspace.tcss"
    SCREEN_TITLE = N_("Sportello")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "escape", N_("Esci")),
        Binding("down", "to_results", show=False),
    ]
    AUTO_FOCUS = "#search"

    def __init__(self) -> None:
        super().__init__()
        self.hits: tuple[SubscriberHit, ...] = ()
        self.shown_query = ""

    def compose_body(self) -> ComposeResult:
        yield from field(
            _("Cerca"),
            "search",
            max_length=MAX_QUERY,
            placeholder=_("userid, PEC, codice fiscale o nome"),
        )
        yield Static(self._prompt(), id="status", classes="hint")
        yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="actions"):
            yield Button(_("Apri scheda"), id="open", variant="primary")
            yield Button(_("Esci"), id="logout")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#results", DataTable)
        table.add_columns(_("Iscritto"), _("Caselle PEC"))
        for section in self.sections():
            self._bindings.bind(
                section.key, f"open_section('{section.key}')", section.label, show=True
            )
        self.refresh_bindings()

    # --- the role's sections ---------------------------------------------------------------

    @property
    def role(self) -> Role | None:
        user = self.host.session
        return user.role if user is not None else None

    def sections(self) -> list[Section]:
        role = self.role
        return [s for s in SECTIONS if role is not None and s.allowed(role)]

    def action_open_section(self, key: str) -> None:
        section = next((s for s in self.sections() if s.key == key), None)
        if section is not None:
            self.app.push_screen(section.build())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "to_results":
            return self.focused is self.query_one("#search") and bool(self.hits)
        return super().check_action(action, parameters)

    def action_to_results(self) -> None:
        self.query_one("#results", DataTable).focus()

    # --- searching as one types ------------------------------------------------------------

    @on(Input.Changed, "#search")
    def typed(self, event: Input.Changed) -> None:
        text = event.value
        if sum(len(w) for w in text.split()) < MIN_QUERY:
            self.workers.cancel_group(self, "search")
            self.show_hits(text, ())
            return
        self.run_search(text)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def run_search(self, text: str) -> None:
        user = self.host.session
        if user is None:
            return
        hits = await self.desk.operator.search(text, operator=user.userid)
        if self.query_one("#search", Input).value == text:  # not overtaken by a later key
            self.show_hits(text, hits)

    def show_hits(self, text: str, hits: tuple[SubscriberHit, ...]) -> None:
        self.hits, self.shown_query = hits, text
        if self.notice.has_class("-shown"):
            self.notice.clear()
        table = self.query_one("#results", DataTable)
        table.clear()
        for hit in hits:
            who, boxes = hit_cells(hit)
            table.add_row(literal(who), literal(boxes), key=hit.userid, height=2)
        status = self.query_one("#status", Static)
        if not text.strip() or sum(len(w) for w in text.split()) < MIN_QUERY:
            status.update(self._prompt())
        elif not hits:
            status.update(_("Nessun iscritto trovato."))
        elif len(hits) >= RESULTS_LIMIT:
            status.update(
                _("I primi {n} iscritti trovati: precisare la ricerca per gli altri.").format(
                    n=len(hits)
                )
            )
        else:
            status.update(
                _n("{n} iscritto trovato.", "{n} iscritti trovati.", len(hits)).format(n=len(hits))
            )
        self.refresh_bindings()

    def _prompt(self) -> str:
        return _(
            "Scrivere almeno {n} caratteri: userid, indirizzo PEC, codice fiscale o nome "
            "(anche solo l'inizio). Freccia giù: ai risultati; Invio: apre la scheda."
        ).format(n=MIN_QUERY)

    # --- opening a subscriber ----------------------------------------------------------------

    def selected(self) -> SubscriberHit | None:
        table = self.query_one("#results", DataTable)
        if not self.hits or not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return next((h for h in self.hits if h.userid == row_key.value), None)

    @on(DataTable.RowSelected, "#results")
    @on(Input.Submitted, "#search")
    @on(Button.Pressed, "#open")
    def open_selected(self) -> None:
        hit = self.selected()
        if hit is None:
            if self.shown_query:
                self.say(_("Nessun iscritto da aprire: cercarne uno."), "info")
            return
        self.open_subscriber(hit.userid)

    def open_subscriber(self, userid: str) -> None:
        """Push the subscriber's page ("module:Class", imported when first opened)."""
        screen = subscriber_screen(userid)
        if screen is None:
            self.say(_("La scheda dell'iscritto non è ancora disponibile."), "warning")
            return
        self.app.push_screen(screen)

    # --- leaving -----------------------------------------------------------------------------

    def action_escape(self) -> None:
        """Esc empties the search first; on an empty one it asks whether to log out."""
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
            search.focus()
            return
        self.action_logout()

    @on(Button.Pressed, "#logout")
    def action_logout(self) -> None:
        self.app.push_screen(
            ConfirmScreen(
                _("Uscire? La sessione termina e la schermata torna all'inizio."),
                yes=_("Sì, esci"),
                no=_("No, resta"),
            ),
            self._logout_if_confirmed,
        )

    def _logout_if_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.post_message(SessionEnded("logout"))


def subscriber_screen(userid: str) -> Screen[Any] | None:
    """The subscriber's page for `userid`, or None while that screen does not exist."""
    module_name, attribute = SUBSCRIBER_SCREEN.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    screen_class = getattr(module, attribute, None)
    if screen_class is None:
        return None
    screen = screen_class(userid)
    assert isinstance(screen, Screen)
    return screen
