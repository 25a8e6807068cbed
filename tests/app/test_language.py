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


def italian_sources() -> list[str]:
    """The catalogue's Italian texts that English says differently (long enough not to be a
    word shared by both languages)."""
    from babel.messages.pofile import read_po

    from tests.conftest import ROOT

    with (ROOT / "kiosk" / "locale" / "en.po").open("rb") as fh:
        catalogue = read_po(fh)
    texts: list[str] = []
    for m in catalogue:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for msgid, msgstr in zip(ids, strings, strict=False):
            if isinstance(msgid, str) and msgid and msgid != msgstr and len(msgid) >= 12:
                texts.extend(p for p in msgid.split("{") if len(p.strip()) >= 12)
    return texts


async def test_no_italian_left_in_english_mode(make_app: Callable[..., KioskApp]) -> None:
    from kiosk.domain.model import PaymentMethod
    from screens.order import OrderScreen
    from screens.result import ResultScreen
    from tests.app.conftest import RENEWABLE, SOSPESA
    from tests.app.helpers import choose_payment, flat, shown_text

    app = make_app(lang="en")
    sources = italian_sources()
    seen: list[str] = []
    async with running(app) as pilot:
        seen.append(flat(shown_text(app.screen)))
        choice = await choose_payment(pilot, RENEWABLE)
        seen.append(flat(shown_text(choice)))
        services = await app.front_desk.services()
        order = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
        await app.push_screen(OrderScreen(order))
        await settle(pilot)
        seen.append(flat(shown_text(app.screen)))
        await app.push_screen(ResultScreen(order))
        await settle(pilot)
        seen.append(flat(shown_text(app.screen)))
    import re

    for text in seen:  # (a word of an address, amministrazione@..., is data, not a text)
        left = [s for s in sources if re.search(rf"(?<![\w@.]){re.escape(flat(s))}(?![\w@])", text)]
        assert not left, f"Italian left in English mode: {left}\n{text}"
