"""Scheda iscritto: everything about one subscriber, for the help desk, and what it can do.

Identity and prepaid balance at the top, then one tab per list (Caselle, Movimenti, Ordini,
Fatture, Richiamate, Registro), each one DataTable keyed by its item. Actions by key or button,
each naming the operator (`host.session`) to the core, which refuses anybody else and audits
them: what cannot be done is said in the notice line, the one place for it. Destructive actions
ask first. After each one the page is loaded again. Esc goes back to where it was opened from
(the operator workspace).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, DataTable, Static, TabbedContent, TabPane

from kiosk.domain.model import OrderStatus
from kiosk.i18n import N_, _, money
from kiosk.services.dto import DocumentKind, OrderView
from kiosk.services.operator_port import OperatorDesk
from kiosk.services.subscriber_dto import SubscriberPage
from screens.base import KioskScreen, service_call
from screens.confirm import ConfirmScreen
from screens.operator.link_mailbox import LinkMailboxScreen
from screens.operator.subscriber_rows import TABLES, bounded_note, find, identity_text

ASSISTED = "screens.operator.assisted:AssistedRenewalScreen"
Act = Callable[[OperatorDesk, str], Awaitable[str]]  # (desk, operator) -> the outcome, in words


class SubscriberScreen(KioskScreen[None]):
    CSS_PATH = "subscriber.tcss"
    SCREEN_TITLE = N_("Scheda iscritto")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Indietro")),
        Binding("a", "assisted", N_("Rinnovo assistito")),
        Binding("l", "link", N_("Collega casella")),
        Binding("u", "unlock", N_("Sblocca accesso")),
        Binding("k", "recovery", N_("Codice di recupero")),
        Binding("x", "cancel_order", N_("Annulla ordine")),
        Binding("i", "reissue", N_("Riemetti")),
        Binding("e", "email", N_("Reinvia")),
        Binding("s", "print", N_("Stampa")),
    ]
    AUTO_FOCUS = "#mailboxes"

    page: SubscriberPage | None = None

    def __init__(self, userid: str) -> None:
        super().__init__()
        self.userid = userid
        self._left = False

    def title_text(self) -> str:
        return _("Scheda iscritto {userid}").format(userid=self.userid)

    def compose_body(self) -> ComposeResult:
        yield Static("", id="identity")
        with Horizontal(classes="actions", id="account-actions"):
            yield Button(_("Sblocca accesso"), id="unlock")
            yield Button(_("Invia codice di recupero"), id="recovery")
        with TabbedContent(id="tabs"):
            for table in TABLES:
                with TabPane(_(table.tab), id=f"tab-{table.table_id}"):
                    yield DataTable(id=table.table_id, cursor_type="row", zebra_stripes=True)
                    yield Static("", id=f"{table.table_id}-note", classes="hint")
                    yield from self._pane_actions(table.table_id)

    def _pane_actions(self, table_id: str) -> ComposeResult:
        buttons = {
            "mailboxes": [("assisted", _("Rinnovo assistito")), ("link", _("Collega casella"))],
            "orders": [
                ("cancel-order", _("Annulla ordine")),
                ("reissue", _("Riemetti ordine")),
                ("email-reminder", _("Reinvia promemoria")),
                ("print-reminder", _("Stampa promemoria")),
            ],
            "invoices": [
                ("email-invoice", _("Reinvia fattura")),
                ("print-invoice", _("Stampa fattura")),
            ],
        }.get(table_id, [])
        if buttons:
            with Horizontal(classes="actions"):
                for button_id, label in buttons:
                    button = Button(label, id=button_id)
                    if button_id.startswith("print-"):
                        button.display = self.desk.rules.can_print
                    yield button

    def on_mount(self) -> None:
        super().on_mount()
        for table in TABLES:
            self.query_one(f"#{table.table_id}", DataTable).add_columns(
                *(_(c) for c in table.columns)
            )
        self.load()

    def on_screen_resume(self) -> None:
        # back from an assisted renewal: show what changed (not after a dialog: the action it
        # confirmed loads the page itself, and a load now would cancel it)
        if self._left:
            self._left = False
            self.load()

    def link_restored(self) -> None:
        if self.page is None:
            self.load()

    # --- loading and showing ----------------------------------------------------------------

    @property
    def operator(self) -> str:
        user = self.host.session
        return user.userid if user is not None else ""

    @property
    def operator_desk(self) -> OperatorDesk:
        return self.desk.operator

    @service_call
    async def load(self) -> None:
        self.show_page(
            await self.operator_desk.subscriber_page(self.userid, operator=self.operator)
        )

    def show_page(self, page: SubscriberPage) -> None:
        self.page = page
        self.query_one("#identity", Static).update(identity_text(page))
        for table in TABLES:
            widget = self.query_one(f"#{table.table_id}", DataTable)
            previous = self._selected(table.table_id)
            widget.clear()
            for key, cells in table.rows(page):
                widget.add_row(*cells, key=key)
            if previous is not None and previous in widget.rows:
                widget.move_cursor(row=widget.get_row_index(previous), animate=False)
            shown = widget.row_count
            note = bounded_note(shown, table.total(page)) if table.total else ""
            if not shown:
                note = _("Nessuna voce.")
            self.query_one(f"#{table.table_id}-note", Static).update(note)

    def _selected(self, table_id: str) -> str | None:
        """The row key under the cursor of a table (None when empty)."""
        table = self.query_one(f"#{table_id}", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def _selected_order(self) -> OrderView | None:
        order = find(self.page.orders if self.page else (), "code", self._selected("orders"))
        if order is None:
            self.say(_("Selezionare un ordine nella scheda Ordini."), "warning")
        return order  # type: ignore[no-any-return]

    # --- doing something --------------------------------------------------------------------

    @service_call
    async def act(self, work: Act) -> None:
        """Run one action, load the page again, and say how it went (errors: `show_error`)."""
        outcome = await work(self.operator_desk, self.operator)
        self.show_page(
            await self.operator_desk.subscriber_page(self.userid, operator=self.operator)
        )
        self.say(outcome, "success")

    def confirm(self, question: str, yes: str, work: Act) -> None:
        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.act(work)

        self.app.push_screen(ConfirmScreen(question, yes=yes, no=_("No, torna indietro")), answered)

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(Button.Pressed, "#unlock")
    def action_unlock(self) -> None:
        userid = self.userid

        async def work(desk: OperatorDesk, operator: str) -> str:
            if await desk.unlock_login(userid, operator=operator):
                return _("Accesso di {userid} sbloccato.").format(userid=userid)
            return _("Lo userid {userid} non era bloccato.").format(userid=userid)

        self.act(work)

    @on(Button.Pressed, "#recovery")
    def action_recovery(self) -> None:
        userid = self.userid

        async def work(desk: OperatorDesk, operator: str) -> str:
            address = await desk.send_recovery_code(userid, operator=operator)
            return _(
                "Codice di recupero inviato all'indirizzo e-mail registrato ({address})."
            ).format(address=address)

        self.act(work)

    @on(Button.Pressed, "#link")
    def action_link(self) -> None:
        candidates = self.page.linkable if self.page else ()
        self.app.push_screen(LinkMailboxScreen(self.userid, candidates), self._link)

    def _link(self, pec: str | None) -> None:
        if pec is None:
            return
        userid = self.userid

        async def work(desk: OperatorDesk, operator: str) -> str:
            box = await desk.link_mailbox(userid, pec, operator=operator)
            return _("Casella {pec} collegata a {userid}.").format(pec=box.address, userid=userid)

        self.act(work)

    @on(Button.Pressed, "#assisted")
    def action_assisted(self) -> None:
        pec = self._selected("mailboxes")
        if pec is None:
            self.say(_("Selezionare una casella nella scheda Caselle."), "warning")
            return
        module, name = ASSISTED.split(":")
        try:
            factory: Any = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            self.say(_("Il rinnovo assistito non è disponibile su questa postazione."), "error")
            return
        screen = factory(self.userid, pec)
        assert isinstance(screen, Screen)
        self._left = True
        self.app.push_screen(screen)

    @on(Button.Pressed, "#cancel-order")
    def action_cancel_order(self) -> None:
        order = self._selected_order()
        if order is None:
            return
        userid, code = self.userid, order.code

        async def work(desk: OperatorDesk, operator: str) -> str:
            await desk.cancel_subscriber_order(userid, code, operator=operator)
            return _("Ordine {code} annullato.").format(code=code)

        self.confirm(
            _(
                "Annullare l'ordine {code} ({pec}, {total})? Un pagamento con questo codice non "
                "sarà più accettato."
            ).format(code=code, pec=order.pec, total=money(order.total_cents)),
            _("Sì, annulla l'ordine"),
            work,
        )

    @on(Button.Pressed, "#reissue")
    def action_reissue(self) -> None:
        order = self._selected_order()
        if order is None:
            return
        userid, code = self.userid, order.code

        async def work(desk: OperatorDesk, operator: str) -> str:
            new = await desk.reissue_subscriber_order(userid, code, operator=operator)
            return _("Ordine {old} annullato e riemesso: nuovo codice {code}.").format(
                old=code, code=new.code
            )

        self.confirm(
            _(
                "Riemettere l'ordine {code}? Viene annullato e sostituito da un nuovo ordine, con "
                "un nuovo codice, per la stessa casella e lo stesso pagamento ({method})."
            ).format(code=code, method=order.method.label),
            _("Sì, riemetti"),
            work,
        )

    def _document(self, kind: DocumentKind) -> str | None:
        """The order whose reminder or invoice is meant: the selected invoice's or order's."""
        if kind is DocumentKind.INVOICE:
            code = self._selected("invoices")
            if code is None:
                self.say(_("Selezionare una fattura nella scheda Fatture."), "warning")
            return code
        order = self._selected_order()
        return order.code if order is not None else None

    def _kind(self) -> DocumentKind:
        active = self.query_one("#tabs", TabbedContent).active
        return DocumentKind.INVOICE if active == "tab-invoices" else DocumentKind.REMINDER

    @on(Button.Pressed, "#email-reminder")
    def _email_reminder(self) -> None:
        self.send(DocumentKind.REMINDER, printed=False)

    @on(Button.Pressed, "#email-invoice")
    def _email_invoice(self) -> None:
        self.send(DocumentKind.INVOICE, printed=False)

    @on(Button.Pressed, "#print-reminder")
    def _print_reminder(self) -> None:
        self.send(DocumentKind.REMINDER, printed=True)

    @on(Button.Pressed, "#print-invoice")
    def _print_invoice(self) -> None:
        self.send(DocumentKind.INVOICE, printed=True)

    def action_email(self) -> None:
        self.send(self._kind(), printed=False)

    def action_print(self) -> None:
        if not self.desk.rules.can_print:
            self.say(_("La stampa non è configurata su questa postazione."), "error")
            return
        self.send(self._kind(), printed=True)

    def send(self, kind: DocumentKind, *, printed: bool) -> None:
        code = self._document(kind)
        if code is None:
            return
        userid = self.userid
        invoice = kind is DocumentKind.INVOICE

        async def work(desk: OperatorDesk, operator: str) -> str:
            if printed:
                await desk.print_subscriber_document(userid, code, kind, operator=operator)
                if invoice:
                    return _("Fattura dell'ordine {code} inviata alla stampante.").format(code=code)
                return _("Promemoria dell'ordine {code} inviato alla stampante.").format(code=code)
            sent = await desk.email_subscriber_document(userid, code, kind, operator=operator)
            address = sent.masked_address
            if invoice:
                return _("Fattura dell'ordine {code} inviata a {address}.").format(
                    code=code, address=address
                )
            return _("Promemoria dell'ordine {code} inviato a {address}.").format(
                code=code, address=address
            )

        self.act(work)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Order actions only while the order awaits payment; the rest always (a refusal then
        says why)."""
        if action in ("cancel_order", "reissue") and self.page is not None:
            order = find(self.page.orders, "code", self._selected("orders"))
            if order is not None and order.status is not OrderStatus.PENDING:
                return None  # shown greyed in the footer
        return super().check_action(action, parameters)
