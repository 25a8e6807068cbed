"""Rinnova: Userid + PEC, Avanti → the cost and the next expiry, or why not and what to do."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, DataTable, Input

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from kiosk.store.models import CallbackRequest
from screens.mailboxes import MailboxesScreen
from screens.order import OrderScreen
from screens.payment_choice import PaymentChoiceScreen
from screens.renewal import RenewalScreen
from tests.app.conftest import CESSATA, RENEWABLE, ROSSI, SOSPESA, TOO_EARLY, log_in, running
from tests.app.helpers import (
    field_error,
    fill,
    flat,
    is_shown,
    plain,
    press_button,
    settle_all,
    shown_text,
    start_session,
    table_rows,
    wait_for,
)

SALES = "06 68417891"
SALES_EMAIL = "segreteriacommercialelextel@visura.it"


async def open_renewal(app: KioskApp, pec: str = "") -> RenewalScreen:
    screen = RenewalScreen(pec=pec)
    await app.push_screen(screen)
    return screen


def said(screen: RenewalScreen) -> str:
    """Everything the screen shows, whitespace-normalised (messages, tables, boxes)."""
    return flat(shown_text(screen))


async def lookup(pilot: Pilot[None], pec: str) -> None:
    fill(pilot.app.screen, pec=pec)
    await press_button(pilot, "lookup")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_enter_on_a_row_prefills_the_pec_and_avanti_shows_cost_and_next_expiry(
    make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with running(app, size=size) as pilot:
        await log_in(pilot)
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)
        table = app.screen.query_one("#boxes", DataTable)
        rows = table_rows(table)
        # the cursor starts on the first box that can be renewed now
        assert rows[table.cursor_row].startswith(SOSPESA)
        row = next(i for i, r in enumerate(rows) if r.startswith(RENEWABLE))
        await pilot.press(*["down"] * (row - table.cursor_row), "enter")
        await settle_all(pilot)
        screen = app.screen
        assert isinstance(screen, RenewalScreen)
        assert screen.query_one("#userid", Input).value == "avv.demo"
        assert screen.query_one("#pec", Input).value == RENEWABLE
        assert app.focused is screen.query_one("#lookup")
        await pilot.press("enter")  # Avanti
        await settle_all(pilot)
        text = said(screen)
        assert "Costo del rinnovo e prossima scadenza" in text
        assert "Imponibile 15,00 €" in text
        assert "IVA 22% 3,30 €" in text
        assert "Totale da pagare 18,30 €" in text
        assert "Scadenza attuale 15/12/2026" in text
        assert "Prossima scadenza 15/12/2027" in text
        services = await app.front_desk.services()
        quote = await services.renewals.quote("avv.demo", RENEWABLE)
        assert (quote.net_cents, quote.vat_cents, quote.total_cents) == (1500, 330, 1830)
        assert app.focused is screen.query_one("#pay")
        await pilot.press("enter")  # the second Avanti: how to pay
        await settle_all(pilot)
        assert isinstance(app.screen, PaymentChoiceScreen)
        assert app.screen.quote.mailbox.address == RENEWABLE


async def test_typing_userid_and_pec_shows_the_cost(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        await pilot.press("r")  # Rinnova: the selected box (the first renewable) is pre-filled
        await settle_all(pilot)
        screen = app.screen
        assert isinstance(screen, RenewalScreen)
        pec = screen.query_one("#pec", Input)
        assert pec.value == SOSPESA
        pec.value = ""
        await pilot.click("#pec")
        # in capitals: still found. Key by key costs ~0.1 s a key under Pilot: the address goes
        # in as a key would put each character (at the cursor), and its end is really typed
        typed = SOSPESA.upper()
        pec.insert_text_at_cursor(typed[:-3])
        await pilot.press(*typed[-3:], "enter")
        await settle_all(pilot)
        text = said(screen)
        assert "Totale da pagare 30,50 €" in text
        assert "IVA 22% 5,50 €" in text
        assert "Scadenza attuale 16/10/2026" in text
        assert "Prossima scadenza 16/10/2027" in text  # from the old expiry, not from today
        # changing a field takes the stale quote away
        assert app.focused is screen.query_one("#pay")
        pec.focus()
        await pilot.press("backspace")
        await settle_all(pilot)
        assert "Totale da pagare" not in said(screen)
        assert not screen.query("#pay")


async def test_too_early_says_from_which_date_it_opens(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app)
        await lookup(pilot, TOO_EARLY)
        message = said(screen)
        assert "⚠ Attenzione: La casella scade il 13/06/2027" in message
        assert "dal 13/03/2027" in message
        assert not screen.query("#pay") and not screen.query("#quote")


async def test_too_late_offers_sales_support_and_records_a_callback(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app, CESSATA)
        await press_button(pilot, "lookup")
        message = said(screen)
        assert "scaduta il 20/03/2026, da più di 6 mesi" in message
        assert SALES in message and SALES_EMAIL in message
        box = screen.query_one("#sales-support")
        assert is_shown(box)
        assert f"Telefono {SALES} · e-mail {SALES_EMAIL}" in shown_text(screen)
        assert not screen.query("#pay")
        assert await CallbackRequest.all().count() == 0
        fill(screen, phone="333 1234567")
        await press_button(pilot, "callback")
        assert "Richiesta registrata" in said(screen)
        assert screen.query_one("#callback", Button).disabled  # not twice
        requests = await CallbackRequest.all().prefetch_related("subscriber")
        assert len(requests) == 1
        request = requests[0]
        assert (request.pec_address, request.phone, request.status) == (
            CESSATA,
            "333 1234567",
            "open",
        )
        assert request.subscriber is not None and request.subscriber.userid == "avv.demo"


async def test_too_late_with_a_bad_phone_number_marks_the_phone_field(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app, CESSATA)
        await press_button(pilot, "lookup")
        fill(screen, phone="chiamatemi")
        await press_button(pilot, "callback")
        assert app.is_running
        assert field_error(screen, "phone") == "Numero di telefono non valido."
        assert await CallbackRequest.all().count() == 0


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        (PaymentMethod.BONIFICO, "C'è già un ordine di rinnovo in attesa di pagamento: codice"),
        (PaymentMethod.PREPAID, "Il rinnovo è già pagato (ordine"),
    ],
)
async def test_a_box_with_an_open_order_shows_that_order(
    make_app: Callable[..., KioskApp], method: PaymentMethod, expected: str
) -> None:
    app = make_app()
    async with running(app) as pilot:
        services = await app.front_desk.services()
        order = await services.renewals.place_order("avv.demo", RENEWABLE, method)
        await start_session(pilot)
        rows = table_rows(app.screen.query_one("#boxes", DataTable))
        listed = next(r for r in rows if r.startswith(RENEWABLE))
        if method is PaymentMethod.BONIFICO:  # awaiting payment: its code
            assert f"Da pagare: ordine {order.code}" in listed
        else:  # paid and waiting: when the renewal happens, not "pending"
            assert "Pagato — rinnovo il 26/11/2026" in listed
        screen = await open_renewal(app, RENEWABLE)
        await press_button(pilot, "lookup")
        assert f"{expected} {order.code}" in said(screen)
        assert plain(screen.query_one("#pending-code")) == order.code
        assert not screen.query("#pay")
        await press_button(pilot, "manage")  # Vedi l'ordine
        shown = app.screen
        assert isinstance(shown, OrderScreen)
        text = flat(shown_text(shown))
        if method is PaymentMethod.BONIFICO:  # how to pay it is shown again
            assert "IT60 X054 2811 1010 0000 0123 456" in text
            assert f"{order.code} RINNOVO PEC" in text
            assert "amministrazione@lextel.it" in text
        else:
            assert "Pagato — rinnovo il 26/11/2026" in text


@pytest.mark.parametrize(
    ("pec", "expected"),
    [
        (
            "nessuna.casella@pec.avvocatinocera.it",
            "Nessuna casella PEC nessuna.casella@pec.avvocatinocera.it risulta registrata",
        ),
        (ROSSI, f"La casella {ROSSI} non è associata allo userid avv.demo."),
    ],
    ids=["unknown", "not-owner"],
)
async def test_unknown_or_someone_elses_box_is_refused(
    make_app: Callable[..., KioskApp], pec: str, expected: str
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app)
        await lookup(pilot, pec)
        assert expected in said(screen)
        assert not screen.query("#pay") and not screen.query("#quote")
        text = shown_text(screen)
        assert "Totale" not in text and "Prossima scadenza" not in text  # nothing of Rossi's box


async def test_another_userid_is_refused_on_the_userid_field(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app, ROSSI)
        fill(screen, userid="avv.rossi")
        await press_button(pilot, "lookup")
        assert field_error(screen, "userid") == "Inserire il proprio userid (avv.demo)."
        assert "Controllare i dati inseriti." in said(screen)
        assert app.focused is screen.query_one("#userid")
        assert not screen.query_one("#outcome").children
        # the same box with one's own userid is still not one's own
        fill(screen, userid="avv.demo")
        await press_button(pilot, "lookup")
        assert field_error(screen, "userid") == ""
        assert "non è associata allo userid avv.demo" in said(screen)


async def test_an_empty_pec_is_asked_for(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app)
        await press_button(pilot, "lookup")
        assert field_error(screen, "pec") == "Inserire l'indirizzo PEC da rinnovare."


async def test_a_mistyped_pec_address_is_marked_on_the_pec_field(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app)
        await lookup(pilot, "maria.demo@@pec")
        assert app.is_running, "a typo in the address must not close the kiosk"
        assert field_error(screen, "pec")
        assert isinstance(app.screen, RenewalScreen)


async def test_the_quote_takes_keys_the_moment_it_is_drawn(
    make_app: Callable[..., KioskApp],
) -> None:
    """An Enter pressed as soon as the total appears goes to the payment, not into a panel still
    disabled by the lookup (the first Enter used to vanish)."""
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        screen = await open_renewal(app, RENEWABLE)
        await pilot.pause()
        screen.query_one("#lookup", Button).press()
        for _ in range(500):  # watch the screen, frame by frame, until the total is there
            await pilot.pause(0)
            if screen.query("#quote"):
                break
        assert screen.query("#quote")
        assert not screen.query_one("#panel").disabled  # what is drawn takes input

        # the total and its button are mounted together, but a frame may fall between the two
        def pay_has_focus() -> bool:
            pay = screen.query("#pay")
            return bool(pay) and app.focused is pay.first()

        await wait_for(pilot, pay_has_focus, limit=3)
        await pilot.press("enter")
        await settle_all(pilot)
        assert isinstance(app.screen, PaymentChoiceScreen)
