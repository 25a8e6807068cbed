"""The kiosk: a thin Textual app. Screens do the journey; this keeps the session and the rules
of the kiosk itself: the welcome page, one person's session pushed above it (and popped, with
whatever its screens held, when it ends), the idle wipe, the locked exit, the database link.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from kiosk import heap
from kiosk.app_helpdesk import HelpDeskMixin
from kiosk.boot import Preview
from kiosk.domain.model import Role
from kiosk.i18n import N_, _, set_language
from kiosk.services.frontdesk import FrontDesk
from kiosk.services.port import Desk, Link, LinkState
from screens.host import KioskHost
from screens.idle import IdleWarning
from screens.messages import (
    GoHome,
    SessionEnded,
    SessionStarted,
)
from screens.pin import PinScreen
from screens.welcome import WelcomeScreen

# the DTOs are only named in annotations: their module is imported after the first paint
if TYPE_CHECKING:
    from kiosk.services.dto import SessionUser
    from kiosk.settings import Settings

INPUT_EVENTS = (
    events.Key,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
)


class LinkChanged(Message):
    """The desk's link to the database changed (posted from the desk's background task)."""

    def __init__(self, state: LinkState) -> None:
        super().__init__()
        self.state = state


SCREENS_DIR = Path(__file__).resolve().parent.parent / "screens"
# what the welcome page and its forms need; every other screen's CSS is read right after the
# first frame (Textual re-parses all of its CSS whenever a screen brings a file it has not read:
# ~50 ms, which would otherwise land in the middle of a transition)
FIRST_CSS = ("theme", "welcome", "login", "register", "recovery", "pin")
# seconds without a key, click or paste before the heap is tidied (one full garbage collection,
# 30-60 ms: see `kiosk.heap`); a person typing never leaves such a gap between two keys
HEAP_TIDY_AFTER_IDLE = 1.0


class KioskApp(HelpDeskMixin):
    CSS_PATH: ClassVar[list[str | PurePath]] = [SCREENS_DIR / f"{n}.tcss" for n in FIRST_CSS]
    TITLE = "pec-kiosk"
    ENABLE_COMMAND_PALETTE = False  # a kiosk has its buttons; the palette speaks English
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "request_quit", N_("Chiudi il programma"), show=False, priority=True),
        # Priority, as Enter in the forms (screens/base.py): the focus moves the moment the key
        # arrives, so the keys read with it (a quick typist, a paste) land in the next field;
        # Textual's own Tab moved it after they had all gone to this one, and a password typed
        # after "userid, Tab" showed in clear in the userid field.
        Binding("tab", "focus_next", show=False, priority=True),
        Binding("shift+tab", "focus_previous", show=False, priority=True),
    ]

    session: reactive[SessionUser | None] = reactive(None)
    link: reactive[LinkState] = reactive(LinkState(Link.CONNECTING))

    def __init__(
        self,
        settings: Settings | Preview,
        desk: FrontDesk,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        idle_poll: float = 0.5,
        serve: bool = False,
        load: Callable[[], Settings] | None = None,
    ) -> None:
        """`settings`: validated, or (the CLI's start) their preview, with `load` validating
        them after the first paint (see `kiosk.boot`)."""
        super().__init__()
        self._serve = serve  # run `serve` and the sandbox bank in-process (the demo)
        self.serve_started = asyncio.Event()  # set once it listens (or could not)
        set_language(settings.lang)
        self.first = settings  # what the first frame was drawn with
        self._settings = None if isinstance(settings, Preview) else settings
        self._load = load
        self.front_desk = desk
        self._monotonic = monotonic
        self._idle_poll = idle_poll
        self._last_input = monotonic()
        self._idle_held = False
        # the countdowns mounted by `check_inactivity` (none, nearly always): a key removes them
        # without searching the screen for them, which every key would otherwise pay for
        self._idle_warnings: list[IdleWarning] = []
        self._pin_known = False  # kiosk mode: the database has an exit PIN
        self._warmed_up = False  # the session's screens imported and their CSS read
        self._heap_tidy_due = True  # what the start-up made, once it is all there
        self._start_up_frozen = False  # frozen (or tidied) once the start-up was over
        self.welcome = WelcomeScreen()  # the page everyone starts from
        self.home: Screen[Any] | None = None  # the first screen of a session (the mailboxes)
        self._ssh_started = False
        desk.subscribe(self._post_link_state)

    @property
    def settings(self) -> Settings:
        """The validated settings (from the first call to the database on, always there)."""
        assert self._settings is not None, "the settings are validated after the first paint"
        return self._settings

    def _post_link_state(self, state: LinkState) -> None:
        self.post_message(LinkChanged(state))

    @property
    def desk(self) -> Desk:
        return self.front_desk

    def monotonic(self) -> float:
        return self._monotonic()

    # --- lifecycle: paint first, then open the database ------------------------------------

    async def run_async(self, **kwargs: Any) -> None:
        """Run the app, and close the database when it ends (opened after the first paint)."""
        try:
            return await super().run_async(**kwargs)
        finally:
            await self.front_desk.close()

    def on_mount(self) -> None:
        heap.tune()
        self.push_screen(self.welcome)
        # the database is opened once the welcome page is on screen: nobody waits for it
        self.call_after_refresh(self._open_database)
        self.set_interval(self._idle_poll, self._idle_tick)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers (the database link, the warm-up, the in-process serve, the SSH
        session) end only with the app: one that fails is written to the log, or the kiosk
        would wait for a database that nobody is opening with nothing said anywhere."""
        worker = event.worker
        if worker.node is self and worker.state is WorkerState.ERROR:
            error = worker.error
            logging.getLogger("kiosk.app").error(
                "worker %r failed",
                worker.group,
                exc_info=(type(error), error, error.__traceback__) if error is not None else None,
            )

    def _open_database(self) -> None:
        self.run_worker(self._settle_and_connect(), group="database", exit_on_error=False)
        self.run_worker(self._load_session_screens(), group="warm-up")

    async def _settle_and_connect(self) -> None:
        """Validate the settings if the first frame was drawn from their preview (bad ones end
        the kiosk: exit 2, saying which and why), then keep the database link up."""
        if self._settings is None:
            from kiosk.settings import SettingsInvalid

            assert self._load is not None
            try:
                settings = await asyncio.to_thread(self._load)  # imports pydantic: off the loop
            except SettingsInvalid as exc:
                self.exit(return_code=2, message=_("Errore: {message}").format(message=exc))
                return
            self._adopt(settings)
        # a kiosk started by `pec-kiosk serve ssh` leaves the demo's bank to the server's serve
        if self._serve and self.settings.ssh_control_fd is None:
            self.run_worker(self._serve_in_process(), group="serve", exit_on_error=False)
        if self.settings.ssh_control_fd is not None:
            self.start_remote(self.settings.ssh_control_fd)
        await self.front_desk.keep_connected()

    def _adopt(self, settings: Settings) -> None:
        self._settings = settings
        self.front_desk.settle(settings)
        if not isinstance(self.first, Preview) or self.first.agrees_with(settings):
            return
        # the preview read a setting otherwise than pydantic (never seen: kiosk.boot is strict
        # about what it reads): draw the welcome page again from the settings themselves
        logging.getLogger("kiosk.app").warning("settings preview disagreed; welcome redrawn")
        set_language(settings.lang)
        self.first = settings
        self.welcome.refresh(recompose=True)

    async def _serve_in_process(self) -> None:
        """The demo's bank: `pec-kiosk serve --sandbox-bank` in this process, so the card link
        and its QR open a real page on this machine and paying there updates the kiosk.
        Imported here, after the first paint. If the port is taken (another demo kiosk's serve,
        on the same demo database), that one answers instead."""
        # aiohttp and the server are imported off the event loop: keys typed now are not held up
        await asyncio.to_thread(importlib.import_module, "kiosk.serve.app")
        from kiosk.serve.app import ServeApp, sandbox_for

        serve = ServeApp(
            self.settings, self.front_desk.services, sandbox_bank=sandbox_for(self.settings)
        )
        try:
            # started in the database's context: its request handlers and jobs inherit it
            await self.front_desk.in_database_context(serve.start)
        except OSError as exc:
            logging.getLogger("kiosk.app").warning(
                "serve not started in-process (%s): the bank on port %s is another's",
                exc.strerror or exc,
                self.settings.serve_port,
            )
            return
        finally:
            self.serve_started.set()
        try:
            await asyncio.Event().wait()  # until the app ends (the worker is cancelled)
        finally:
            await serve.stop()

    async def _load_session_screens(self) -> None:
        """What a session shows is imported off the event loop, and its CSS read, once the
        welcome page is up: the first paint does not wait for it, nor does the first login."""
        await asyncio.to_thread(importlib.import_module, "screens.mailboxes")
        await asyncio.to_thread(importlib.import_module, "screens.operator.workspace")
        self._read_remaining_css()
        self._warmed_up = True

    def _read_remaining_css(self) -> None:
        first = {SCREENS_DIR / f"{n}.tcss" for n in FIRST_CSS}
        rest = sorted(p for p in SCREENS_DIR.rglob("*.tcss") if p not in first)
        self.stylesheet.read_all(rest)
        # parse(), not reparse(): this stylesheet keeps what it has parsed, so only the files
        # just read are parsed (reparse() starts a new stylesheet and parses every source again)
        self.stylesheet.parse()

    def on_link_changed(self, message: LinkChanged) -> None:
        self.link = message.state
        userid = self.settings.ssh_user
        if message.state.link is Link.READY and userid and not self._ssh_started:
            self._ssh_started = True
            self.run_worker(self.start_ssh_session(userid), group="ssh", exit_on_error=False)
        if message.state.link is Link.READY and self.settings.kiosk_mode and not self._pin_known:
            self.run_worker(self._require_exit_pin(), group="pin", exit_on_error=False)

    async def _require_exit_pin(self) -> None:
        """Kiosk mode with no exit PIN in the database could never be left: refuse to run, as
        soon as the database says so (reading it before the first paint would delay it)."""
        if await self.desk.exit_pin_is_set():
            self._pin_known = True
            return
        self.exit(
            return_code=2,
            message=_(
                "Modalità chiosco senza PIN operatore: impostarlo con «pec-kiosk pin set», "
                "poi avviare di nuovo il chiosco."
            ),
        )

    # --- the session ----------------------------------------------------------------------

    async def on_session_started(self, message: SessionStarted) -> None:
        self.session = message.user
        self.tell_remote(message.user.userid)
        if message.user.role in (Role.OPERATOR, Role.ADMIN):
            from screens.operator.workspace import WorkspaceScreen  # loaded after the first frame

            self.home = WorkspaceScreen()
        else:
            from screens.mailboxes import MailboxesScreen  # loaded after the first frame

            self.home = MailboxesScreen(message.account)
        # the form that logged in (always right above the welcome page) makes way for the list
        # in one step: the welcome page is not drawn again in between
        while self.screen is not self.welcome and self.screen_stack[-2] is not self.welcome:
            await self.pop_screen()
        if self.screen is self.welcome:
            await self.push_screen(self.home)
        else:
            await self.switch_screen(self.home)
        self._last_input = self.monotonic()

    async def on_session_ended(self, message: SessionEnded) -> None:
        await self.end_session(message.reason)

    async def back_to(self, screen: Screen[Any]) -> None:
        """Close every screen above `screen` (and what they held), and wait until they are gone:
        unlike `pop_until_active`, what is pushed next lands above `screen`, not among them."""
        while self.screen is not screen:
            await self.pop_screen()

    def on_go_home(self, message: GoHome) -> None:
        if self.home is not None:
            self.home.pop_until_active()

    async def end_session(self, reason: str = "logout") -> None:
        """Back to a new welcome page; the session's screens, and what they held, are gone."""
        if self.settings.ssh_user:  # over SSH the connection was the session: it ends too
            self.exit()
            return
        self.drop_handover(reason)
        self.session = None
        self.tell_remote(None)
        self.home = None
        self.clear_notifications()
        set_language(self.first.lang)
        notice = _("Sessione terminata per inattività.") if reason == "idle" else ""
        await self.back_to(self.welcome)
        await self.welcome.reset(notice)  # the next person's page: nothing typed, no notice
        self._last_input = self.monotonic()
        self._heap_tidy_due = True  # the session's screens, and the old welcome page, are garbage

    @property
    def in_session(self) -> bool:
        """Anything on screen but the welcome page belongs to someone (a login half typed)."""
        return self.session is not None or not isinstance(self.screen, WelcomeScreen)

    # --- idle timeout, and the heap's tidying while nobody types -------------------------------

    async def _idle_tick(self) -> None:
        """The idle timer (every `idle_poll` seconds)."""
        self.tidy_heap_if_idle()
        await self.check_inactivity()

    @property
    def started(self) -> bool:
        """Everything the start-up brings in is there: the validated settings, the database
        link, the session's screens and their CSS, and (the demo) the in-process serve."""
        if self._settings is None or not self._warmed_up:
            return False
        if self.front_desk.state.link is not Link.READY:
            return False
        serving = self._serve and self.settings.ssh_control_fd is None
        return not serving or self.serve_started.is_set()

    def tidy_heap_if_idle(self) -> bool:
        """Once the start-up is over, and again after each session, at the first moment nobody
        has typed for `HEAP_TIDY_AFTER_IDLE`: collect the garbage and freeze the rest
        (`kiosk.heap`), so that the collector's full passes, short from then on, never stall a
        key for 50-100 ms. True if it ran."""
        if not self._heap_tidy_due or not self.started:
            return False
        if self.monotonic() - self._last_input < HEAP_TIDY_AFTER_IDLE:
            if not self._start_up_frozen:
                # someone began before the start-up was over and may not pause for long (the
                # benchmarks never do): what the start-up made is frozen now, uncollected, which
                # costs nothing; else every full pass until the tidy walked it, 80-110 ms, in
                # nearly every login
                self._start_up_frozen = True
                heap.freeze()
            return False
        self._heap_tidy_due = False
        self._start_up_frozen = True  # a tidy freezes too
        heap.tidy()
        return True

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, INPUT_EVENTS):
            self._last_input = self.monotonic()
            if self._idle_warnings:
                await self._remove_idle_warnings()
        await super().on_event(event)

    async def _remove_idle_warnings(self) -> None:
        """Someone is at the kiosk: no countdown stays on any screen."""
        warnings, self._idle_warnings = self._idle_warnings, []
        for warning in warnings:
            if warning.is_attached:
                await warning.remove()

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
        if not self.in_session or self.idle_held or self._settings is None:
            return
        remaining = self.settings.idle_timeout - (self.monotonic() - self._last_input)
        if remaining <= 0:
            await self.end_session("idle")
        elif remaining <= self.settings.idle_warning:
            warnings = self.screen.query(IdleWarning)
            if warnings:
                warnings.first().seconds = int(remaining + 0.999)
            else:
                warning = IdleWarning(int(remaining + 0.999))
                self._idle_warnings.append(warning)
                await self.screen.mount(warning)

    # --- leaving ----------------------------------------------------------------------------

    async def action_request_quit(self) -> None:
        if not self.first.kiosk_mode:
            self.exit()
            return
        self.push_screen(PinScreen(self.desk.check_exit_pin), self._quit_if_unlocked)

    def _quit_if_unlocked(self, unlocked: bool | None) -> None:
        if unlocked:
            self.run_worker(self._leave(), group="exit", exit_on_error=False)

    async def _leave(self) -> None:
        """Unlocked by the PIN: the exit is audited, then the kiosk ends (even if the audit
        cannot be written now: the operator proved the PIN, and the unlock is recorded)."""
        try:
            await self.desk.record_exit()
        except Exception:
            logging.getLogger("kiosk.app").exception("the kiosk's exit could not be audited")
        self.exit()


def _is_host(app: KioskApp) -> KioskHost:
    """The type checker proves here that the app is what the screens expect of it."""
    return app
