"""The kiosk: a thin Textual app. Screens do the journey; this keeps the session and the rules
of the kiosk itself: two modes (the welcome page, and one person's session, each made afresh so
nothing of the previous user survives), the idle wipe, the locked exit, the database link.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from typing import Any, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen

from kiosk.i18n import N_, _, set_language
from kiosk.services.dto import SessionUser
from kiosk.services.frontdesk import FrontDesk
from kiosk.services.port import Desk, Link, LinkState
from kiosk.settings import Settings
from screens.host import KioskHost
from screens.idle import IdleWarning
from screens.mailboxes import MailboxesScreen
from screens.messages import GoHome, SessionEnded, SessionStarted
from screens.pin import PinScreen
from screens.welcome import WelcomeScreen

INPUT_EVENTS = (
    events.Key,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
)
WELCOME, SESSION = "welcome", "session"


class LinkChanged(Message):
    """The desk's link to the database changed (posted from the desk's background task)."""

    def __init__(self, state: LinkState) -> None:
        super().__init__()
        self.state = state


class KioskApp(App[None]):
    CSS_PATH = "../screens/theme.tcss"
    TITLE = "pec-kiosk"
    ENABLE_COMMAND_PALETTE = False  # a kiosk has its buttons; the palette speaks English
    MODES: ClassVar[dict[str, Any]] = {WELCOME: WelcomeScreen}
    DEFAULT_MODE = WELCOME
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", N_("Chiudi il programma"), show=False, priority=True),
    ]

    session: reactive[SessionUser | None] = reactive(None)
    link: reactive[LinkState] = reactive(LinkState(Link.CONNECTING))

    def __init__(
        self,
        settings: Settings,
        desk: FrontDesk,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        idle_poll: float = 0.5,
    ) -> None:
        super().__init__()
        set_language(settings.lang)
        self.settings = settings
        self.front_desk = desk
        self._monotonic = monotonic
        self._idle_poll = idle_poll
        self._last_input = monotonic()
        self._idle_held = False
        self._modes_made = 0
        desk.subscribe(self._post_link_state)

    def _post_link_state(self, state: LinkState) -> None:
        self.post_message(LinkChanged(state))

    @property
    def desk(self) -> Desk:
        return self.front_desk

    def monotonic(self) -> float:
        return self._monotonic()

    # --- lifecycle: paint first, then open the database ------------------------------------

    async def run_async(self, **kwargs: Any) -> None:
        """Enter the database context in the task that runs the app, close it there too."""
        self.front_desk.enter()
        try:
            return await super().run_async(**kwargs)
        finally:
            await self.front_desk.close()

    def on_mount(self) -> None:
        self.run_worker(self.front_desk.keep_connected(), group="database", exit_on_error=False)
        self.set_interval(self._idle_poll, self.check_inactivity)

    def on_link_changed(self, message: LinkChanged) -> None:
        self.link = message.state

    # --- the session ----------------------------------------------------------------------

    async def _start_mode(self, name: str, base: Callable[[], Screen[Any]]) -> None:
        """Switch to a new mode made of a fresh `base` screen, and drop the one we leave (its
        screens, and whatever they held, are gone)."""
        self._modes_made += 1
        mode, previous = f"{name}-{self._modes_made}", self.current_mode
        self.add_mode(mode, base)
        await self.switch_mode(mode)
        await self.remove_mode(previous)

    async def on_session_started(self, message: SessionStarted) -> None:
        self.session = message.user
        await self._start_mode(SESSION, MailboxesScreen)
        self._last_input = self.monotonic()

    async def on_session_ended(self, message: SessionEnded) -> None:
        await self.end_session(message.reason)

    def on_go_home(self, message: GoHome) -> None:
        self.screen_stack[0].pop_until_active()  # the base of the session's mode

    async def end_session(self, reason: str = "logout") -> None:
        """Back to a new welcome page; the session's screens, and what they held, are gone."""
        self.session = None
        self.clear_notifications()
        set_language(self.settings.lang)
        notice = _("Sessione terminata per inattività.") if reason == "idle" else ""
        await self._start_mode(WELCOME, lambda: WelcomeScreen(notice))
        self._last_input = self.monotonic()

    @property
    def in_session(self) -> bool:
        """Anything on screen but the welcome page belongs to someone (a login half typed)."""
        return self.session is not None or not isinstance(self.screen, WelcomeScreen)

    # --- idle timeout -----------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, INPUT_EVENTS):
            self._last_input = self.monotonic()
            for warning in self.screen.query(IdleWarning):
                await warning.remove()
        await super().on_event(event)

    @property
    def idle_held(self) -> bool:
        """True while waiting for the bank: the payer may be on a phone, not at the keyboard."""
        return self._idle_held

    @idle_held.setter
    def idle_held(self, held: bool) -> None:
        if self._idle_held and not held:
            self._last_input = self.monotonic()  # the idle time starts when the wait ends
        self._idle_held = held

    async def check_inactivity(self) -> None:
        if not self.in_session or self.idle_held:
            return
        remaining = self.settings.idle_timeout - (self.monotonic() - self._last_input)
        if remaining <= 0:
            await self.end_session("idle")
        elif remaining <= self.settings.idle_warning:
            warnings = self.screen.query(IdleWarning)
            if warnings:
                warnings.first().seconds = int(remaining + 0.999)
            else:
                await self.screen.mount(IdleWarning(int(remaining + 0.999)))

    # --- leaving ----------------------------------------------------------------------------

    async def action_request_quit(self) -> None:
        if not self.settings.kiosk_mode:
            self.exit()
            return
        self.push_screen(PinScreen(self.check_pin), self._quit_if_unlocked)

    def _quit_if_unlocked(self, unlocked: bool | None) -> None:
        if unlocked:
            self.exit()

    async def check_pin(self, pin: str) -> bool:
        expected = self.settings.operator_pin
        return expected is not None and hmac.compare_digest(
            pin.encode(), expected.get_secret_value().encode()
        )


def _is_host(app: KioskApp) -> KioskHost:
    """The type checker proves here that the app is what the screens expect of it."""
    return app
