"""How to pay an order outside the kiosk: its code, the causale, the coordinates and amount, where
to send a copy, and the QR beside it (behind "Mostra codice QR" on a narrow screen: see
`KioskScreen.fit_qr`). Shown when the order is made, on the result, and whenever the order is
looked at again.
"""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from kiosk.domain.instructions import PaymentInstructions
from kiosk.domain.model import PaymentMethod
from kiosk.i18n import _
from kiosk.services.dto import OrderView
from screens.widgets.literal import literal
from screens.widgets.qr import QRCode


def rows_table(rows: tuple[tuple[str, str], ...]) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1))
    table.add_column(style="bold")
    table.add_column()
    for label, value in rows:
        table.add_row(literal(label), literal(value))
    return table


def causale_line(ins: PaymentInstructions) -> str:
    """Where the code goes: the causale of a transfer or slip, the back of a cheque."""
    if ins.method is PaymentMethod.ASSEGNO:
        return _("Da scrivere sul retro dell'assegno: {causale}").format(causale=ins.causale)
    return _("Causale da riportare nel versamento: {causale}").format(causale=ins.causale)


class PaymentDetails(Horizontal):
    """The text of the instructions on the left, their QR on the right."""

    DEFAULT_CSS = """
    PaymentDetails {
        height: auto;
    }
    """

    def __init__(self, order: OrderView, instructions: PaymentInstructions) -> None:
        super().__init__(id="pay-row", classes="qr-row")
        self.order = order
        self.instructions = instructions

    def compose(self) -> ComposeResult:
        ins = self.instructions
        with Vertical(id="pay-text", classes="qr-text"):
            yield Static(_("Codice dell'ordine"), classes="lead")
            yield Static(literal(self.order.code), classes="code", id="order-code")
            yield Static(literal(causale_line(ins)), classes="lead", id="causale")
            yield Static(rows_table(ins.details), id="instructions")
            yield Static(
                literal(
                    _(
                        "Dopo il pagamento inviare copia del versamento all'indirizzo {email}."
                    ).format(email=ins.admin_email)
                ),
                classes="lead",
                id="mail-copy",
            )
        yield QRCode(ins.qr_payload, id="qr-inline", classes="qr-beside")
