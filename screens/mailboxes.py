"""Le mie caselle: every PEC box with family, state, expiry, days left, renewable now or not."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from kiosk.domain.dates import WindowStatus
from kiosk.i18n import _, day, money
from kiosk.services.dto import AccountView, MailboxView
from screens.base import KioskScreen


def renewability(box: MailboxView) -> str:
    """Why a box can or cannot be renewed now, in a few words."""
    if box.pending_order_code:
        return _("ordine {code} in corso").format(code=box.pending_order_code)
    if box.window is WindowStatus.OPEN:
        return _("Sì, rinnovabile ora")
    if box.window is WindowStatus.TOO_EARLY:
        return _("dal {date}").format(date=day(box.opens_on))
    return _("No: Supporto Vendite")


class MailboxesScreen(KioskScreen[None]):
    CSS_PATH = "mailboxes.tcss"
    SCREEN_TITLE = "Le mie caselle PEC"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "renew", _("Rinnova")),
        Binding("escape", "logout", _("Esci")),
    ]
    AUTO_FOCUS = "#boxes"

    account: AccountView | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("Caselle PEC intestate a te"), classes="heading")
        yield Static("", id="balance", classes="lead")
        yield DataTable(id="boxes", cursor_type="row", zebra_stripes=True)
        yield Static(
            _("Selezionare una casella e premere Invio (o il pulsante Rinnova) per rinnovarla."),
            classes="lead",
        )
        with Horizontal(classes="actions"):
            yield Button(_("Rinnova"), id="renew", variant="primary")
            yield Button(_("Esci"), id="logout")

    def on_mount(self) -> None:
        table = self.query_one("#boxes", DataTable)
        table.add_columns(
            _("Casella PEC"), _("Tipo"), _("Stato"), _("Scadenza"), _("Giorni"), _("Rinnovo")
        )
        self.load()

    def on_screen_resume(self) -> None:
        if self.account is not None:  # back from a renewal: show what changed
            self.load()

    @work(exclusive=True)
    async def load(self) -> None:
        user = self.kiosk.session
        if user is None:
            return
        services = await self.services()
        self.account = await services.accounts.overview(user.userid)
        self.show_account(self.account)

    def show_account(self, account: AccountView) -> None:
        self.query_one("#balance", Static).update(
            Text(
                _("Credito del conto prepagato: {amount}").format(
                    amount=money(account.balance_cents)
                )
            )
        )
        table = self.query_one("#boxes", DataTable)
        table.clear()
        for box in account.mailboxes:
            table.add_row(
                Text(box.address),
                Text(box.family.label),
                Text(box.state.label.upper(), style="bold"),
                Text(day(box.expiry)),
                Text(str(box.days_left), justify="right"),
                Text(renewability(box)),
                key=box.address,
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
        if self.account is None or not self.account.mailboxes:
            return None
        table = self.query_one("#boxes", DataTable)
        row = table.cursor_row
        if 0 <= row < len(self.account.mailboxes):
            return self.account.mailboxes[row]
        return None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_renew()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "renew":
            self.action_renew()
        else:
            self.action_logout()

    def action_renew(self) -> None:
        from screens.renewal import RenewalScreen

        box = self.selected()
        self.app.push_screen(RenewalScreen(pec=box.address if box else ""))

    def action_logout(self) -> None:
        from kiosk.app import SessionEnded

        self.post_message(SessionEnded("logout"))
