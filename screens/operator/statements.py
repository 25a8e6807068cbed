"""Estratti conto: import a bank statement, then resolve on screen the lines that matched no
order by themselves (administration).

The file is named by its path on the kiosk's host; the import's summary is shown, and the lines
still open (from this import and earlier ones) are listed in one table. On the selected line:
"Abbina a ordine" confirms that order's payment with the line's amount and bank reference,
under the automatic match's rules (exact amount; a reference already used only when forced,
with a note), or "Da rimborsare" marks the money to be sent back, with a note.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Checkbox, DataTable, Input, Static

from kiosk.domain import ordercode
from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _, day, money
from kiosk.services.admin_dto import StatementException
from kiosk.services.dto import StatementImport
from screens.base import service_call
from screens.forms import field
from screens.operator.admin_base import AdminScreen
from screens.widgets.literal import literal

CAUSALE_SHOWN = 28  # characters of the causale in the table (the whole one under it)


def summary_text(result: StatementImport) -> str:
    return _(
        "Estratto importato: {confirmed} confermati, {to_check} da verificare, {settled} già "
        "registrati o importati, {ignored} ignorati (addebiti, non contabilizzati)."
    ).format(
        confirmed=len(result.confirmed),
        to_check=len(result.to_check),
        settled=len(result.settled),
        ignored=result.ignored,
    )


def detail_text(line: StatementException) -> str:
    text = _("Riga {id} · riferimento {reference} · {outcome}").format(
        id=line.id, reference=line.reference, outcome=line.outcome.label
    )
    text += "\n" + _("Causale: {causale}").format(causale=line.causale or "-")
    if line.order_code:
        text += "\n" + _("Codice nella causale: {code}").format(code=line.order_code)
    return text


class StatementsScreen(AdminScreen):
    CSS_PATH = "statements.tcss"
    SCREEN_TITLE = N_("Estratti conto")
    AUTO_FOCUS = "#path"

    lines: tuple[StatementException, ...] = ()

    def compose_body(self) -> ComposeResult:
        yield from field(_("File dell'estratto (percorso)"), "path", max_length=1000)
        with Horizontal(classes="actions"):
            yield Button(_("Importa"), id="import", variant="primary")
            yield Button(_("Indietro"), id="back")
        yield Static("", id="summary", classes="lead")
        yield Static(_("Righe da verificare"), classes="heading")
        yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="detail")
        yield from field(_("Codice ordine"), "order", max_length=16)
        yield Checkbox(_("Abbina comunque (riferimento già usato; serve la nota)"), id="force")
        yield from field(_("Nota"), "note", max_length=500)
        with Horizontal(classes="actions"):
            yield Button(_("Abbina a ordine"), id="match", variant="primary")
            yield Button(_("Da rimborsare"), id="refund", variant="warning")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#lines", DataTable)
        table.add_columns(_("N."), _("Data"), _("Importo"), _("Esito"), _("Causale"))
        self.load()

    def link_restored(self) -> None:
        self.load()

    @on(Button.Pressed, "#back")
    def go_back(self) -> None:
        self.dismiss()

    @service_call
    async def load(self) -> None:
        self.show_lines(await self.office.admin_statement_exceptions(self.operator))

    def show_lines(self, lines: tuple[StatementException, ...]) -> None:
        self.lines = lines
        table = self.query_one("#lines", DataTable)
        previous = self.selected()
        table.clear()
        for line in lines:
            causale = " ".join(line.causale.split())
            if len(causale) > CAUSALE_SHOWN:
                causale = causale[: CAUSALE_SHOWN - 1] + "…"
            table.add_row(
                str(line.id),
                day(line.booked_on) if line.booked_on else "-",
                literal(money(line.amount_cents)),
                line.outcome.label,
                literal(causale or "-"),
                key=str(line.id),
            )
        if previous is not None and any(line.id == previous.id for line in lines):
            table.move_cursor(row=table.get_row_index(str(previous.id)), animate=False)
        self.show_detail()

    def selected(self) -> StatementException | None:
        table = self.query_one("#lines", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((line for line in self.lines if str(line.id) == key), None)

    @on(DataTable.RowHighlighted, "#lines")
    def show_detail(self) -> None:
        line = self.selected()
        detail = self.query_one("#detail", Static)
        if line is None:
            detail.update(_("Nessuna riga da verificare."))
        else:
            detail.update(literal(detail_text(line)))
        for widget_id in ("match", "refund"):
            self.query_one(f"#{widget_id}", Button).disabled = line is None

    @on(DataTable.RowSelected, "#lines")
    def row_chosen(self) -> None:
        line = self.selected()
        if line is not None and line.order_code:
            self.query_one("#order", Input).value = line.order_code
        self.focus_soon("#order")

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#import")
    def start_import(self) -> None:
        self.clear_errors()
        if not self.value("path").strip():
            self.show_error(
                InvalidInput("path", _("Indicare il percorso del file dell'estratto conto."))
            )
            return
        self.run_import(self.value("path"))

    @service_call
    async def run_import(self, path: str) -> None:
        result = await self.office.admin_import_statement(self.operator, path)
        self.query_one("#summary", Static).update(literal(summary_text(result)))
        self.show_lines(await self.office.admin_statement_exceptions(self.operator))
        self.say(_("Importazione completata."), "success")

    @on(Input.Submitted, "#order")
    @on(Button.Pressed, "#match")
    def match(self) -> None:
        line = self.selected()
        if line is None:
            return
        self.clear_errors()
        code = self.value("order")
        if ordercode.parse(code) is None:
            self.show_error(
                InvalidInput(
                    "order",
                    _("Codice ordine non valido: RLM e 7 caratteri, l'ultimo di controllo."),
                )
            )
            return
        force = self.query_one("#force", Checkbox).value
        if force and not self.value("note").strip():
            self.show_error(InvalidInput("note", _("Per abbinare comunque serve una nota.")))
            return
        self.resolve_match(line, code, force)

    @service_call
    async def resolve_match(self, line: StatementException, code: str, force: bool) -> None:
        done = await self.office.admin_match_exception(
            self.operator, line.id, code, force=force, note=self.value("note")
        )
        await self._resolved(
            _("Riga {id} abbinata all'ordine {code}: fattura {number}.").format(
                id=done.id, code=done.order_code, number=done.invoice_number or "-"
            )
        )

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#refund")
    def refund(self) -> None:
        line = self.selected()
        if line is None:
            return
        self.clear_errors()
        if not self.value("note").strip():
            self.show_error(
                InvalidInput("note", _("Indicare una nota per il rimborso (a chi, come, perché)."))
            )
            return
        self.resolve_refund(line)

    @service_call
    async def resolve_refund(self, line: StatementException) -> None:
        done = await self.office.admin_refund_exception(self.operator, line.id, self.value("note"))
        await self._resolved(
            _("Riga {id} segnata da rimborsare ({amount}).").format(
                id=done.id, amount=money(done.amount_cents)
            )
        )

    async def _resolved(self, message: str) -> None:
        """Done: the fields emptied, the list read again (the line leaves it), said so."""
        for field_id in ("order", "note"):
            self.query_one(f"#{field_id}", Input).value = ""
        self.query_one("#force", Checkbox).value = False
        self.show_lines(await self.office.admin_statement_exceptions(self.operator))
        self.say(message, "success")
        self.focus_soon("#lines")
