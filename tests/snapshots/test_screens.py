"""A snapshot of every screen state of the kiosk, at 80x24 and at 120x40.

Each state is reached through the screens (buttons, fields, keys), on a fresh copy of the demo
database, on 25 November 2026 at 10:00 in Rome. To keep the suite under two minutes, the states
after the login start the session directly (the login screen has snapshots of its own) and the
states after the payment choice open it with the services' quote (the way to it has its own).
Update with `pytest tests/snapshots --snapshot-update`, then look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from kiosk.app import KioskApp
from kiosk.clock import FixedClock
from kiosk.domain.model import PaymentMethod
from kiosk.errors import Refusal
from screens.card_payment import CardPaymentScreen
from screens.idle import IdleWarning
from screens.offline_payment import OfflinePaymentScreen
from screens.qr_view import QrScreen
from screens.renewal import RenewalScreen
from tests.app.conftest import CESSATA, RENEWABLE, SOSPESA, TOO_EARLY, FakeMonotonic
from tests.services.mail import last_code
from tests.snapshots.driver import DEMO_USER, Driver

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
Steps = Callable[[Driver], Awaitable[None]]


@dataclass(frozen=True)
class State:
    name: str
    steps: Steps
    settings: dict[str, Any] = field(default_factory=dict)


STATES: list[State] = []


def state(name: str, **settings: Any) -> Callable[[Steps], Steps]:
    def register(steps: Steps) -> Steps:
        STATES.append(State(name, steps, settings))
        return steps

    return register


def params() -> list[Any]:
    return [pytest.param(s, id=s.name) for s in STATES]


# --- before logging in -------------------------------------------------------------------


@state("welcome")
async def _welcome(k: Driver) -> None:
    pass


@state("welcome_english")
async def _welcome_english(k: Driver) -> None:
    await k.keys("f2")


@state("login")
async def _login(k: Driver) -> None:
    await k.open_login()


@state("login_wrong_password")
async def _login_wrong_password(k: Driver) -> None:
    await k.open_login()
    k.fill(userid=DEMO_USER, password="Sbagliata2026!")
    await k.submit_in("password")


async def _wrong_passwords(k: Driver, n: int) -> None:
    """`n` wrong passwords for the demo user from elsewhere, each as soon as allowed (the clock
    moves on by the waits)."""
    services = await k.app.front_desk.services()
    clock = services.ctx.clock
    assert isinstance(clock, FixedClock)
    for _ in range(n):
        while True:
            try:
                await services.auth.login(DEMO_USER, "Sbagliata2026!", terminal="altrove")
            except Refusal as exc:
                if exc.reason != "throttled":
                    break
                clock.advance(timedelta(seconds=int(exc.details["wait_seconds"])))


@state("login_wait")
async def _login_wait(k: Driver) -> None:
    await _wrong_passwords(k, k.app.settings.login_free_failures - 1)
    await k.open_login()
    k.fill(userid=DEMO_USER, password="Sbagliata2026!")  # the last free one: now a delay
    await k.submit_in("password")


@state("login_locked")
async def _login_locked(k: Driver) -> None:
    await _wrong_passwords(k, k.app.settings.max_failed_logins - 1)
    services = await k.app.front_desk.services()
    clock = services.ctx.clock
    assert isinstance(clock, FixedClock)
    clock.advance(timedelta(minutes=1))  # past the last delay
    await k.open_login()
    k.fill(userid=DEMO_USER, password="Sbagliata2026!")  # the last one locks the userid
    await k.submit_in("password")


@state("register_field_errors")
async def _register_field_errors(k: Driver) -> None:
    await k.press("#register")
    k.fill(
        userid="ab",
        nominativo="",
        codice_fiscale="RSSMRA80A01",
        email="maria.rossi@",
        password="corta",
        password_confirm="diversa",
    )
    await k.press("#submit")


NEW_SUBSCRIBER = {
    "userid": "avv.nuova",
    "nominativo": "Avv. Anna Nuova",
    "codice_fiscale": "NVONNA80A41F912L",
    "email": "anna.nuova@example.org",
    "password": "Nuova-Password-2026",
    "password_confirm": "Nuova-Password-2026",
}


async def _registration_sent(k: Driver, **change: str) -> None:
    await k.press("#register")
    k.fill(**{**NEW_SUBSCRIBER, **change})
    await k.press("#submit")


@state("register_code_sent")
async def _register_code_sent(k: Driver) -> None:
    await _registration_sent(k)


@state("register_wrong_code")
async def _register_wrong_code(k: Driver) -> None:
    await _registration_sent(k)
    k.fill(code="00000000")
    await k.submit_in("code")


@state("register_userid_taken")
async def _register_userid_taken(k: Driver) -> None:
    await _registration_sent(k, userid=DEMO_USER)
    services = await k.app.front_desk.services()
    k.fill(code=await last_code(services, NEW_SUBSCRIBER["email"]))
    await k.submit_in("code")


@state("recovery")
async def _recovery(k: Driver) -> None:
    await k.press("#recovery")


@state("recovery_code_sent")
async def _recovery_code_sent(k: Driver) -> None:
    await k.press("#recovery")
    k.fill(identifier=DEMO_USER)
    await k.submit_in("identifier")


# --- the journey -------------------------------------------------------------------------


@state("mailboxes")
async def _mailboxes(k: Driver) -> None:
    await k.log_in()  # through the login screen (the other states start the session directly)


@state("renewal_quote")
async def _renewal_quote(k: Driver) -> None:
    await k.start_session()
    await k.renew(RENEWABLE)


@state("renewal_too_early")
async def _renewal_too_early(k: Driver) -> None:
    await k.start_session()
    await k.renew(TOO_EARLY)


@state("renewal_too_late")
async def _renewal_too_late(k: Driver) -> None:
    await k.start_session()
    await k.renew(CESSATA)


@state("renewal_pending_order")
async def _renewal_pending_order(k: Driver) -> None:
    await k.place_order(RENEWABLE, PaymentMethod.BONIFICO)
    await k.start_session()
    await k.app.push_screen(RenewalScreen(pec=RENEWABLE))  # Rinnova, typed by hand
    await k.settle()
    await k.press("#lookup")


@state("mailboxes_with_open_orders")
async def _mailboxes_with_open_orders(k: Driver) -> None:
    await k.place_order(RENEWABLE, PaymentMethod.PREPAID)  # paid, renewed tomorrow
    await k.place_order(SOSPESA, PaymentMethod.BONIFICO)  # awaiting payment
    await k.start_session()


@state("order_awaiting_payment")
async def _order_awaiting_payment(k: Driver) -> None:
    await k.place_order(SOSPESA, PaymentMethod.BOLLETTINO)
    await k.start_session()
    await k.select_row(SOSPESA)


@state("order_paid")
async def _order_paid(k: Driver) -> None:
    await k.place_order(RENEWABLE, PaymentMethod.PREPAID)
    await k.start_session()
    await k.select_row(RENEWABLE)


@state("order_cancel_asked")
async def _order_cancel_asked(k: Driver) -> None:
    await _order_awaiting_payment(k)
    await k.press("#cancel")


@state("logout_asked")
async def _logout_asked(k: Driver) -> None:
    await k.start_session()
    await k.keys("escape")


@state("payment_choice_prepaid")
async def _payment_choice_prepaid(k: Driver) -> None:
    await k.choose_payment(RENEWABLE)


@state("payment_choice_no_prepaid_menu_open")
async def _payment_choice_no_prepaid(k: Driver) -> None:
    await k.choose_payment(SOSPESA)
    await k.open_transfer_menu()


def _offline(method: PaymentMethod, *, confirm: bool) -> Steps:
    async def steps(k: Driver) -> None:
        await k.at_payment_choice(RENEWABLE)
        await k.choose_method(method)
        assert isinstance(k.app.screen, OfflinePaymentScreen)
        if confirm:
            await k.press("#confirm")

    return steps


for _method in (PaymentMethod.BONIFICO, PaymentMethod.BOLLETTINO, PaymentMethod.ASSEGNO):
    state(f"offline_{_method.value}")(_offline(_method, confirm=False))
    state(f"offline_{_method.value}_confirmed")(_offline(_method, confirm=True))


@state("qr_view_bonifico")
async def _qr_view(k: Driver) -> None:
    await _offline(PaymentMethod.BONIFICO, confirm=True)(k)
    await k.keys("q")
    assert isinstance(k.app.screen, QrScreen)


@state("card_confirmed")
async def _card_confirmed(k: Driver) -> None:
    await k.at_payment_choice(RENEWABLE)
    await k.choose_method(PaymentMethod.CARTA)
    await k.press("#confirm")


# the wait loop sleeps between polls: one poll, then it stays on its first countdown (10:00)
@state("card_waiting_for_bank", card_wait_seconds=600, card_poll_seconds=3600)
async def _card_waiting(k: Driver) -> None:
    await _card_confirmed(k)
    screen = k.app.screen
    assert isinstance(screen, CardPaymentScreen)
    button = screen.query_one("#bank")
    button.active_effect_duration = 0  # type: ignore[attr-defined]
    button.press()  # type: ignore[attr-defined]
    for _ in range(200):  # the worker never ends while waiting: wait for its first update
        if screen.remaining == 600 and screen.query("#bank-qr"):
            break
        await k.pilot.pause(0.01)
    else:
        raise AssertionError("no countdown")
    await k.pilot.pause()


@state("result_prepaid")
async def _result_prepaid(k: Driver) -> None:
    await k.at_payment_choice(RENEWABLE)
    await k.press("#prepaid")
    await k.press("#confirm-prepaid")


@state("result_bonifico")
async def _result_bonifico(k: Driver) -> None:
    await _offline(PaymentMethod.BONIFICO, confirm=True)(k)
    await k.press("#next")


# --- the kiosk itself --------------------------------------------------------------------


@state("idle_warning")
async def _idle_warning(k: Driver) -> None:
    await k.start_session()
    k.idle_clock.advance(105)  # 15 s left: inside the 20 s warning
    await k.app.check_inactivity()  # what the kiosk's idle timer does
    await k.settle()
    assert k.app.screen.query(IdleWarning), "no idle warning on screen"


@state("pin_kiosk_mode", kiosk_mode=True)
async def _pin(k: Driver) -> None:
    await k.keys("ctrl+q")


@state("pin_wrong_wait", kiosk_mode=True)
async def _pin_wrong(k: Driver) -> None:
    await k.keys("ctrl+q")
    for pin in ("111111", "222222", "333333"):  # the third makes the next try wait
        k.fill(pin=pin)
        await k.submit_in("pin")


# --- the tests ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("screen_state", params())
def test_screen(
    screen_state: State,
    size: tuple[int, int],
    snap_compare: Callable[..., bool],
    snapshot_app: Callable[..., KioskApp],
    idle_clock: FakeMonotonic,
) -> None:
    app = snapshot_app(**screen_state.settings)

    async def run_before(pilot: Pilot[None]) -> None:
        driver = Driver(pilot, idle_clock)
        await driver.start()
        await screen_state.steps(driver)
        await driver.finish()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
