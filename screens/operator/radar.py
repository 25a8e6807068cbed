"""Scadenze: the expiry radar. An area's mailboxes expiring in the next N days, in one table
sorted by a column (click its header, or O), rows selected with the space bar; A opens the
assisted renewal of the row under the cursor, M sends the reminder e-mail to the selection
(after a confirmation)."""

from __future__ import annotations

import importlib
import logging
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Input, Select, Static

from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _, _n, day
from kiosk.services.desk_views import Radar, RadarRow
from screens.base import KioskScreen, service_call
from screens.confirm import ConfirmScreen
from screens.widgets.literal import literal

log = logging.getLogger("kiosk.screens")
ASSISTED = "screens.operator.assisted:AssistedRenewalScreen"
SORTS = ("expiry", "name", "userid")
SORT_LABELS = {"expiry": N_("scadenza"), "name": N_("nominativo"), "userid": N_("userid")}
# the table's columns (key, label) and the order each one sorts by
COLUMNS = (
    ("sel", "✓", None),
    ("expiry", N_("Scadenza"), "expiry"),
    ("days", N_("Giorni"), "expiry"),
    ("pec", N_("Casella PEC"), None),
    ("name", N_("Nominativo"), "name"),
    ("userid", N_("Userid"), "userid"),
    ("state", N_("Stato"), None),
    ("order", N_("Ordine"), None),
)
DEFAULT_DAYS = "30"


def assisted_screen(userid: str, pec: str) -> Screen[Any] | None:
    """The assisted renewal's screen (another part of the help desk), or None if missing."""
    module, attribute = ASSISTED.split(":")
    try:
        factory = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        return None
    screen = factory(userid, pec)
    return screen if isinstance(screen, Screen) else None


class ExpiryRadarScreen(KioskScreen[None]):
    CSS_PATH = "radar.tcss"
    SCREEN_TITLE = N_("Scadenze")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_row", N_("Seleziona"), show=False),
        Binding("a", "assisted", N_("Rinnovo assistito")),
        Binding("m", "remind", N_("Promemoria")),
        Binding("o", "next_sort", N_("Ordina")),
        Binding("escape", "back", N_("Indietro")),
    ]
    NEXT_ON_ENTER = frozenset()
    AUTO_FOCUS = "#radar"

    def __init__(self) -> None:
        super().__init__()
        self.sort = "expiry"
        self.radar: Radar | None = None
        self.selected: set[str] = set()

    def compose_body(self) -> ComposeResult:
        facts = self.desk.facts
        areas = [(a.name, a.code) for a in facts.areas]
        with Horizontal(id="filters"):
            yield Select(areas, id="area", value=facts.default_area, allow_blank=False)
            yield Input(DEFAULT_DAYS, id="days", max_length=3, type="integer")
            yield Button(_("Cerca"), id="scan", variant="primary")
        yield Static("", id="days-error", classes="field-error")
        yield Static("", id="summary", classes="lead")
        yield DataTable(id="radar", cursor_type="row", zebra_stripes=True)
        with Horizontal(classes="actions"):
            yield Button(_("Rinnovo assistito"), id="assisted")
            yield Button(_("Promemoria e-mail"), id="remind")
            yield Button(_("Indietro"), id="back")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#radar", DataTable)
        for key, label, _sort in COLUMNS:
            table.add_column(label if key == "sel" else _(label), key=key)
        self.scan()

    @property
    def operator(self) -> str:
        user = self.host.session
        return user.userid if user else ""

    def link_restored(self) -> None:
        self.scan()

    def _days(self) -> int:
        text = self.query_one("#days", Input).value.strip()
        if not text.isdigit():
            raise InvalidInput("days", _("Indicare un numero di giorni da 1 a 365."))
        return int(text)

    @service_call
    async def scan(self) -> None:
        self.clear_errors()
        area = self.query_one("#area", Select).value
        radar = await self.desk.operator.expiry_radar(
            self.operator, str(area), self._days(), self.sort
        )
        self.selected &= {r.pec for r in radar.rows}
        self.show_radar(radar)

    def show_radar(self, radar: Radar) -> None:
        self.radar = radar
        table = self.query_one("#radar", DataTable)
        keep = self.current()
        table.clear()
        for row in radar.rows:
            table.add_row(*self._cells(row), key=row.pec)
        self._summary()
        pecs = [r.pec for r in radar.rows]
        if keep is not None and keep.pec in pecs:
            table.move_cursor(row=pecs.index(keep.pec), animate=False)

    def _cells(self, row: RadarRow) -> list[Any]:
        order = row.open_order.code if row.open_order else ""
        return [
            "✓" if row.pec in self.selected else "",
            day(row.expiry),
            str(row.days_left),
            literal(row.pec),
            literal(row.nominativo),
            literal(row.userid),
            row.state.label,
            order,
        ]

    def _summary(self) -> None:
        if self.radar is None:
            return
        n = len(self.radar.rows)
        text = _n("{n} casella", "{n} caselle", n).format(n=n)
        text += " · " + _("ordinate per {sort}").format(sort=_(SORT_LABELS[self.sort]))
        text += " · " + _("selezionate: {n}").format(n=len(self.selected))
        if self.radar.truncated:
            text += " · " + _("elenco troncato")
        self.query_one("#summary", Static).update(text)

    def current(self) -> RadarRow | None:
        table = self.query_one("#radar", DataTable)
        if self.radar is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((r for r in self.radar.rows if r.pec == key), None)

    # --- actions --------------------------------------------------------------------------

    def action_toggle_row(self) -> None:
        row = self.current()
        if row is None:
            return
        self.selected ^= {row.pec}
        table = self.query_one("#radar", DataTable)
        table.update_cell(row.pec, "sel", "✓" if row.pec in self.selected else "")
        self._summary()

    def action_assisted(self) -> None:
        row = self.current()
        if row is None:
            self.say(_("Nessuna casella selezionata."), "warning")
            return
        screen = assisted_screen(row.userid, row.pec)
        if screen is None:
            self.say(_("Il rinnovo assistito non è disponibile su questa postazione."), "error")
            return
        self.app.push_screen(screen)

    def action_remind(self) -> None:
        pecs = sorted(self.selected)
        if not pecs:
            self.say(_("Selezionare le caselle con la barra spaziatrice."), "warning")
            return
        question = _n(
            "Inviare il promemoria di scadenza a {n} casella?",
            "Inviare il promemoria di scadenza a {n} caselle?",
            len(pecs),
        ).format(n=len(pecs))

        def answered(yes: bool | None) -> None:
            if yes:
                self.remind(pecs)

        self.app.push_screen(ConfirmScreen(question, _("Invia"), _("Annulla")), answered)

    @service_call
    async def remind(self, pecs: list[str]) -> None:
        sent = await self.desk.operator.send_expiry_reminders(self.operator, pecs)
        parts = [_("Promemoria accodati: {n}.").format(n=len(sent.queued))]
        if sent.already:
            parts.append(_("Già inviati oggi: {n}.").format(n=len(sent.already)))
        if sent.skipped:
            parts.append(_("Esclusi (scadute o già pagate): {n}.").format(n=len(sent.skipped)))
        self.selected.clear()
        if self.radar is not None:
            self.show_radar(self.radar)
        self.say(" ".join(parts), "success")

    def action_next_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.scan()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(DataTable.HeaderSelected, "#radar")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        sort = next((s for k, _l, s in COLUMNS if k == event.column_key.value), None)
        if sort is not None and sort != self.sort:
            self.sort = sort
            self.scan()

    @on(Select.Changed, "#area")
    def _area(self) -> None:
        if self.is_mounted and self.radar is not None:
            self.selected.clear()
            self.scan()

    @on(Input.Submitted, "#days")
    def _days_submitted(self) -> None:
        self.scan()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "scan":
            self.scan()
            return
        actions = {
            "assisted": self.action_assisted,
            "remind": self.action_remind,
            "back": self.action_back,
        }
        if event.button.id in actions:
            actions[event.button.id]()
