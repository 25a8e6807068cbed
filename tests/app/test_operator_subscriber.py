"""The operator's subscriber page under Pilot, at 80x24 and 120x40: what it shows, each action
by key or button (with its confirmation where destructive), refusals in the notice line, the
assisted renewal hand-off, and Esc back to where it was opened from."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, TabbedContent

from kiosk.app import KioskApp
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.store.models import AuditEvent, Order
from screens.confirm import ConfirmScreen
from screens.operator.link_mailbox import LinkMailboxScreen
from screens.operator.subscriber import SubscriberScreen
from tests.app.conftest import CESSATA, RENEWABLE, ROSSI, SOSPESA, running
from tests.app.helpers import (
    notice,
    press_button,
    screen_dump,
    settle_all,
    shown_text,
    start_session,
)

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
OPERATOR, OPERATOR_PASSWORD = "operatore.demo", "Sportello2026!"


async def open_page(
    app: KioskApp, pilot: Pilot[None], *, story: bool = True, as_user: str = OPERATOR
) -> dict[str, str]:
    """Logged in as the operator, the page of avv.demo (with a paid prepaid renewal, a
    bonifico order awaiting payment and a callback request, unless not `story`)."""
    codes: dict[str, str] = {}
    services = await app.front_desk.services()
    if story:
        paid = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
        pending = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
        await services.accounts.request_callback(CESSATA, phone="06 1234567", userid="avv.demo")
        codes = {"paid": paid.code, "pending": pending.code}
    password = OPERATOR_PASSWORD if as_user == OPERATOR else "Rinnovo2026!"
    await start_session(pilot, as_user, password)
    await app.push_screen(SubscriberScreen("avv.demo"))
    await settle_all(pilot)
    assert isinstance(app.screen, SubscriberScreen)
    return codes


def table(app: KioskApp, table_id: str) -> DataTable[Any]:
    return app.screen.query_one(f"#{table_id}", DataTable)


def keys(app: KioskApp, table_id: str) -> list[str]:
    return [str(k.value) for k in table(app, table_id).rows]


async def show_tab(pilot: Pilot[None], tab: str) -> None:
    pilot.app.screen.query_one("#tabs", TabbedContent).active = f"tab-{tab}"
    await pilot.pause()


async def select(pilot: Pilot[None], table_id: str, key: str) -> None:
    widget = pilot.app.screen.query_one(f"#{table_id}", DataTable)
    widget.move_cursor(row=widget.get_row_index(key), animate=False)
    widget.focus()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_the_page_shows_the_subscriber(
    make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        codes = await open_page(app, pilot)
        text = shown_text(app.screen)
        assert "Avv. Maria Demo" in text and "DMEMRA80A41F912A" in text
        assert "Credito prepagato: 0,00\u00a0€" in text and "accesso: regolare" in text
        assert "Scheda iscritto avv.demo" in screen_dump(app)
        assert keys(app, "mailboxes")[0] == RENEWABLE or RENEWABLE in keys(app, "mailboxes")
        assert keys(app, "orders") == [codes["pending"], codes["paid"]]
        assert keys(app, "invoices") == [codes["paid"]]
        assert len(keys(app, "ledger")) == 2 and len(keys(app, "callbacks")) == 1
        assert len(keys(app, "audit")) >= 4
        for tab in ("ledger", "orders", "invoices", "callbacks", "audit", "mailboxes"):
            await show_tab(pilot, tab)
            assert table(app, tab).region.height > 0, tab  # the list is in view
        assert notice(app.screen) == ""


@pytest.mark.parametrize("size", SIZES)
async def test_cancel_an_order_after_confirming(
    make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        codes = await open_page(app, pilot)
        await show_tab(pilot, "orders")
        await select(pilot, "orders", codes["pending"])
        await pilot.press("x")
        await settle_all(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert codes["pending"] in shown_text(app.screen)
        await press_button(pilot, "no")  # thought better of it: nothing happens
        assert (await Order.get(code=codes["pending"])).status == OrderStatus.PENDING
        await pilot.press("x")
        await settle_all(pilot)
        await press_button(pilot, "yes")
        assert isinstance(app.screen, SubscriberScreen)
        assert notice(app.screen) == f"✔ Fatto: Ordine {codes['pending']} annullato."
        assert (await Order.get(code=codes["pending"])).status == OrderStatus.CANCELLED
        event = await AuditEvent.filter(action="order.cancelled").get()
        assert event.actor == OPERATOR
        assert "Annullato" in shown_text(app.screen) or "annullato" in shown_text(app.screen)


async def test_reissue_an_order(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        codes = await open_page(app, pilot)
        await show_tab(pilot, "orders")
        await select(pilot, "orders", codes["pending"])
        await press_button(pilot, "reissue")
        assert isinstance(app.screen, ConfirmScreen)
        await press_button(pilot, "yes")
        new = await Order.filter(status=OrderStatus.PENDING).get()
        assert new.code != codes["pending"]
        assert notice(app.screen) == (
            f"✔ Fatto: Ordine {codes['pending']} annullato e riemesso: nuovo codice {new.code}."
        )
        assert keys(app, "orders")[0] == new.code


async def test_refusals_are_said_in_the_notice(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        codes = await open_page(app, pilot)
        await show_tab(pilot, "orders")
        await select(pilot, "orders", codes["paid"])
        await press_button(pilot, "cancel-order")
        await press_button(pilot, "yes")
        assert notice(app.screen) == (
            f"✖ Errore: L'ordine {codes['paid']} non è più in attesa di pagamento."
        )
        await press_button(pilot, "email-reminder")
        assert "non è in attesa di pagamento" in notice(app.screen)


async def test_unlock_and_recovery_code(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await open_page(app, pilot, story=False)
        await pilot.press("u")
        await settle_all(pilot)
        assert notice(app.screen) == "✔ Fatto: Lo userid avv.demo non era bloccato."
        await press_button(pilot, "recovery")
        text = notice(app.screen)
        assert text.startswith("✔ Fatto: Codice di recupero inviato") and "example.org" in text
        assert "avv.demo@example.org" not in text  # masked
        actions = await AuditEvent.filter(actor=OPERATOR).values_list("action", flat=True)
        assert {"login.unlocked", "recovery.sent"} <= set(actions)


async def test_email_the_invoice(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        codes = await open_page(app, pilot)
        await show_tab(pilot, "invoices")
        table(app, "invoices").focus()
        await pilot.press("e")
        await settle_all(pilot)
        assert notice(app.screen).startswith(f"✔ Fatto: Fattura dell'ordine {codes['paid']}")
        assert not app.screen.query_one("#print-invoice").display  # no printer here


async def test_link_a_mailbox_of_someone_else_is_refused(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await open_page(app, pilot, story=False)
        await pilot.press("l")
        await settle_all(pilot)
        assert isinstance(app.screen, LinkMailboxScreen)
        assert "Nessuna casella con lo stesso codice fiscale" in shown_text(app.screen)
        app.screen.query_one("#link-pec", Input).value = ROSSI
        await press_button(pilot, "yes")
        assert isinstance(app.screen, SubscriberScreen)
        assert "intestata a un altro iscritto (avv.rossi" in notice(app.screen)


async def test_assisted_renewal_hand_off(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await open_page(app, pilot, story=False)
        monkeypatch.setitem(sys.modules, "screens.operator.assisted", None)  # not written yet
        await pilot.press("a")
        await settle_all(pilot)
        assert notice(app.screen) == (
            "✖ Errore: Il rinnovo assistito non è disponibile su questa postazione."
        )

        class Assisted(Screen[None]):
            def __init__(self, userid: str, pec: str) -> None:
                super().__init__()
                self.args = (userid, pec)

        fake = types.ModuleType("screens.operator.assisted")
        fake.AssistedRenewalScreen = Assisted  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "screens.operator.assisted", fake)
        await select(pilot, "mailboxes", RENEWABLE)
        await press_button(pilot, "assisted")
        assert isinstance(app.screen, Assisted) and app.screen.args == ("avv.demo", RENEWABLE)
        app.pop_screen()
        await settle_all(pilot)
        assert isinstance(app.screen, SubscriberScreen)


async def test_escape_goes_back(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await open_page(app, pilot, story=False)
        below = app.screen_stack[-2]
        await pilot.press("escape")
        await settle_all(pilot)
        assert app.screen is below


async def test_a_lawyer_cannot_use_the_page(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await open_page(app, pilot, story=False, as_user="avv.demo")
        assert notice(app.screen) == "✖ Errore: avv.demo non è un operatore dello sportello."
        assert keys(app, "mailboxes") == []
