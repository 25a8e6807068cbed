"""Accedi, Iscriviti, Recupero credenziali: what the kiosk shows, and what is stored."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import cast

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from kiosk.app import KioskApp
from kiosk.clock import FixedClock
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
    screen_dump,
    settle_all,
    shown_text,
    table_rows,
    wait_for,
)
from tests.services.mail import last_code

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


async def test_wrong_passwords_slow_down_and_the_screen_says_how_long(
    make_app: Callable[..., KioskApp], clock: FixedClock
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await pilot.click("#login")
        await settle_all(pilot)
        for attempt in range(1, 3):
            await submit_login(pilot, "avv.demo", f"Sbagliata-{attempt}")
            assert notice(app.screen).endswith(BAD_CREDENTIALS), attempt
        await submit_login(pilot, "avv.demo", "Sbagliata-3")
        assert notice(app.screen).endswith(
            "Userid o password non corretti. Il prossimo tentativo sarà possibile tra 1 secondo."
        )
        await submit_login(pilot, "avv.demo", "Rinnovo2026!")  # the right one, too soon
        assert app.is_running and isinstance(app.screen, LoginScreen)
        assert notice(app.screen).endswith("Troppi tentativi falliti: riprovare tra 1 secondo.")
        assert app.session is None
        clock.advance(timedelta(seconds=1))
        await submit_login(pilot, "avv.demo", "Rinnovo2026!")
        assert isinstance(app.screen, MailboxesScreen)


async def test_an_unknown_userid_reads_the_same_as_a_wrong_password(
    make_app: Callable[..., KioskApp],
) -> None:
    seen: dict[str, list[str]] = {}
    for userid in ("avv.demo", "nessuno.qui"):
        app = make_app(terminal_id=f"chiosco-{userid}")
        async with running(app) as pilot:
            await pilot.click("#login")
            await settle_all(pilot)
            seen[userid] = []
            for attempt in range(4):
                await submit_login(pilot, userid, f"Sbagliata-{attempt}")
                seen[userid].append(notice(app.screen))
    assert seen["avv.demo"] == seen["nessuno.qui"]


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


SENT = (
    "Abbiamo inviato un codice di conferma all'indirizzo e-mail indicato o, se il codice "
    "fiscale risulta già iscritto, a quello registrato."
)


async def register(pilot: Pilot[None], **change: str) -> str:
    """Step one through the form: the message shown under the step-two heading."""
    app = pilot.app
    await press_button(pilot, "register")
    assert isinstance(app.screen, RegisterScreen)
    fill(app.screen, **{**GOOD, **change})
    await press_button(pilot, "submit")
    sent = app.screen.query_one("#sent", Static)
    return plain(sent) if is_shown(sent) else ""


async def test_registration_sends_a_code_and_the_code_logs_the_new_subscriber_in(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        before = await Subscriber.all().count()
        message = await register(pilot)
        assert SENT in message
        assert isinstance(app.screen, RegisterScreen)
        assert not is_shown(app.screen.query_one("#step1"))
        assert app.focused is app.screen.query_one("#code")
        assert await Subscriber.all().count() == before  # nothing until the code
        # at 80x24 the message, the code field and the buttons are all in view (once painted)
        shown = ("Abbiamo inviato un codice", "Codice (8 cifre)", "Completa l'iscrizione")
        await wait_for(pilot, lambda: all(text in screen_dump(app) for text in shown))
        services = await app.front_desk.services()
        code = await last_code(services, "anna.nuova@example.org")
        await pilot.press(*"00000000", "enter")  # a wrong one first
        await settle_all(pilot)
        assert isinstance(app.screen, RegisterScreen)
        assert "Codice non valido o scaduto" in notice(app.screen)
        await wait_for(pilot, lambda: "Codice non valido o scaduto" in screen_dump(app))
        app.screen.query_one("#code", Input).value = ""
        await pilot.press(*code, "enter")
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)
        assert app.session is not None and app.session.userid == "avv.nuova"
        assert app.screen.query_one("#boxes", DataTable).row_count == 0
        assert "Nessuna casella PEC risulta associata" in notice(app.screen)
        assert "Avv. Anna Nuova" in shown_text(app.screen)
        account = await services.accounts.overview("avv.nuova")
        assert (account.nominativo, account.email, account.balance_cents) == (
            "Avv. Anna Nuova",
            "anna.nuova@example.org",
            0,
        )
        user = await services.auth.login("avv.nuova", GOOD["password"])
        assert user.userid == "avv.nuova"


async def test_a_userid_in_use_is_said_only_after_the_code_and_another_is_chosen_there(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        assert SENT in await register(pilot, userid="avv.demo")  # nothing said yet
        assert field_error(app.screen, "userid") == ""
        services = await app.front_desk.services()
        code = await last_code(services, "anna.nuova@example.org")
        await pilot.press(*code, "enter")
        await settle_all(pilot)
        assert isinstance(app.screen, RegisterScreen)
        taken = "Lo userid avv.demo non è disponibile: sceglierne un altro."
        assert field_error(app.screen, "new_userid") == taken
        assert app.focused is app.screen.query_one("#new_userid")
        await wait_for(pilot, lambda: "avv.demo non è disponibile" in screen_dump(app))
        await pilot.press(*"avv.nuova", "enter")
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)
        assert app.session is not None and app.session.userid == "avv.nuova"


async def test_an_imported_subscriber_registers_by_the_address_on_record(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        message = await register(
            pilot, codice_fiscale="RSSGPP75C12H703W", email="qualcuno@example.org"
        )
        assert SENT in message  # the same words: where the code went is not said
        services = await app.front_desk.services()
        assert await OutboxEmail.filter(to_address="qualcuno@example.org").count() == 0
        code = await last_code(services, "g.rossi@example.org")
        await pilot.press(*code, "enter")
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)
        assert app.session is not None and app.session.userid == "avv.rossi"
        assert app.screen.query_one("#boxes", DataTable).row_count == 1


async def test_the_form_can_be_changed_after_the_code_was_sent(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await register(pilot)
        await press_button(pilot, "edit")
        assert is_shown(app.screen.query_one("#step1"))
        assert app.screen.query_one("#userid", Input).value == GOOD["userid"]
        assert app.focused is app.screen.query_one("#userid")


# --- Recupero credenziali ---------------------------------------------------------------------


async def request_code(pilot: Pilot[None], identifier: str) -> str:
    fill(pilot.app.screen, identifier=identifier)
    await press_button(pilot, "send")
    sent = pilot.app.screen.query_one("#sent", Static)  # shown under the button just pressed
    return plain(sent) if is_shown(sent) else ""


async def recovery_code(app: KioskApp, to_address: str) -> str:
    return await last_code(await app.front_desk.services(), to_address)


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
        code = await recovery_code(app, "avv.demo@example.org")
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
        code = await recovery_code(app, "avv.demo@example.org")
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
