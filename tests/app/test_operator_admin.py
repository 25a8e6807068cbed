"""The administration's screens under Pilot, at 80x24 and 120x40, with the demo's administrator:
Ricarica conto, Conferma pagamento, Estratti conto, Operatori; and an operator refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Input, Static

from kiosk.app import KioskApp
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.store.models import AuditEvent, Order, Payment, PrepaidAccount, Subscriber
from screens.confirm import ConfirmScreen
from screens.messages import SessionStarted
from screens.operator.confirm_payment import ConfirmPaymentScreen
from screens.operator.operators import OperatorsScreen
from screens.operator.sections import SECTIONS
from screens.operator.statements import StatementsScreen
from screens.operator.topup import TopUpScreen
from tests.app.conftest import ROSSI, SOSPESA, running, settle
from tests.app.helpers import press_button, shown_text, squash, table_rows
from tests.statements import camt, credit

ADMIN, ADMIN_PASSWORD = "admin.demo", "Amministra2026!"
OPERATOR, OPERATOR_PASSWORD = "operatore.demo", "Sportello2026!"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def open_as(
    pilot: Pilot[None], screen: Screen[Any], userid: str = ADMIN, password: str = ADMIN_PASSWORD
) -> None:
    """Log in (the services' own user, as the login screen would) and open `screen`."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    services = await app.front_desk.services()
    app.post_message(SessionStarted(await services.auth.login(userid, password)))
    await settle(pilot)
    await app.push_screen(screen)
    await settle(pilot)


async def press(pilot: Pilot[None], selector: str) -> None:
    """The button's own press, then every worker it starts (and those start) done."""
    await press_button(pilot, selector.removeprefix("#"))


def fill(pilot: Pilot[None], **values: str) -> None:
    for field_id, value in values.items():
        pilot.app.screen.query_one(f"#{field_id}", Input).value = value


async def answer(pilot: Pilot[None], yes: bool) -> str:
    """Answer the confirmation on screen; its question."""
    modal = pilot.app.screen
    assert isinstance(modal, ConfirmScreen), modal
    question = modal.question
    await press(pilot, "#yes" if yes else "#no")
    return question


def text(pilot: Pilot[None]) -> str:
    return squash(shown_text(pilot.app.screen))


def test_the_sections_are_the_administrations() -> None:
    ours = {s.key: s for s in SECTIONS if s.target.startswith("screens.operator.")}
    expected = {
        "f6": TopUpScreen,
        "f7": ConfirmPaymentScreen,
        "f8": StatementsScreen,
        "f9": OperatorsScreen,
    }
    for key, cls in expected.items():
        section = ours[key]
        assert section.admin_only
        assert isinstance(section.build(), cls)


@pytest.mark.parametrize("size", SIZES)
async def test_top_up(make_app: Callable[..., KioskApp], size: tuple[int, int]) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        await open_as(pilot, TopUpScreen())
        fill(pilot, userid="avv.demo", amount="50 euro", reference="")
        await press(pilot, "#topup")
        shown = text(pilot)
        assert squash("Importo non valido") in shown
        assert squash("Indicare il riferimento") in shown
        fill(pilot, amount="50,00", reference="CRO 991")
        await press(pilot, "#topup")
        question = await answer(pilot, yes=True)
        assert "avv.demo" in question and "50,00" in question
        assert squash("nuovo credito 68,30") in text(pilot)
        account = await PrepaidAccount.get(subscriber__userid="avv.demo")
        assert account.balance_cents == 6830
        assert app.screen.query_one("#userid", Input).value == ""


async def test_an_operator_is_refused_on_screen(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await open_as(pilot, TopUpScreen(), OPERATOR, OPERATOR_PASSWORD)
        fill(pilot, userid="avv.demo", amount="5", reference="X")
        await press(pilot, "#topup")
        assert not isinstance(app.screen, ConfirmScreen)
        assert squash("Operazione riservata all'amministrazione") in text(pilot)
        assert app.return_code is None


@pytest.mark.parametrize("size", SIZES)
async def test_confirm_a_payment(make_app: Callable[..., KioskApp], size: tuple[int, int]) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        services = await app.front_desk.services()
        order = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
        await open_as(pilot, ConfirmPaymentScreen())
        code_input = app.screen.query_one("#code", Input)
        code_input.focus()
        await pilot.press(*order.code[:6].lower())
        assert squash("Codice incompleto") in text(pilot)
        assert app.screen.query_one("#find", Button).disabled
        wrong_last = "A" if order.code[-1] != "A" else "B"
        code_input.value = order.code[:-1] + wrong_last
        await pilot.pause()
        assert squash("carattere di controllo non torna") in text(pilot)
        code_input.value = order.code.lower()
        await pilot.pause()
        assert squash(f"Codice valido: {order.code}") in text(pilot)
        await press(pilot, "#find")
        shown = text(pilot)
        assert squash("Totale da ricevere: 30,50") in shown and "avv.demo" in shown
        assert app.screen.query_one("#amount", Input).value == "30.50"
        fill(pilot, reference="TRN-55")
        await press(pilot, "#confirm")
        question = await answer(pilot, yes=True)
        assert order.code in question
        assert squash("confermato: fattura") in text(pilot)
        payment = await Payment.get(order__code=order.code)
        assert (payment.reference, payment.recorded_by) == ("TRN-55", ADMIN)


async def test_confirm_refusals_stay_on_screen(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        services = await app.front_desk.services()
        first = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
        second = await services.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
        await services.payments.confirm(first.code, first.total_cents, "TRN-1", actor=ADMIN)
        await open_as(pilot, ConfirmPaymentScreen())
        fill(pilot, code="RLM0000000")
        await press(pilot, "#find")
        assert squash("Nessun ordine con codice") in text(pilot)
        fill(pilot, code=second.code)
        await press(pilot, "#find")
        fill(pilot, reference="TRN-1")
        await press(pilot, "#confirm")
        await answer(pilot, yes=True)
        assert squash("già stato registrato per l'ordine") in text(pilot)
        app.screen.query_one("#force", Checkbox).value = True
        await press(pilot, "#confirm")
        assert squash("serve una nota") in text(pilot)
        fill(pilot, note="un bonifico per due rinnovi")
        await press(pilot, "#confirm")
        await answer(pilot, yes=True)
        assert (await Order.get(code=second.code)).status is OrderStatus.PAID


@pytest.mark.parametrize("size", SIZES)
async def test_statement_import_and_exceptions(
    make_app: Callable[..., KioskApp], size: tuple[int, int], tmp_path: Path
) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        services = await app.front_desk.services()
        order = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
        path = tmp_path / "admin-pilot-estratto.xml"
        path.write_bytes(
            camt(credit("REF-A", "30.50", "rinnovo pec") + credit("REF-B", "2.00", "x"))
        )
        await open_as(pilot, StatementsScreen())
        assert squash("Nessuna riga da verificare") in text(pilot)
        fill(pilot, path=str(tmp_path / "manca.xml"))
        await press(pilot, "#import")
        assert squash("non esiste") in text(pilot)
        fill(pilot, path=str(path))
        await press(pilot, "#import")
        assert squash("0 confermati, 2 da verificare") in text(pilot)
        table = app.screen.query_one("#lines", DataTable)
        rows = table_rows(table)
        assert len(rows) == 2 and "30,50" in rows[0] and "senza codice ordine" in rows[0]
        table.move_cursor(row=0, animate=False)
        await pilot.pause()
        assert "REF-A" in text(pilot)
        fill(pilot, order=order.code)
        await press(pilot, "#match")
        assert squash(f"abbinata all'ordine {order.code}") in text(pilot)
        assert (await Order.get(code=order.code)).status is OrderStatus.PAID
        assert len(table_rows(table)) == 1
        await press(pilot, "#refund")
        assert squash("Indicare una nota per il rimborso") in text(pilot)
        fill(pilot, note="restituire all'ordinante")
        await press(pilot, "#refund")
        assert squash("da rimborsare") in text(pilot)
        assert table.row_count == 0
        assert await AuditEvent.filter(action="statement.line_refund", actor=ADMIN).exists()


@pytest.mark.parametrize("size", SIZES)
async def test_operators(make_app: Callable[..., KioskApp], size: tuple[int, int]) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        await open_as(pilot, OperatorsScreen())
        table = app.screen.query_one("#staff", DataTable)
        rows = table_rows(table)
        assert [r.split(" | ")[0] for r in rows] == [ADMIN, OPERATOR]
        table.move_cursor(row=1, animate=False)
        await pilot.pause()
        await press(pilot, "#toggle")
        assert OPERATOR in await answer(pilot, yes=True)
        assert "disabilitato" in table_rows(table)[1]
        assert str(app.screen.query_one("#toggle", Button).label) == "Riabilita"
        services = await app.front_desk.services()
        assert await services.accounts.staff_member(OPERATOR) is None
        await press(pilot, "#toggle")  # enabling asks nothing
        assert "attivo" in table_rows(table)[1]

        await press(pilot, "#reset")
        await answer(pilot, yes=True)
        shown = text(pilot)
        assert squash("inviato a sportello@example.org") in shown
        assert "in attesa del codice" in table_rows(table)[1]
        operator = await Subscriber.get(userid=OPERATOR)
        assert operator.password_hash is None

        await press(pilot, "#add")
        fill(pilot, new_userid=OPERATOR, nominativo="Doppio", email="d@example.org")
        await press(pilot, "#create")
        error = app.screen.query_one("#new_userid-error", Static)
        assert "già in uso" in str(error.render())
        fill(pilot, new_userid="sportello.tre", nominativo="Piero Gialli", email="p@example.org")
        await press(pilot, "#create")
        assert squash("inviato a p@example.org") in text(pilot)
        assert [r.split(" | ")[0] for r in table_rows(table)] == [
            ADMIN,
            OPERATOR,
            "sportello.tre",
        ]
