"""Le mie caselle: every PEC box with family, state, expiry, days left, renewable now or not."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from kiosk.domain.dates import WindowStatus
from kiosk.i18n import N_, _, _n, day, money
from kiosk.services.dto import AccountView, MailboxView
from screens.base import KioskScreen, service_call
from screens.messages import SessionEnded
from screens.renewal import RenewalScreen
from screens.widgets.literal import literal


def renewability(box: MailboxView) -> str:
    """Whether a box can be renewed now and, if not, why (two short lines)."""
    if box.pending_order_code:
        return _("Ordine in corso") + "\n" + box.pending_order_code
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
        Binding("escape", "logout", N_("Esci")),
    ]
    AUTO_FOCUS = "#boxes"

    account: AccountView | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("Caselle PEC intestate a te"), classes="heading")
        yield Static("", id="balance", classes="lead")
        yield DataTable(id="boxes", cursor_type="row", zebra_stripes=True)
        yield Static(_("Invio o Rinnova: rinnovo della casella selezionata."), classes="hint")
        with Horizontal(classes="actions"):
            yield Button(_("Rinnova"), id="renew", variant="primary")
            yield Button(_("Esci"), id="logout")

    def __init__(self, account: AccountView | None = None) -> None:
        super().__init__()
        self.account = account  # given by the login, so the list comes up already filled
        self._left = False

    def on_mount(self) -> None:
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
                    "Nessuna casella PEC risulta associata alla tua iscrizione. Per assistenza "
                    "rivolgersi allo sportello o al Supporto Vendite."
                ),
                "info",
            )

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
        self.app.push_screen(RenewalScreen(pec=box.address if box else ""))

    @on(Button.Pressed, "#logout")
    def action_logout(self) -> None:
        self.post_message(SessionEnded("logout"))
