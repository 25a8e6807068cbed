"""Le mie caselle: every PEC box with family, state, expiry, days left, renewable now or not."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Button, DataTable, Static

from kiosk.domain.dates import WindowStatus
from kiosk.i18n import N_, _, _n, day, money
from kiosk.services.dto import AccountView, MailboxView
from screens.base import KioskScreen, service_call
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

    def on_mount(self) -> None:
        table = self.query_one("#boxes", DataTable)
        table.add_columns(_("Casella PEC · stato · tipo"), _("Scadenza"), _("Rinnovabile"))
        self.load()

    def on_screen_resume(self) -> None:
        if self.account is not None:  # back from a renewal: show what changed
            self.load()

    @service_call
    async def load(self) -> None:
        user = self.kiosk.session
        if user is None:
            return
        services = await self.services()
        self.account = await services.accounts.overview(user.userid)
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
