"""The kiosk: a thin Textual app. Screens do the journey; this keeps the session and the rules
of the kiosk itself (idle wipe, locked exit, the database's lifecycle, language).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive

from kiosk.i18n import N_, _, set_language
from kiosk.payments.gateway import CardGateway
from kiosk.services.dto import SessionUser
from kiosk.services.errors import Unavailable
from kiosk.services.runtime import ServiceHandle
from kiosk.settings import Settings
from screens.idle import IdleWarning
from screens.pin import PinScreen
from screens.welcome import WelcomeScreen

if TYPE_CHECKING:
    from kiosk.services.facade import Services

INPUT_EVENTS = (
    events.Key,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
)


class SessionStarted(Message):
    """Someone logged in (or registered, or reset their password)."""

    def __init__(self, user: SessionUser) -> None:
        super().__init__()
        self.user = user


class SessionEnded(Message):
    """Fine, Esci, or the idle timeout: back to the welcome screen with nothing left behind."""

    def __init__(self, reason: str = "logout") -> None:
        super().__init__()
        self.reason = reason


class KioskApp(App[None]):
    CSS_PATH = "../screens/theme.tcss"
    TITLE = "pec-kiosk"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", N_("Chiudi il programma"), show=False, priority=True),
    ]

    session: reactive[SessionUser | None] = reactive(None)

    def __init__(
        self,
        settings: Settings,
        handle: ServiceHandle,
        gateway: CardGateway,
        *,
        idle_clock: Callable[[], float] = time.monotonic,
        idle_poll: float = 0.5,
    ) -> None:
        # the command palette is a way out of a locked kiosk: off in kiosk mode
        self.ENABLE_COMMAND_PALETTE = not settings.kiosk_mode  # type: ignore[misc]
        super().__init__()
        set_language(settings.lang)
        self.settings = settings
        self.handle = handle
        self.gateway = gateway  # where COLLEGAMENTO A BANCA leads
        self._services: Services | None = None
        self._db_ready = asyncio.Event()
        self._idle_clock = idle_clock
        self._idle_poll = idle_poll
        self._last_input = idle_clock()
        self._idle_held = False

    # --- lifecycle: paint first, then open the database ----------------------------------

    async def run_async(self, **kwargs: Any) -> None:
        """Enter the database context in the task that runs the app, close it there too."""
        self.handle.enter()
        try:
            return await super().run_async(**kwargs)
        finally:
            await self.handle.close()

    def on_mount(self) -> None:
        self.push_screen(WelcomeScreen())
        self.connect()
        self.set_interval(self._idle_poll, self.check_inactivity)

    @work(exclusive=True, group="database", exit_on_error=False)
    async def connect(self) -> None:
        try:
            self._services = await self.handle.connect()
        except Exception:  # the screens say "not available"; the details are for the operator
            logging.getLogger("kiosk").exception("cannot open the database")
        finally:
            self._db_ready.set()

    async def services_ready(self) -> Services:
        await self._db_ready.wait()
        if self._services is None:
            raise Unavailable(
                _(
                    "Il servizio non è disponibile in questo momento (database non raggiungibile). "
                    "Rivolgersi allo sportello."
                )
            )
        return self._services

    # --- the session ---------------------------------------------------------------------

    def on_session_started(self, message: SessionStarted) -> None:
        from screens.mailboxes import MailboxesScreen

        self.session = message.user
        self.reset_to_welcome()
        self.push_screen(MailboxesScreen())

    async def on_session_ended(self, message: SessionEnded) -> None:
        await self.end_session(message.reason)

    def back_to_mailboxes(self) -> None:
        """From anywhere in the journey back to the session's list of mailboxes."""
        from screens.mailboxes import MailboxesScreen

        while len(self.screen_stack) > 3 and not isinstance(self.screen, MailboxesScreen):
            self.pop_screen()

    def reset_to_welcome(self) -> None:
        """Pop every screen above the welcome screen (they, and what they held, are gone)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()

    async def end_session(self, reason: str = "logout") -> None:
        self.session = None
        self.reset_to_welcome()
        self.clear_notifications()
        welcome = self.screen
        if isinstance(welcome, WelcomeScreen):
            await welcome.recompose()
            welcome.focus_soon("#login")
            if reason == "idle":
                welcome.say(_("Sessione terminata per inattività."), "info")
        self._last_input = self._idle_clock()

    @property
    def in_session(self) -> bool:
        """Anything on screen beyond the welcome page belongs to someone."""
        return len(self.screen_stack) > 2 or self.session is not None

    # --- idle timeout --------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, INPUT_EVENTS):
            self._last_input = self._idle_clock()
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
            self._last_input = self._idle_clock()  # the idle time starts when the wait ends
        self._idle_held = held

    async def check_inactivity(self) -> None:
        if not self.in_session or self.idle_held:
            return
        idle = self._idle_clock() - self._last_input
        remaining = self.settings.idle_timeout - idle
        if remaining <= 0:
            await self.end_session("idle")
        elif remaining <= self.settings.idle_warning:
            warnings = self.screen.query(IdleWarning)
            if warnings:
                warnings.first().seconds = int(remaining + 0.999)
            else:
                await self.screen.mount(IdleWarning(int(remaining + 0.999)))

    # --- leaving ---------------------------------------------------------------------------

    async def action_request_quit(self) -> None:
        if not self.settings.kiosk_mode:
            self.exit()
            return
        self.push_screen(PinScreen(), self._quit_if_unlocked)

    def _quit_if_unlocked(self, unlocked: bool | None) -> None:
        if unlocked:
            self.exit()

    def check_pin(self, pin: str) -> bool:
        import hmac

        expected = self.settings.operator_pin
        return expected is not None and hmac.compare_digest(
            pin.encode(), expected.get_secret_value().encode()
        )
