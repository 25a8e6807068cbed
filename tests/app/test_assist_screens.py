"""Assistenza remota on screen: the lawyer's code, the operator's join, who joined, the SSH
session started for its user (Pilot; the server's side is tested in tests/ssh)."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.app import KioskApp
from kiosk.app_helpdesk import RemoteChanged
from kiosk.remote.port import AssistCode, AssistRefused, RemoteEvent
from screens.assist_code import AssistCodeScreen
from screens.mailboxes import MailboxesScreen
from screens.messages import SessionStarted
from screens.operator.assist import AssistJoinScreen
from tests.app.conftest import running
from tests.app.helpers import fill, notice, press_button, settle_all, shown_text, start_session


class FakeRemote:
    """What the SSH server would answer."""

    def __init__(self) -> None:
        self.typing_allowed = False
        self.assistant: str | None = None
        self.joined: list[str] = []
        self.ended = 0
        self.sessions: list[str | None] = []

    def session_changed(self, userid: str | None) -> None:
        self.sessions.append(userid)

    async def request_code(self) -> AssistCode:
        return AssistCode("482913", 10)

    async def allow_typing(self, allowed: bool) -> None:
        self.typing_allowed = allowed

    async def end_assistance(self) -> None:
        self.ended += 1
        self.typing_allowed = False

    async def join(self, code: str) -> None:
        if code != "482913":
            raise AssistRefused("Codice non valido o scaduto: chiederne uno nuovo all'avvocato.")
        self.joined.append(code)


async def test_the_lawyer_gets_a_code_and_sees_who_joined(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    remote = FakeRemote()
    async with running(app) as pilot:
        app.remote = remote
        await start_session(pilot)
        await pilot.press("a")
        await settle_all(pilot)
        assert isinstance(app.screen, AssistCodeScreen)
        shown = shown_text(app.screen)
        assert "482 913" in shown and "Valido 10 minuti" in shown
        assert "Nessun operatore collegato" in shown

        remote.assistant = "Luca Verdi (sportello)"
        app.post_message(RemoteChanged(RemoteEvent("joined", "Luca Verdi (sportello)")))
        await pilot.pause(1.1)
        assert "Operatore collegato: Luca Verdi" in shown_text(app.screen)
        assert "si è collegato" in " ".join(str(n.message) for n in app._notifications)

        app.screen.query_one("#typing").focus()
        await pilot.press("space")
        await settle_all(pilot)
        assert remote.typing_allowed
        assert "L'operatore può scrivere" in shown_text(app.screen)
        await press_button(pilot, "end")
        assert remote.ended == 1 and not remote.typing_allowed
        assert "Assistenza terminata" in notice(app.screen)
        await pilot.press("escape")
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)


async def test_without_the_ssh_server_the_key_is_hidden_and_the_screen_says_why(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        assert not app.screen.check_action("assist", ())
        app.screen.action_assist()  # type: ignore[attr-defined]
        await settle_all(pilot)
        assert "solo nelle sessioni avviate" in notice(app.screen)


async def test_the_operator_joins_with_the_code(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    remote = FakeRemote()
    async with running(app) as pilot:
        app.remote = remote
        services = await app.front_desk.services()  # an operator lands on the workspace
        operator = await services.auth.login("operatore.demo", "Sportello2026!")
        app.post_message(SessionStarted(operator))
        await settle_all(pilot)
        assert remote.sessions == ["operatore.demo"]  # the server hears who logged in
        await pilot.press("f10")
        await settle_all(pilot)
        assert isinstance(app.screen, AssistJoinScreen)
        fill(app.screen, **{"assist-code": "111 111"})
        await press_button(pilot, "join")
        assert "Codice non valido" in notice(app.screen)
        assert not app.idle_held
        fill(app.screen, **{"assist-code": "482 913"})
        await press_button(pilot, "join")
        assert remote.joined == ["482913"]
        assert app.idle_held  # shown the lawyer's session: this one is not wiped meanwhile
        app.post_message(RemoteChanged(RemoteEvent("returned")))
        await settle_all(pilot)
        assert not app.idle_held


async def test_a_lawyer_cannot_open_the_join_screen(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await start_session(pilot)
        await pilot.press("f10")
        await settle_all(pilot)
        assert isinstance(app.screen, MailboxesScreen)


async def test_a_kiosk_started_for_an_ssh_user_starts_its_session_and_ends_with_it(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app(ssh_user="avv.demo")
    async with running(app) as pilot:
        await settle_all(pilot)
        for _ in range(50):
            if isinstance(app.screen, MailboxesScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, MailboxesScreen)
        assert app.session is not None and app.session.userid == "avv.demo"
        await app.end_session("logout")
        await pilot.pause()
        assert app._exit
