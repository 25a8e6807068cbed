"""Accedi, Iscriviti, Recupero credenziali: what the kiosk shows, and what is stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import cast

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from kiosk.app import KioskApp
from kiosk.errors import Refusal
from kiosk.store.models import OutboxEmail, Subscriber
from screens.login import LoginScreen
from screens.mailboxes import MailboxesScreen
from screens.recovery import RecoveryScreen
from screens.register import RegisterScreen
from tests.app.conftest import log_in, running
from tests.app.helpers import (
    field_error,
    fill,
    is_shown,
    notice,
    plain,
    press_button,
    settle_all,
    shown_text,
    table_rows,
)

FIELDS = ("userid", "nominativo", "codice_fiscale", "email", "password", "password_confirm")

BAD_CREDENTIALS = "Userid o password non corretti."

# avv.demo's four boxes on 25/11/2026, in the screen's order (by expiry)
DEMO_ROWS = [
    "archivio.demo@legalmail.it CESSATA · @legalmail.it | 20/03/2026 250 gg fa | "
    "No: contattare Supporto Vendite",
    "studio.demo@avvocatinocera.legalmail.it SOSPESA · dominio in convenzione | "
    "16/10/2026 40 gg fa | Sì, ora",
    "maria.demo@pec.avvocatinocera.it ATTIVA · convenzione Ordine | 15/12/2026 tra 20 gg | Sì, ora",
    "m.demo@legalmail.it ATTIVA · @legalmail.it | 13/06/2027 tra 200 gg | Dal 13/03/2027",
]


async def submit_login(pilot: Pilot[None], userid: str, password: str) -> None:
    assert isinstance(pilot.app.screen, LoginScreen)
    fill(pilot.app.screen, userid=userid, password=password)
    await press_button(pilot, "submit")


# --- Accedi -----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_log_in_lists_every_mailbox_with_state_expiry_days_and_renewability(
    make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with running(app, size=size) as pilot:
        await log_in(pilot)
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)
        assert app.session is not None and app.session.userid == "avv.demo"
        assert table_rows(app.screen.query_one("#boxes", DataTable)) == DEMO_ROWS
        text = shown_text(app.screen)
        assert "Credito del conto prepagato: 18,30\u00a0€" in text
        assert "Avv. Maria Demo" in text  # the title bar names who is logged in
        assert app.focused is app.screen.query_one("#boxes")
        # the same as the services say
        services = await app.front_desk.services()
        account = await services.accounts.overview("avv.demo")
        assert [b.state.value for b in account.mailboxes] == [
            "cessata",
            "sospesa",
            "attiva",
            "attiva",
        ]


async def test_log_in_with_enter_from_the_fields(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await pilot.click("#login")
        await settle_all(pilot)
        assert app.focused is app.screen.query_one("#userid")
        await pilot.press(*"avv.demo", "enter")
        assert app.focused is app.screen.query_one("#password")
        await pilot.press(*"Rinnovo2026!", "enter")
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)


async def test_empty_fields_are_refused_without_asking_the_database(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await pilot.click("#login")
        await settle_all(pilot)
        await submit_login(pilot, "avv.demo", "")
        assert isinstance(app.screen, LoginScreen)
        assert notice(app.screen).endswith("Inserire userid e password.")
        assert app.session is None


@pytest.mark.parametrize(
    ("userid", "password"), [("avv.demo", "Sbagliata-2026!"), ("nessuno.qui", "Rinnovo2026!")]
)
async def test_wrong_credentials_show_an_error_and_stay_on_login(
    make_app: Callable[..., KioskApp], userid: str, password: str
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot, userid, password)
        await settle_all(pilot)
        assert app.is_running, "the kiosk must survive a wrong password"
        assert isinstance(app.screen, LoginScreen)
        assert notice(app.screen).endswith(BAD_CREDENTIALS)  # same words for both cases
        assert app.screen.query_one("#password", Input).value == ""
        assert app.session is None


async def test_five_failures_lock_the_account_even_for_the_right_password(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await pilot.click("#login")
        await settle_all(pilot)
        for attempt in range(1, 5):
            await submit_login(pilot, "avv.demo", f"Sbagliata-{attempt}")
            assert app.is_running
            assert notice(app.screen).endswith(BAD_CREDENTIALS), attempt
        await submit_login(pilot, "avv.demo", "Sbagliata-5")
        assert app.is_running
        assert "accesso bloccato per 15 minuti" in notice(app.screen)
        await submit_login(pilot, "avv.demo", "Rinnovo2026!")  # the right one, too late
        assert app.is_running
        assert isinstance(app.screen, LoginScreen)
        assert "accesso bloccato fino alle 10:15" in notice(app.screen)
        assert app.session is None
        user = await Subscriber.get(userid="avv.demo")
        assert user.locked_until is not None


# --- Iscriviti --------------------------------------------------------------------------------

GOOD = {
    "userid": "avv.nuova",
    "nominativo": "Avv. Anna Nuova",
    "codice_fiscale": "NVONNA80A41F912L",
    "email": "anna.nuova@example.org",
    "password": "Nuova-Password-2026",
    "password_confirm": "Nuova-Password-2026",
}


async def test_registration_marks_every_bad_field_at_once_and_creates_nothing(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        before = await Subscriber.all().count()
        await press_button(pilot, "register")
        assert isinstance(app.screen, RegisterScreen)
        bad = {
            "userid": "x",
            "nominativo": "",
            "codice_fiscale": "ABC",
            "email": "non-una-email",
            "password": "corta",
            "password_confirm": "diversa",
        }
        fill(app.screen, **bad)
        await press_button(pilot, "submit")
        assert isinstance(app.screen, RegisterScreen)
        errors = {name: field_error(app.screen, name) for name in FIELDS}
        assert all(errors.values()), errors  # a message beside each of the six fields
        assert "codice fiscale" in errors["codice_fiscale"]
        assert "e-mail" in errors["email"]
        assert "10 caratteri" in errors["password"]
        assert errors["password_confirm"] == "Le due password non coincidono."
        assert notice(app.screen).endswith("Correggere i campi segnalati (6).")
        assert app.focused is app.screen.query_one("#userid")
        assert await Subscriber.all().count() == before
        assert app.session is None

        # fix all but the codice fiscale: only its message is left
        fill(app.screen, **{**GOOD, "codice_fiscale": "ABC"})
        await press_button(pilot, "submit")
        errors = {name: field_error(app.screen, name) for name in FIELDS}
        assert [name for name, message in errors.items() if message] == ["codice_fiscale"]
        assert notice(app.screen).endswith("Correggere i campi segnalati (1).")
        assert await Subscriber.all().count() == before


async def test_registration_logs_the_new_subscriber_in(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "register")
        fill(app.screen, **GOOD)
        await press_button(pilot, "submit")
        assert isinstance(app.screen, MailboxesScreen)
        assert app.session is not None and app.session.userid == "avv.nuova"
        assert app.screen.query_one("#boxes", DataTable).row_count == 0
        assert "Nessuna casella PEC risulta associata" in notice(app.screen)
        assert notice(app.screen).startswith("ℹ")  # information, not an error
        assert "Avv. Anna Nuova" in shown_text(app.screen)
        services = await app.front_desk.services()
        account = await services.accounts.overview("avv.nuova")
        assert (account.nominativo, account.email, account.balance_cents) == (
            "Avv. Anna Nuova",
            "anna.nuova@example.org",
            0,
        )
        assert account.mailboxes == ()
        # the password chosen at the kiosk is the one that works
        user = await services.auth.login("avv.nuova", GOOD["password"])
        assert user.userid == "avv.nuova"


async def test_registration_with_a_userid_in_use_marks_the_userid_field(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "register")
        fill(app.screen, **{**GOOD, "userid": "avv.demo"})
        await press_button(pilot, "submit")
        assert app.is_running
        assert isinstance(app.screen, RegisterScreen)
        assert field_error(app.screen, "userid") == "Lo userid avv.demo è già in uso."
        assert app.session is None


# --- Recupero credenziali ---------------------------------------------------------------------


async def request_code(pilot: Pilot[None], identifier: str) -> str:
    fill(pilot.app.screen, identifier=identifier)
    await press_button(pilot, "send")
    sent = pilot.app.screen.query_one("#sent", Static)  # shown under the button just pressed
    return plain(sent) if is_shown(sent) else ""


async def recovery_code(to_address: str) -> str:
    mails = await OutboxEmail.filter(kind="recovery", to_address=to_address).order_by("-id")
    assert mails, f"no recovery e-mail to {to_address}"
    match = re.search(r"Codice di recupero: (\d{8})", mails[0].body)
    assert match is not None, mails[0].body
    return match.group(1)


async def test_recovery_says_the_same_for_known_and_unknown_accounts(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "recovery")
        assert isinstance(app.screen, RecoveryScreen)
        assert not is_shown(app.screen.query_one("#step2"))
        known = await request_code(pilot, "avv.demo")
        assert "codice di recupero valido 15 minuti" in known
        assert is_shown(app.screen.query_one("#step2"))  # step 2 opens either way
        unknown = await request_code(pilot, "nessuno.qui")
        assert unknown == known
        mails = cast(
            list[str],
            await OutboxEmail.filter(kind="recovery").values_list("to_address", flat=True),
        )
        assert mails == ["avv.demo@example.org"]  # only the real account gets an e-mail


async def test_recovery_code_from_the_email_sets_a_new_password_and_logs_in(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "recovery")
        await request_code(pilot, "avv.demo@example.org")  # by e-mail address this time
        code = await recovery_code("avv.demo@example.org")
        fill(
            app.screen,
            userid="avv.demo",
            code=code,
            password="Ritrovata-2026!",
            password_confirm="Ritrovata-2026!",
        )
        await press_button(pilot, "reset")
        assert isinstance(app.screen, MailboxesScreen)
        assert app.session is not None and app.session.userid == "avv.demo"
        services = await app.front_desk.services()
        assert (await services.auth.login("avv.demo", "Ritrovata-2026!")).userid == "avv.demo"
        with pytest.raises(Refusal):
            await services.auth.login("avv.demo", "Rinnovo2026!")


async def test_recovery_form_checks_its_fields_before_asking(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "recovery")
        await press_button(pilot, "have-code")
        fill(app.screen, userid="avv.demo", code="12ab", password="x", password_confirm="y")
        await press_button(pilot, "reset")
        assert isinstance(app.screen, RecoveryScreen)
        for name in ("code", "password", "password_confirm"):
            assert field_error(app.screen, name), name
        assert field_error(app.screen, "userid") == ""
        assert app.session is None


async def test_recovery_with_a_wrong_code_is_refused(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "recovery")
        await request_code(pilot, "avv.demo")
        code = await recovery_code("avv.demo@example.org")
        wrong = f"{(int(code) + 1) % 10**8:08d}"
        fill(
            app.screen,
            userid="avv.demo",
            code=wrong,
            password="Ritrovata-2026!",
            password_confirm="Ritrovata-2026!",
        )
        await press_button(pilot, "reset")
        assert app.is_running
        assert isinstance(app.screen, RecoveryScreen)
        assert "Codice non valido o scaduto" in notice(app.screen)
        assert app.session is None
        services = await app.front_desk.services()
        assert (await services.auth.login("avv.demo", "Rinnovo2026!")).userid == "avv.demo"
