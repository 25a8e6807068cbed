"""Ricarica conto: credit a lawyer's prepaid account with a payment received (administration).

The amount is typed in euro and read as cents here, so a typo is said beside the field before
anything is asked of the core; the account's holder and balance are shown in a confirmation
before the credit is recorded (with the acting administrator, in the ledger and the audit).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from kiosk.domain import validation
from kiosk.domain.money import parse_amount
from kiosk.errors import InvalidInput
from kiosk.i18n import N_, _, money
from kiosk.services.admin_dto import AccountHolder
from screens.base import service_call
from screens.confirm import ConfirmScreen
from screens.forms import check_all, field
from screens.operator.admin_base import AdminScreen


def amount_of(text: str) -> int:
    """Euro as typed (`50`, `50,00`, `1.234,50`) in cents, or `InvalidInput` for the field."""
    try:
        cents = parse_amount(text)
    except ValueError:
        raise InvalidInput(
            "amount", _("Importo non valido: scrivere ad esempio 50 oppure 50,00.")
        ) from None
    if cents <= 0:
        raise InvalidInput("amount", _("L'importo della ricarica deve essere positivo."))
    return cents


class TopUpScreen(AdminScreen):
    CSS_PATH = "topup.tcss"
    SCREEN_TITLE = N_("Ricarica conto prepagato")
    AUTO_FOCUS = "#userid"
    NEXT_ON_ENTER = frozenset({"userid", "amount", "reference"})

    def compose_body(self) -> ComposeResult:
        yield Static(
            _(
                "Accredita sul conto prepagato di un avvocato un pagamento ricevuto "
                "(bonifico, contanti allo sportello...)."
            ),
            classes="lead",
        )
        yield from field(_("Userid dell'avvocato"), "userid", max_length=32)
        yield from field(_("Importo in euro"), "amount", max_length=16, placeholder="50,00")
        yield from field(
            _("Riferimento (CRO, ricevuta)"), "reference", max_length=validation.REFERENCE_MAX
        )
        yield from field(_("Nota (facoltativa)"), "note", max_length=validation.DESCRIPTION_MAX)
        with Horizontal(classes="actions"):
            yield Button(_("Ricarica"), id="topup", variant="primary")
            yield Button(_("Indietro"), id="back")

    @on(Button.Pressed, "#back")
    def go_back(self) -> None:
        self.dismiss()

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#topup")
    def check(self) -> None:
        """Every field checked at once; then the holder is looked up for the confirmation."""
        self.clear_errors()
        errors = check_all(
            {
                "userid": lambda: validation.userid_ref(self.value("userid")),
                "amount": lambda: amount_of(self.value("amount")),
            }
        )
        if not self.value("reference").strip():
            errors.append(
                InvalidInput(
                    "reference",
                    _("Indicare il riferimento del pagamento ricevuto (CRO, ricevuta...)."),
                )
            )
        if self.show_field_errors(errors):
            return
        self.look_up(self.value("userid"), amount_of(self.value("amount")))

    @service_call
    async def look_up(self, userid: str, cents: int) -> None:
        holder = await self.office.admin_account_holder(self.operator, userid)
        self.answer_arrived()
        self.app.push_screen(
            ConfirmScreen(
                _(
                    "Ricaricare di {amount} il conto di {name} ({userid})?\n"
                    "Credito attuale: {balance}. Riferimento: {reference}."
                ).format(
                    amount=money(cents),
                    name=holder.nominativo,
                    userid=holder.userid,
                    balance=money(holder.balance_cents),
                    reference=" ".join(self.value("reference").split()),
                ),
                yes=_("Sì, ricarica"),
                no=_("No, annulla"),
            ),
            lambda yes: self._confirmed(bool(yes), holder, cents),
        )

    def _confirmed(self, yes: bool, holder: AccountHolder, cents: int) -> None:
        if yes:
            self.top_up(holder, cents)

    @service_call
    async def top_up(self, holder: AccountHolder, cents: int) -> None:
        done = await self.office.admin_top_up(
            self.operator, holder.userid, cents, self.value("reference"), self.value("note")
        )
        for field_id in ("userid", "amount", "reference", "note"):
            self.query_one(f"#{field_id}", Input).value = ""
        self.say(
            _("Ricarica di {amount} registrata per {userid}: nuovo credito {balance}.").format(
                amount=money(done.amount_cents),
                userid=done.userid,
                balance=money(done.balance_cents),
            ),
            "success",
        )
        self.focus_soon("#userid")
