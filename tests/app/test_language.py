"""The language chosen on the welcome screen holds on every screen, footer keys included."""

from collections.abc import Callable

from textual.widgets import Button

from kiosk.app import KioskApp
from kiosk.i18n import get_language
from screens.mailboxes import MailboxesScreen
from screens.widgets.footer import KioskFooter
from screens.widgets.titlebar import TitleBar
from tests.app.conftest import log_in, running, settle


async def test_english_chosen_on_welcome_reaches_the_mailboxes(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await pilot.click("#language")
        await pilot.pause()
        assert get_language() == "en"
        assert str(app.screen.query_one("#login", Button).label) == "Log in"
        await log_in(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MailboxesScreen)
        title = str(app.screen.query_one(TitleBar).render())
        assert "My PEC mailboxes" in title
        keys = str(app.screen.query_one(KioskFooter).render())
        assert "Renew" in keys and "Log out" in keys
        assert "Rinnova" not in keys and "Esci" not in keys


async def test_the_language_starts_from_the_settings(make_app: Callable[..., KioskApp]) -> None:
    app = make_app(lang="en")
    async with running(app) as pilot:
        assert str(app.screen.query_one("#login", Button).label) == "Log in"
        assert str(app.screen.query_one("#language", Button).label) == "Italiano"
        await pilot.press("f2")
        await pilot.pause()
        assert str(app.screen.query_one("#login", Button).label) == "Accedi"
