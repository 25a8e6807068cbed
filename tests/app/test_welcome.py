"""The welcome screen: the three ways in, the assisted renewal, Supporto Vendite, the language."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.i18n import _translations
from kiosk.services.frontdesk import FrontDesk
from screens.login import LoginScreen
from screens.mailboxes import MailboxesScreen
from screens.recovery import RecoveryScreen
from screens.register import RegisterScreen
from screens.welcome import WelcomeScreen
from tests.app.conftest import log_in, running
from tests.app.helpers import NBSP, press_button, screen_dump, settle_all, shown_text, squash
from tests.dbs import clone_sqlite

SALES_PHONE = "06 68417891"
SALES_EMAIL = "segreteriacommercialelextel@visura.it"


def label(app: KioskApp, button_id: str) -> str:
    return str(app.screen.query_one(f"#{button_id}", Button).label)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_welcome_offers_the_ways_in_the_assisted_renewal_and_sales_support(
    make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with running(app, size=size):
        assert isinstance(app.screen, WelcomeScreen)
        assert [label(app, b) for b in ("login", "register", "recovery")] == [
            "Accedi",
            "Iscriviti",
            "Recupero credenziali",
        ]
        assert app.focused is app.screen.query_one("#login")
        text = shown_text(app.screen)
        assert f"Telefono {SALES_PHONE} · e-mail {SALES_EMAIL}" in text
        assert "RINNOVO ASSISTITO" in text
        assert f"10,00{NBSP}€ + IVA (12,20{NBSP}€)" in text
        assert "da 3 mesi prima a 6 mesi dopo la scadenza" in text
        # demo mode: the demo credentials are on the welcome screen
        for userid, password in (
            ("avv.demo", "Rinnovo2026!"),
            ("operatore.demo", "Sportello2026!"),
            ("admin.demo", "Amministra2026!"),
        ):
            assert any(line.split()[:2] == [userid, password] for line in text.splitlines()), userid
        # the first lines are in view without scrolling, even at 80x24
        top = screen_dump(app)
        assert "Benvenuto" in top and "Accedi" in top


async def test_welcome_shows_no_demo_credentials_outside_demo_mode(
    make_app: Callable[..., KioskApp], sqlite_template: Path, tmp_path: Path
) -> None:
    # a migrated database of its own, as a production kiosk has (not migrated from nothing here)
    app = make_app(demo=False, database_url=clone_sqlite(sqlite_template, tmp_path / "k.sqlite3"))
    async with running(app):
        assert isinstance(app.screen, WelcomeScreen)
        assert not app.screen.query("#demo")
        text = shown_text(app.screen)
        assert "Rinnovo2026!" not in text and "avv.demo" not in text
        assert SALES_PHONE in text  # the rest of the page is there


@pytest.mark.parametrize(
    ("button_id", "screen"),
    [("login", LoginScreen), ("register", RegisterScreen), ("recovery", RecoveryScreen)],
)
async def test_each_way_in_opens_its_screen_and_escape_comes_back(
    make_app: Callable[..., KioskApp], button_id: str, screen: type
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await pilot.click(f"#{button_id}")
        await settle_all(pilot)
        assert isinstance(app.screen, screen)
        await pilot.press("escape")
        await settle_all(pilot)
        assert isinstance(app.screen, WelcomeScreen)


async def switch_language(pilot: Pilot[None], how: str) -> None:
    if how == "f2":
        await pilot.press("f2")
        await settle_all(pilot)
    else:
        await press_button(pilot, "language")


def assert_english(app: KioskApp) -> None:
    english = _translations("en").gettext  # kiosk/locale/en.po, compiled
    assert label(app, "language") == "Italiano"
    assert english("Accedi") != "Accedi"
    assert label(app, "login") == english("Accedi")
    assert english("Rinnovo della casella PEC") in shown_text(app.screen)
    assert "€10.00" in squash(shown_text(app.screen))  # amounts follow the language (en_GB)


def assert_italian(app: KioskApp) -> None:
    assert label(app, "language") == "English"
    assert label(app, "login") == "Accedi"
    assert "Rinnovo della casella PEC" in shown_text(app.screen)
    assert f"10,00{NBSP}€ + IVA" in shown_text(app.screen)


@pytest.mark.parametrize("how", ["f2", "button"])
async def test_the_language_switches_texts_there_and_back(
    make_app: Callable[..., KioskApp], how: str
) -> None:
    app = make_app()
    async with running(app) as pilot:
        assert_italian(app)
        await switch_language(pilot, how)
        assert_english(app)
        await switch_language(pilot, how)
        assert_italian(app)


async def test_the_language_button_and_f2_agree(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await switch_language(pilot, "f2")
        assert_english(app)
        await switch_language(pilot, "button")  # the button reads "Italiano": press it
        assert_italian(app)


@pytest.mark.parametrize("how", ["f2", "button"])
async def test_the_chosen_language_carries_into_the_session(
    make_app: Callable[..., KioskApp], how: str
) -> None:
    english = _translations("en").gettext
    app = make_app()
    async with running(app) as pilot:
        await switch_language(pilot, how)
        await log_in(pilot)
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)
        text = shown_text(app.screen)
        assert "€18.30" in squash(text)  # the prepaid balance, formatted for en_GB
        assert english("Le mie caselle PEC") in text


async def test_a_key_on_the_welcome_page_is_not_lost_while_the_demo_is_checked(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the database answers, the page asks it whether the demo is another day's: a notice
    if so, nothing anyone waits for. Enter pressed meanwhile opens Accedi, as at any moment (it
    was lost: the page took no input while asking, and the focus left Accedi)."""
    asked, answer = asyncio.Event(), asyncio.Event()

    async def slow_demo_notice(self: FrontDesk) -> str | None:
        asked.set()
        await answer.wait()
        return None

    monkeypatch.setattr(FrontDesk, "demo_notice", slow_demo_notice)
    app = make_app()
    async with running(app) as pilot:
        try:
            await asyncio.wait_for(asked.wait(), 10)
            await pilot.pause()
            assert app.focused is app.screen.query_one("#login")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen)
        finally:
            answer.set()
