"""Richiamate: the callback queue (requests left at the kiosk, boxes past the window).

One table of entries (the filter cycles open → taken → closed → all), the selected entry's
details and notes under it, one text field for a note or the outcome, and the actions: take,
add a note, close. Every call names the acting operator (`host.session`).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Input, Static

from kiosk.clock import ROME
from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _, day
from kiosk.services.desk_views import CallbackEntry, CallbackQueue
from screens.base import KioskScreen, service_call
from screens.widgets.literal import literal

FILTERS = ("active", "open", "taken", "closed", "all")
FILTER_LABELS = {
    "active": N_("da gestire o in carico"),
    "open": N_("da prendere"),
    "taken": N_("in carico"),
    "closed": N_("chiuse"),
    "all": N_("tutte"),
}
STATUS_LABELS = {"open": N_("aperta"), "taken": N_("in carico"), "closed": N_("chiusa")}


def when(entry: CallbackEntry) -> str:
    if entry.created_at is None:
        return _("finestra chiusa")
    return entry.created_at.astimezone(ROME).strftime("%d/%m %H:%M")


class CallbackQueueScreen(KioskScreen[None]):
    CSS_PATH = "callbacks.tcss"
    SCREEN_TITLE = N_("Richiamate")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "take", N_("Prendi")),
        Binding("n", "note", N_("Nota")),
        Binding("c", "close_entry", N_("Chiudi")),
        Binding("f", "next_filter", N_("Filtro")),
        Binding("escape", "back", N_("Indietro")),
    ]
    AUTO_FOCUS = "#queue"

    def __init__(self) -> None:
        super().__init__()
        self.filter = "active"
        self.queue: CallbackQueue | None = None
        self.current: CallbackEntry | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="filter", classes="lead")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield Input(id="text", placeholder=_("Nota o esito"), max_length=500)
        yield Static("", id="text-error", classes="field-error")
        with Horizontal(classes="actions"):
            yield Button(_("Prendi"), id="take", variant="primary")
            yield Button(_("Nota"), id="note")
            yield Button(_("Chiudi"), id="close")
            yield Button(_("Indietro"), id="back")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#queue", DataTable)
        table.add_columns(_("N."), _("Casella PEC"), _("Utente"), _("Stato"), _("Dal"), _("Chi"))
        self.load()

    @property
    def operator(self) -> str:
        user = self.host.session
        return user.userid if user else ""

    def link_restored(self) -> None:
        self.load()

    @service_call
    async def load(self) -> None:
        queue = await self.desk.operator.callback_queue(self.operator, status=self.filter)
        self.show_queue(queue)

    def show_queue(self, queue: CallbackQueue) -> None:
        self.queue = queue
        label = _(FILTER_LABELS[self.filter])
        self.query_one("#filter", Static).update(
            literal(
                _("Richieste {filter}: {n} (F: cambia filtro)").format(
                    filter=label, n=len(queue.entries)
                )
            )
        )
        table = self.query_one("#queue", DataTable)
        keep = self.current.key if self.current else None
        table.clear()
        for e in queue.entries:
            table.add_row(
                literal(str(e.id) if e.id else "-"),
                literal(e.pec),
                literal(e.userid or "-"),
                literal(_(STATUS_LABELS[e.status.value])),
                literal(when(e)),
                literal(e.taken_by or e.closed_by or ""),
                key=e.key,
            )
        keys = [e.key for e in queue.entries]
        if keep in keys:
            table.move_cursor(row=keys.index(keep), animate=False)
        self.current = queue.entries[table.cursor_row] if queue.entries else None
        self.show_detail(self.current)

    def show_detail(self, entry: CallbackEntry | None) -> None:
        detail = self.query_one("#detail", Static)
        if entry is None:
            detail.update(_("Nessuna richiesta."))
            return
        lines = [f"{entry.pec} — {entry.nominativo or '-'}"]
        if entry.expiry:
            lines.append(_("Scadenza: {day}").format(day=day(entry.expiry)))
        if entry.phone:
            lines.append(_("Telefono: {phone}").format(phone=entry.phone))
        if entry.note:
            lines.append(_("Richiesta: {note}").format(note=entry.note))
        if entry.outcome:
            lines.append(_("Esito: {outcome}").format(outcome=entry.outcome))
        for note in entry.notes[-3:]:
            at = note.at.astimezone(ROME).strftime("%d/%m %H:%M")
            lines.append(f"· {at} {note.author}: {note.text}")
        detail.update(literal("\n".join(lines)))

    @on(DataTable.RowHighlighted, "#queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.queue is None or event.row_key.value is None:
            return
        found = [e for e in self.queue.entries if e.key == event.row_key.value]
        self.current = found[0] if found else None
        self.show_detail(self.current)
        if self.current is not None and self.current.id is not None:
            self.fetch(self.current.key)

    @service_call
    async def fetch(self, key: str) -> None:
        """The entry's notes (the list carries none)."""
        entry = await self.desk.operator.callback_entry(self.operator, key)
        if self.current is not None and self.current.key == key:
            self.current = entry
            self.show_detail(entry)

    # --- actions --------------------------------------------------------------------------

    def _text(self) -> str:
        return self.query_one("#text", Input).value

    def action_take(self) -> None:
        if self.current is not None:
            self.act("take", self.current.key)

    def action_note(self) -> None:
        if self.current is not None:
            self.act("note", self.current.key, self._text())

    def action_close_entry(self) -> None:
        if self.current is not None:
            self.act("close", self.current.key, self._text())

    def action_next_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.current = None
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {
            "take": self.action_take,
            "note": self.action_note,
            "close": self.action_close_entry,
            "back": self.action_back,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    @service_call
    async def act(self, what: str, key: str, text: str = "") -> None:
        self.clear_errors()
        desk = self.desk.operator
        if what == "take":
            entry = await desk.take_callback(self.operator, key)
            message = _("Richiesta {id} presa in carico.").format(id=entry.id)
        elif what == "note":
            entry = await desk.note_callback(self.operator, key, text)
            message = _("Nota aggiunta alla richiesta {id}.").format(id=entry.id)
        else:
            entry = await desk.close_callback(self.operator, key, text)
            message = _("Richiesta {id} chiusa.").format(id=entry.id)
        if what != "take":
            self.query_one("#text", Input).value = ""
        self.current = entry
        queue = await desk.callback_queue(self.operator, status=self.filter)
        self.show_queue(queue)
        self.say(message, "success")

    def show_error(self, error: BaseException) -> None:
        """The note and the outcome are typed in the one text field: their errors go there."""
        if isinstance(error, InvalidInput) and error.field in ("note", "outcome"):
            error = InvalidInput("text", error.message)
        super().show_error(error)
