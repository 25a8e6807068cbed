from collections.abc import Callable

from kiosk.app import KioskApp
from screens.mailboxes import MailboxesScreen
from tests.app.conftest import log_in, running, settle


async def test_log_in_shows_the_mailboxes(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot)
        await settle(pilot)
        assert isinstance(app.screen, MailboxesScreen)
        assert app.session is not None and app.session.userid == "avv.demo"
        assert app.screen.account is not None and len(app.screen.account.mailboxes) == 4
