"""Incassi: the day's takings by payment method and by operator, for the desk's cash-up; the
day can be changed, and the report printed or saved as a PDF."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from kiosk.domain import validation
from kiosk.i18n import N_, _, _n, day, money
from kiosk.services.desk_views import Takings, TakingsTotal
from screens.base import KioskScreen, service_call
from screens.widgets.literal import literal


class TakingsScreen(KioskScreen[None]):
    CSS_PATH = "takings.tcss"
    SCREEN_TITLE = N_("Incassi")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Indietro")),
    ]
    AUTO_FOCUS = "#day"

    def __init__(self) -> None:
        super().__init__()
        self.takings: Takings | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="picker"):
            yield Input(id="day", placeholder=_("Giorno (GG/MM/AAAA): oggi"), max_length=10)
            yield Button(_("Mostra"), id="show", variant="primary")
        yield Static("", id="day-error", classes="field-error")
        yield Static("", id="total", classes="lead")
        yield DataTable(id="methods", cursor_type="none", zebra_stripes=True)
        yield DataTable(id="operators", cursor_type="none", zebra_stripes=True)
        with Horizontal(classes="actions"):
            yield Button(_("Stampa"), id="print")
            yield Button(_("Salva PDF"), id="save")
            yield Button(_("Indietro"), id="back")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#methods", DataTable).add_columns(
            _("Modalità"), _("Pagamenti"), _("Importo")
        )
        self.query_one("#operators", DataTable).add_columns(
            _("Operatore"), _("Pagamenti"), _("Importo")
        )
        self.load()

    @property
    def operator(self) -> str:
        user = self.host.session
        return user.userid if user else ""

    def link_restored(self) -> None:
        self.load()

    def _day(self) -> date | None:
        text = self.query_one("#day", Input).value.strip()
        return validation.calendar_date(text, "day") if text else None

    @service_call
    async def load(self) -> None:
        self.clear_errors()
        takings = await self.desk.operator.takings(self.operator, self._day())
        self.show_takings(takings)

    def show_takings(self, takings: Takings) -> None:
        self.takings = takings
        self.query_one("#total", Static).update(
            literal(
                _("Incassi del {day}: {total}").format(
                    day=day(takings.day), total=money(takings.total_cents)
                )
                + " "
                + _n("({n} pagamento)", "({n} pagamenti)", takings.count).format(n=takings.count)
            )
        )
        self._fill("#methods", takings.by_method)
        self._fill("#operators", takings.by_operator)

    def _fill(self, selector: str, totals: tuple[TakingsTotal, ...]) -> None:
        table = self.query_one(selector, DataTable)
        table.clear()
        for t in totals:
            table.add_row(literal(t.label), str(t.count), money(t.amount_cents))
        if not totals:
            table.add_row(_("nessun incasso"), "0", money(0))

    @service_call
    async def save(self, printing: bool) -> None:
        self.clear_errors()
        desk = self.desk.operator
        on = self._day()
        if printing:
            made = await desk.print_takings(self.operator, on)
            self.say(
                _("Rapporto di cassa del {day} inviato alla stampante.").format(day=day(made.day)),
                "success",
            )
        else:
            made = await desk.takings_pdf(self.operator, on)
            self.say(_("Rapporto di cassa salvato: {path}").format(path=made.path), "success")

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Input.Submitted, "#day")
    def _submitted(self) -> None:
        self.load()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "show":
            self.load()
        elif event.button.id in ("print", "save"):
            self.save(event.button.id == "print")
        elif event.button.id == "back":
            self.action_back()
