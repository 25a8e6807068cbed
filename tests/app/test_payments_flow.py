"""How to pay: the prepaid account, or a payment (carta, bonifico, bollettino, assegno)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from textual.widgets import Button, OptionList

from kiosk.app import KioskApp
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.store.models import Order
from screens.card_payment import CardPaymentScreen
from screens.confirm import ConfirmScreen
from screens.mailboxes import MailboxesScreen
from screens.offline_payment import OfflinePaymentScreen
from screens.qr_view import QrScreen
from screens.result import ResultScreen
from screens.widgets.qr import QRCode
from tests.app.conftest import RENEWABLE, SOSPESA, FakeMonotonic, running
from tests.app.helpers import (
    NBSP,
    choose_payment,
    database_answers_in,
    flat,
    is_shown,
    notice,
    pick_method,
    plain,
    press_button,
    screen_dump,
    settle_all,
    shown_text,
    to_bank,
    wait_for,
)
from tests.bank import pay

ORDER_CODE = re.compile(r"^RLM[0-9A-Z]{7}$")
ADMIN = "amministrazione@lextel.it"


# --- the choice ---------------------------------------------------------------------------


async def test_prepaid_is_offered_when_the_balance_covers_the_total(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        screen = await choose_payment(pilot, RENEWABLE)
        prepaid = screen.query_one("#prepaid", Button)
        assert not prepaid.disabled
        assert app.focused is prepaid
        text = shown_text(screen)
        assert f"totale 18,30{NBSP}€, nuova scadenza 15/12/2027" in text
        assert (
            f"Credito disponibile: 18,30{NBSP}€. Dopo il prelievo resteranno 0,00{NBSP}€." in text
        )
        assert not is_shown(screen.query_one("#methods"))
        assert not is_shown(screen.query_one("#prepaid-confirm"))


async def test_prepaid_is_disabled_with_the_reason_when_it_does_not_cover(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        screen = await choose_payment(pilot, SOSPESA)
        prepaid = screen.query_one("#prepaid", Button)
        assert prepaid.disabled
        reason = plain(screen.query_one("#prepaid-unavailable"))
        assert reason == (
            f"Non disponibile: il credito del conto prepagato (18,30{NBSP}€) non copre il "
            f"totale (30,50{NBSP}€)."
        )
        assert app.focused is screen.query_one("#transfer")
        await pilot.click("#prepaid")  # a disabled button does nothing
        await settle_all(pilot)
        assert not is_shown(screen.query_one("#prepaid-confirm"))
        assert await Order.all().count() == 0


async def test_versamento_apposito_reveals_the_four_methods(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        screen = await choose_payment(pilot, RENEWABLE)
        await press_button(pilot, "transfer")
        methods = screen.query_one("#methods", OptionList)
        assert is_shown(methods)
        labels = [str(methods.get_option_at_index(i).prompt) for i in range(methods.option_count)]
        assert labels == ["Carta di credito", "Bonifico", "Bollettino postale", "Assegno"]
        assert app.focused is methods and methods.highlighted == 0
        assert "Assegno" in screen_dump(app)  # in view, not only in the tree


# --- PRELEVA DAL CONTO PREPAGATO ----------------------------------------------------------


async def test_prepaid_debit_renews_and_shows_the_invoice(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        screen = await choose_payment(pilot, RENEWABLE)
        await press_button(pilot, "prepaid")
        assert is_shown(screen.query_one("#prepaid-confirm"))
        assert f"Confermi il prelievo di 18,30{NBSP}€?" in shown_text(screen)
        assert await Order.all().count() == 0  # nothing before the confirmation
        await press_button(pilot, "confirm-prepaid")
        result = app.screen
        assert isinstance(result, ResultScreen)
        code = result.order.code
        assert ORDER_CODE.match(code)
        text = shown_text(result)
        assert "Rinnovo pagato" in text
        assert plain(result.query_one("#order-code")) == code
        assert "Fattura n. 2026/000001 emessa" in text
        assert f"credito residuo 0,00{NBSP}€" in text
        assert "Nuova scadenza: 15/12/2027." in text
        services = await app.front_desk.services()
        assert (await services.accounts.overview("avv.demo")).balance_cents == 0
        order = await services.renewals.order(code)
        assert order is not None
        assert order.status is OrderStatus.PAID and order.method is PaymentMethod.PREPAID
        assert order.invoice_number == "2026/000001"
        # back to the list: the balance and the box show what happened
        await press_button(pilot, "mailboxes")
        assert isinstance(app.screen, MailboxesScreen)
        await settle_all(pilot)
        text = shown_text(app.screen)
        assert f"Credito del conto prepagato: 0,00{NBSP}€" in text


# --- bonifico, bollettino, assegno --------------------------------------------------------

COORDINATES = {
    PaymentMethod.BONIFICO: ["IT60 X054 2811 1010 0000 0123 456", "SELBIT2BXXX", "Banca Sella"],
    PaymentMethod.BOLLETTINO: ["001023456789", "Lextel S.p.A."],
    PaymentMethod.ASSEGNO: ["Lextel S.p.A.", "Sportello PEC dell'Ordine degli Avvocati"],
}


@pytest.mark.parametrize(
    "method", [PaymentMethod.BONIFICO, PaymentMethod.BOLLETTINO, PaymentMethod.ASSEGNO]
)
async def test_offline_payment_coordinates_then_order_code_then_result(
    make_app: Callable[..., KioskApp], method: PaymentMethod
) -> None:
    app = make_app()
    async with running(app, size=(80, 24)) as pilot:
        await choose_payment(pilot, RENEWABLE)
        await pick_method(pilot, method)
        screen = app.screen
        assert isinstance(screen, OfflinePaymentScreen) and screen.method is method
        before = flat(shown_text(screen))
        for item in COORDINATES[method]:
            assert item in before, item
        assert "Importo 18,30 €" in before
        assert not re.search(r"RLM[0-9A-Z]{7}", before)  # no code before Conferma
        assert await Order.all().count() == 0

        await press_button(pilot, "confirm")
        assert screen.order is not None
        code = screen.order.code
        assert ORDER_CODE.match(code)
        assert plain(screen.query_one("#order-code")) == code
        after = flat(shown_text(screen))
        if method is PaymentMethod.ASSEGNO:  # a cheque has no causale: the code on its back
            assert f"Da scrivere sul retro dell'assegno: {code} RINNOVO PEC" in after
            assert "ausale" not in after
        else:
            assert f"Causale da riportare nel versamento: {code} RINNOVO PEC" in after
        assert f"inviare copia del versamento all'indirizzo {ADMIN}." in after
        for item in COORDINATES[method]:
            assert item in after, item
        stored = await Order.get(code=code)
        assert (stored.status, stored.method, stored.total_cents) == (
            OrderStatus.PENDING,
            method,
            1830,
        )
        # 80x24: no room beside the text, the QR is one button away
        assert not is_shown(screen.query_one("#qr-inline"))
        assert is_shown(screen.query_one("#show-qr"))
        await press_button(pilot, "show-qr")
        qr_screen = app.screen
        assert isinstance(qr_screen, QrScreen)
        services = await app.front_desk.services()
        view = await services.renewals.order(code)
        assert view is not None and view.instructions is not None
        assert qr_screen.query_one(QRCode).payload == view.instructions.qr_payload
        assert is_shown(qr_screen.query_one("#qr"))  # 80x24 is big enough for it
        assert code in plain(qr_screen.query_one("#caption"))
        await pilot.press("escape")
        await settle_all(pilot)
        assert app.screen is screen

        await press_button(pilot, "next")  # Avanti
        result = app.screen
        assert isinstance(result, ResultScreen)
        text = flat(shown_text(result))
        assert "Ordine registrato: in attesa del pagamento" in text
        if method is PaymentMethod.ASSEGNO:
            assert f"l'assegno di 18,30 € con il codice {code} scritto sul retro" in text
        else:
            assert (
                f"Effettuare il versamento di 18,30 € riportando nella causale il codice {code}"
                in (text)
            )
            assert f"inviare copia del versamento all'indirizzo {ADMIN}." in text
        assert plain(result.query_one("#order-code")) == code
        for item in COORDINATES[method]:  # how to pay stays on screen until Fine
            assert item in text, item


@pytest.mark.parametrize(
    "seconds",
    [
        None,
        0.4,
    ],
    ids=["quick-database", "slow-database"],
)
async def test_bonifico_qr_is_inline_on_a_wide_terminal(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch, seconds: float | None
) -> None:
    database_answers_in(monkeypatch, seconds)
    app = make_app()
    async with running(app, size=(120, 40)) as pilot:
        await choose_payment(pilot, RENEWABLE)
        await pick_method(pilot, PaymentMethod.BONIFICO)
        screen = app.screen
        assert isinstance(screen, OfflinePaymentScreen)
        await press_button(pilot, "confirm")
        assert screen.order is not None and screen.order.instructions is not None
        qr = screen.query_one("#qr-inline", QRCode)
        assert qr.payload == screen.order.instructions.qr_payload
        assert qr.payload.startswith("BCD\n002\n1\nSCT\n")
        assert is_shown(qr), "120x40 has room: the QR belongs beside the text"
        assert not is_shown(screen.query_one("#show-qr"))
        assert qr.region.size == qr.cells  # drawn whole, not cropped
        # beside the text, and the text is there too
        text_region = screen.query_one("#pay-text").region
        assert qr.region.x >= text_region.right
        assert "Mostra codice QR" not in screen_dump(app)


# --- carta di credito ---------------------------------------------------------------------


def countdown(screen: CardPaymentScreen) -> int:
    match = re.search(r"tempo rimasto (\d+):(\d\d)", plain(screen.query_one("#status")))
    assert match is not None
    return int(match.group(1)) * 60 + int(match.group(2))


async def test_card_payment_follows_the_bank_to_the_result(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app()
    async with running(app) as pilot:
        screen = await to_bank(pilot)
        assert screen.order is not None
        code = screen.order.code
        link = screen.bank_url  # the sandbox bank's page for this order, in this process
        assert link.startswith(f"{app.settings.bank_base_url}/pagam?a=PECKIOSK&b=")
        assert link in plain(screen.query_one("#link"))
        assert screen.query_one("#bank-qr", QRCode).payload == link
        assert screen.query_one("#bank", Button).disabled  # one bank page per order
        assert app.idle_held  # the payer may be on the phone: the kiosk does not wipe
        first = countdown(screen)
        assert 590 <= first <= 600
        idle_clock.advance(65)  # the kiosk's own clock drives the countdown
        await wait_for(pilot, lambda: countdown(screen) == first - 65, limit=3)
        assert (await Order.get(code=code)).status == OrderStatus.PENDING

        status, _page = await pay(link)  # the payer, on the bank's page
        assert status == 200
        await wait_for(pilot, lambda: isinstance(app.screen, ResultScreen))
        await settle_all(pilot)
        result = app.screen
        assert isinstance(result, ResultScreen)
        text = shown_text(result)
        assert "Rinnovo pagato" in text
        assert "Fattura n. 2026/000001 emessa" in text
        assert plain(result.query_one("#order-code")) == code
        assert not app.idle_held


async def test_card_payment_cancelled_while_waiting_for_the_bank(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(card_wait_seconds=30)
    async with running(app) as pilot:
        screen = await to_bank(pilot)
        assert screen.order is not None
        code = screen.order.code
        painted = screen_dump(app)  # the wait shows its link and countdown, not a spinner
        assert "/bank/pagam?a=PECKIOSK" in painted
        assert "tempo rimasto" in painted
        await pilot.click("#cancel")  # Annulla il pagamento, where the person sees it
        await settle_all(pilot)
        await press_button(pilot, "yes")  # asked first
        await wait_for(pilot, lambda: "Pagamento annullato" in notice(screen))
        await settle_all(pilot)
        assert f"l'ordine {code} non è più valido" in notice(screen)
        assert (await Order.get(code=code)).status == OrderStatus.CANCELLED
        assert not [w for w in app.workers if w.group == "bank" and not w.is_finished]
        assert not app.idle_held


async def test_card_payment_cancelled_before_the_bank(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await choose_payment(pilot, RENEWABLE)
        await pick_method(pilot, PaymentMethod.CARTA)
        screen = app.screen
        assert isinstance(screen, CardPaymentScreen)
        await press_button(pilot, "confirm")
        assert screen.order is not None
        code = screen.order.code
        await press_button(pilot, "cancel")  # Annulla il pagamento
        assert isinstance(app.screen, ConfirmScreen)  # asked first, with "No" focused
        assert app.focused is app.screen.query_one("#no")
        await press_button(pilot, "yes")
        assert f"Pagamento annullato: l'ordine {code} non è più valido." in notice(screen)
        assert (await Order.get(code=code)).status == OrderStatus.CANCELLED
        services = await app.front_desk.services()
        account = await services.accounts.overview("avv.demo")
        box = next(b for b in account.mailboxes if b.address == RENEWABLE)
        assert box.renewable and box.pending_order_code is None  # free to renew again


async def test_after_cancelling_the_way_back_is_on_screen(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await choose_payment(pilot, RENEWABLE)
        await pick_method(pilot, PaymentMethod.CARTA)
        await press_button(pilot, "confirm")
        await press_button(pilot, "cancel")
        await press_button(pilot, "yes")
        screen = app.screen
        assert isinstance(screen, CardPaymentScreen)
        back = screen.query_one("#done", Button)
        assert is_shown(back), "'Torna alle mie caselle' is mounted but hidden"
        assert "Torna alle mie caselle" in screen_dump(app)
        await pilot.click("#done")
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)


async def test_card_payment_times_out_with_a_warning_and_the_order_stays_pending(
    make_app: Callable[..., KioskApp], idle_clock: FakeMonotonic
) -> None:
    app = make_app(card_wait_seconds=300)
    async with running(app) as pilot:
        screen = await to_bank(pilot)
        assert screen.order is not None
        code = screen.order.code
        assert "La banca non ha ancora confermato" not in notice(screen)
        idle_clock.advance(301)
        await wait_for(pilot, lambda: "La banca non ha ancora confermato" in notice(screen))
        assert notice(screen).startswith("⚠")
        assert code in notice(screen)
        assert (await Order.get(code=code)).status == OrderStatus.PENDING
        assert not app.idle_held  # the idle timeout applies again
        await settle_all(pilot)
        await press_button(pilot, "done")  # Fine
        result = app.screen
        assert isinstance(result, ResultScreen)
        assert "in attesa del pagamento" in shown_text(result)
        assert "Quando la banca confermerà il pagamento" in shown_text(result)
