"""Le mie caselle: every PEC box with family, state, expiry, days left, renewable now or not."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from kiosk.clock import ROME
from kiosk.domain.dates import WindowStatus
from kiosk.domain.model import OrderStatus, Role
from kiosk.i18n import N_, _, _n, day, money
from kiosk.services.desk_dto import ActingOperator
from kiosk.services.dto import AccountView, MailboxView
from screens.base import KioskScreen, service_call
from screens.confirm import ConfirmScreen
from screens.messages import HandoverFinished, SessionEnded
from screens.order import OrderScreen
from screens.renewal import RenewalScreen
from screens.widgets.literal import literal


def renewability(box: MailboxView) -> str:
    """Whether a box can be renewed now and, if not, why (two short lines)."""
    order = box.open_order
    if order is not None and order.status is OrderStatus.PAID:
        when = (
            day(order.activation_due_at.astimezone(ROME).date()) if order.activation_due_at else ""
        )
        return _("Pagato — rinnovo") + "\n" + _("il {date}").format(date=when)
    if order is not None:
        return _("Da pagare: ordine") + "\n" + order.code
    if box.window is WindowStatus.OPEN:
        return _("Sì, ora")
    if box.window is WindowStatus.TOO_EARLY:
        return _("Dal {date}").format(date=day(box.opens_on))
    return _("No: contattare") + "\n" + _("Supporto Vendite")


def days_text(days: int) -> str:
    if days > 0:
        return _n("tra {n} g", "tra {n} gg", days).format(n=days)
    if days == 0:
        return _("oggi")
    return _n("{n} g fa", "{n} gg fa", -days).format(n=-days)


class MailboxesScreen(KioskScreen[None]):
    CSS_PATH = "mailboxes.tcss"
    SCREEN_TITLE = N_("Le mie caselle PEC")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "renew", N_("Rinnova")),
        Binding("o", "call_operator", N_("Chiama l'operatore")),
        Binding("a", "assist", N_("Assistenza remota")),
        Binding("escape", "logout", N_("Esci")),
    ]
    AUTO_FOCUS = "#boxes"

    account: AccountView | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("Caselle PEC a Lei intestate"), classes="heading")
        yield Static("", id="balance", classes="lead")
        yield DataTable(id="boxes", cursor_type="row", zebra_stripes=True)
        yield Static(
            _("Invio o Rinnova: rinnovo della casella selezionata, o il suo ordine in corso."),
            classes="hint",
        )
        with Horizontal(classes="actions"):
            yield Button(_("Rinnova"), id="renew", variant="primary")
            yield Button(_("Esci"), id="logout", classes="lawyer-only")
            yield Button(_("Chiama l'operatore"), id="call-operator", classes="lawyer-only")
            yield Button(_("Restituisci"), id="hand-back", classes="operator-only")
            yield Button(_("Termina"), id="end-handover", classes="operator-only")

    def __init__(self, account: AccountView | None = None) -> None:
        super().__init__()
        self.account = account  # given by the login, so the list comes up already filled
        self._left = False

    def on_mount(self) -> None:
        self.watch(self.app, "acting", self._handover_changed, init=True)
        table = self.query_one("#boxes", DataTable)
        table.add_columns(_("Casella PEC · stato · tipo"), _("Scadenza"), _("Rinnovabile"))
        if self.account is None:
            self.load()
        else:
            self.show_account(self.account)

    def on_screen_suspend(self) -> None:
        self._left = True

    def on_screen_resume(self) -> None:
        if self._left:  # back from a renewal: show what changed
            self.load()

    def link_restored(self) -> None:
        if self.account is None:  # the list could not be loaded: load it now
            self.load()

    @service_call
    async def load(self) -> None:
        user = self.host.session
        if user is None:
            return
        self.account = await self.desk.overview(user.userid)
        self.show_account(self.account)

    def show_account(self, account: AccountView) -> None:
        self.query_one("#balance", Static).update(
            literal(
                _("Credito del conto prepagato: {amount}").format(
                    amount=money(account.balance_cents)
                )
            )
        )
        table = self.query_one("#boxes", DataTable)
        # the row the cursor was on stays under it (back from a renewal); at first, the first
        # box that can be renewed now (or has a renewal under way)
        previous = self.selected() if table.row_count else None
        table.clear()
        for box in account.mailboxes:
            first = literal(box.address + "\n")
            first.append(box.state.label.upper(), style="bold")
            first.append(" · " + box.family.short_label)
            table.add_row(
                first,
                literal(day(box.expiry) + "\n" + days_text(box.days_left)),
                literal(renewability(box)),
                key=box.address,
                height=2,
            )
        if not account.mailboxes:
            self.say(
                _(
                    "Nessuna casella PEC risulta associata alla Sua iscrizione. Per assistenza "
                    "si rivolga allo sportello o al Supporto Vendite."
                ),
                "info",
            )
            return
        target = previous.address if previous is not None else None
        if target is None:
            actionable = [b for b in account.mailboxes if b.renewable or b.open_order]
            target = (actionable or account.mailboxes)[0].address
        table.move_cursor(row=table.get_row_index(target), animate=False)

    def selected(self) -> MailboxView | None:
        """The box under the table's cursor (rows are keyed by address)."""
        table = self.query_one("#boxes", DataTable)
        if self.account is None or not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return next((b for b in self.account.mailboxes if b.address == row_key.value), None)

    @on(DataTable.RowSelected)
    @on(Button.Pressed, "#renew")
    def action_renew(self) -> None:
        box = self.selected()
        if box is not None and box.open_order is not None:
            self.open_order(box.open_order.code)  # a renewal under way: manage it
        elif self.host.acting is not None and box is not None:  # the operator, for the lawyer
            from screens.operator.assisted import AssistedRenewalScreen

            self.app.push_screen(AssistedRenewalScreen(self.host.acting.lawyer.userid, box.address))
        else:
            self.app.push_screen(RenewalScreen(pec=box.address if box else ""))

    # --- the walk-in hand-over ------------------------------------------------------------

    def _handover_changed(self, acting: ActingOperator | None) -> None:
        self.set_class(acting is not None, "-handover")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("call_operator", "logout"):
            return self.host.acting is None
        if action == "assist":  # only where it works: a session started by the SSH server
            user = self.host.session
            return (
                self.host.remote is not None and user is not None and user.role is Role.SUBSCRIBER
            )
        return super().check_action(action, parameters)

    @on(Button.Pressed, "#call-operator")
    def action_call_operator(self) -> None:
        from screens.operator.handover import HandoverLoginScreen

        self.app.push_screen(HandoverLoginScreen())

    @on(Button.Pressed, "#hand-back")
    def hand_back(self) -> None:
        self.finish_handover("returned")

    @on(Button.Pressed, "#end-handover")
    def end_handover(self) -> None:
        self.finish_handover("ended")

    @service_call
    async def finish_handover(self, how: str) -> None:
        """Audited first: if the database is away, the operator stays in charge (and can retry)."""
        acting = self.host.acting
        if acting is None:
            return
        await self.desk.operator.end_handover(acting.operator.userid, acting.lawyer.userid, how=how)
        self.post_message(HandoverFinished(how))

    def action_assist(self) -> None:
        """Assistenza remota: a code for the help desk to join this session."""
        from screens.assist_code import AssistCodeScreen

        self.app.push_screen(AssistCodeScreen())

    @service_call
    async def open_order(self, code: str) -> None:
        self.app.push_screen(OrderScreen(await self.desk.order(code)))

    @on(Button.Pressed, "#logout")
    def action_logout(self) -> None:
        """Asked first: Esc pressed once too often must not end the session."""
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
