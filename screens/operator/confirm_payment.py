"""Conferma pagamento: an offline payment (bonifico, bollettino, assegno) confirmed by its order
code (administration).

The code is checked as it is typed (`RLM` + 7 characters, the last one a check character), so a
mistyped code is caught before anything is looked up; the order (payer, mailbox, state, total)
is shown before the confirmation, which asks for the payment's reference. A reference already
used for another order is refused unless "Conferma comunque" is ticked with a note (audited).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Checkbox, Input, Static

from kiosk.domain import ordercode, validation
from kiosk.domain.model import OrderStatus
from kiosk.domain.money import plain_amount
from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _, moment, money
from kiosk.services.dto import OrderView
from screens.base import service_call
from screens.confirm import ConfirmScreen
from screens.forms import check_all, field
from screens.operator.admin_base import AdminScreen
from screens.operator.topup import amount_of
from screens.widgets.literal import literal

CODE_INPUT_MAX = 16  # RLM + 7, with room for the dashes and spaces people type


def code_state(text: str) -> tuple[str, bool]:
    """What the code typed so far is: (words for the person, valid)."""
    code = ordercode.normalize(text)
    if not code:
        return "", False
    if ordercode.is_valid(code):
        return _("Codice valido: {code}").format(code=code), True
    if len(code) < ordercode.CODE_LENGTH:
        return _("Codice incompleto: RLM e 7 caratteri ({n} di {total}).").format(
            n=len(code), total=ordercode.CODE_LENGTH
        ), False
    return _("Codice non valido: il carattere di controllo non torna. Ricontrollare."), False


class ConfirmPaymentScreen(AdminScreen):
    CSS_PATH = "confirm_payment.tcss"
    SCREEN_TITLE = N_("Conferma pagamento")
    AUTO_FOCUS = "#code"
    NEXT_ON_ENTER = frozenset({"amount", "reference"})

    order: OrderView | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(
            _("Codice ordine scritto nella causale del versamento (RLM e 7 caratteri)."),
            classes="lead",
        )
        yield from field(_("Codice ordine"), "code", max_length=CODE_INPUT_MAX)
        yield Static("", id="code-state")
        with Horizontal(classes="actions"):
            yield Button(_("Cerca ordine"), id="find", variant="primary", disabled=True)
            yield Button(_("Indietro"), id="back")
        with Vertical(id="order-box", classes="box"):
            yield Static("", id="order")
            yield from field(_("Importo ricevuto (euro)"), "amount", max_length=16)
            yield from field(
                _("Riferimento (CRO/TRN, n. assegno)"),
                "reference",
                max_length=validation.REFERENCE_MAX,
            )
            yield Checkbox(_("Conferma comunque (riferimento già usato)"), id="force")
            yield from field(_("Nota (obbligatoria se forzata)"), "note", max_length=200)
            with Horizontal(classes="actions"):
                yield Button(_("Conferma pagamento"), id="confirm", variant="primary")

    @on(Button.Pressed, "#back")
    def go_back(self) -> None:
        self.dismiss()

    @on(Input.Changed, "#code")
    def code_changed(self, event: Input.Changed) -> None:
        words, valid = code_state(event.value)
        state = self.query_one("#code-state", Static)
        state.update(literal(words))
        state.set_class(valid, "-valid")
        state.set_class(bool(words) and not valid, "-invalid")
        self.query_one("#find", Button).disabled = not valid
        if self.order is not None and ordercode.normalize(event.value) != self.order.code:
            self.show_order(None)  # another code: the order shown no longer applies

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#find")
    def find(self) -> None:
        self.clear_errors()
        if not code_state(self.value("code"))[1]:
            self.show_error(
                InvalidInput(
                    "code", code_state(self.value("code"))[0] or _("Inserire il codice ordine.")
                )
            )
            return
        self.look_up(self.value("code"))

    @service_call
    async def look_up(self, code: str) -> None:
        self.show_order(await self.office.admin_order(self.operator, code))

    def show_order(self, order: OrderView | None) -> None:
        self.order = order
        box = self.query_one("#order-box")
        box.set_class(order is not None, "-open")
        if order is None:
            return
        lines = [
            _("Ordine {code} — {status}").format(code=order.code, status=order.status.label),
            _("Intestatario: {userid} · casella {pec}").format(userid=order.userid, pec=order.pec),
            _("Pagamento: {method} · ordine del {when}").format(
                method=order.method.label, when=moment(order.created_at)
            ),
            _("Totale da ricevere: {total}").format(total=money(order.total_cents)),
        ]
        if order.invoice_number:
            lines.append(_("Fattura: {number}").format(number=order.invoice_number))
        self.query_one("#order", Static).update(literal("\n".join(lines)))
        self.query_one("#amount", Input).value = plain_amount(order.total_cents)
        if order.status is OrderStatus.PENDING:
            self.focus_soon("#reference", reveal="#order-box")
        else:
            self.say(
                _("L'ordine {code} non è in attesa di pagamento ({status}).").format(
                    code=order.code, status=order.status.label
                ),
                "warning",
            )

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#confirm")
    def ask(self) -> None:
        order = self.order
        if order is None:
            return
        self.clear_errors()
        force = self.query_one("#force", Checkbox).value
        errors = check_all({"amount": lambda: amount_of(self.value("amount"))})
        if not self.value("reference").strip():
            errors.append(
                InvalidInput(
                    "reference",
                    _("Indicare il riferimento del pagamento (CRO/TRN, numero assegno...)."),
                )
            )
        if force and not self.value("note").strip():
            errors.append(InvalidInput("note", _("Per confermare comunque serve una nota.")))
        if self.show_field_errors(errors):
            return
        cents = amount_of(self.value("amount"))
        self.app.push_screen(
            ConfirmScreen(
                _(
                    "Confermare il pagamento di {amount} per l'ordine {code} ({userid})?\n"
                    "Sarà emessa la fattura; il rinnovo segue dopo 24 ore."
                ).format(amount=money(cents), code=order.code, userid=order.userid),
                yes=_("Sì, conferma"),
                no=_("No, annulla"),
            ),
            lambda yes: self._confirmed(bool(yes), order, cents, force),
        )

    def _confirmed(self, yes: bool, order: OrderView, cents: int, force: bool) -> None:
        if yes:
            self.confirm(order, cents, force)

    @service_call
    async def confirm(self, order: OrderView, cents: int, force: bool) -> None:
        done = await self.office.admin_confirm_payment(
            self.operator,
            order.code,
            cents,
            self.value("reference"),
            force=force,
            note=self.value("note"),
        )
        if done.already_confirmed:
            message = _("Pagamento già registrato: nessuna modifica.")
        else:
            message = _(
                "Pagamento dell'ordine {code} confermato: fattura {number}, rinnovo previsto "
                "il {when}."
            ).format(
                code=done.order_code,
                number=done.invoice_number,
                when=moment(done.activation_due_at),
            )
        for field_id in ("code", "reference", "note", "amount"):
            self.query_one(f"#{field_id}", Input).value = ""
        self.query_one("#force", Checkbox).value = False
        self.show_order(None)
        self.say(message, "success")
        self.focus_soon("#code")
