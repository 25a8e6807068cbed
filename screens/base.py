"""What every kiosk screen shares: the services, one place for workers' errors, busy state.

Screens get data as attributes when they are made, call services from workers (never on the
event loop), and tell the app about session changes with messages.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from kiosk.i18n import _
from kiosk.services.errors import InvalidInput, Refused, ServiceError, Unavailable
from screens.widgets.notice import Notice
from screens.widgets.titlebar import TitleBar

if TYPE_CHECKING:
    from kiosk.app import KioskApp
    from kiosk.services.facade import Services

log = logging.getLogger("kiosk.screens")
ResultT = TypeVar("ResultT")


class Body(VerticalScroll, can_focus=False):
    """The scrolling body: it follows the focused field, but never takes focus itself."""


class KioskScreen(Screen[ResultT]):
    """A screen of the kiosk: title, a centred scrolling panel, a notice line, the footer."""

    SCREEN_TITLE = ""

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)

    async def services(self) -> Services:
        """The services, once the database is open (the kiosk paints before it is)."""
        return await self.kiosk.services_ready()

    def compose(self) -> ComposeResult:
        user = self.kiosk.session
        yield TitleBar(
            _("Rinnovo PEC"), self.title_text() + (f" — {user.nominativo}" if user else "")
        )
        with Body(id="body"), Vertical(id="panel"):
            yield from self.compose_body()
            yield Notice(id="notice")
        yield Footer()

    def title_text(self) -> str:
        return _(self.SCREEN_TITLE)

    def compose_body(self) -> ComposeResult:
        yield Static()

    # --- messages for the person at the kiosk --------------------------------------------

    @property
    def notice(self) -> Notice:
        return self.query_one("#notice", Notice)

    def say(self, message: str, kind: Any = "info") -> None:
        self.notice.show(message, kind)

    def clear_errors(self) -> None:
        self.notice.clear()
        for label in self.query(".field-error"):
            cast(Static, label).update("")
            label.remove_class("-shown")

    def show_error(self, error: BaseException) -> None:
        """The one place where what went wrong in a worker becomes words on the screen."""
        if isinstance(error, InvalidInput):
            try:
                label = self.query_one(f"#{error.field}-error", Static)
            except NoMatches:
                self.say(error.message, "error")
            else:
                label.update(error.message)
                label.add_class("-shown")
                self.say(_("Controllare i dati inseriti."), "error")
                self.focus_field(error.field)
        elif isinstance(error, Unavailable | Refused | ServiceError):
            self.say(error.message, "error")
        else:
            log.exception("unexpected error in a kiosk worker", exc_info=error)
            self.say(
                _("Si è verificato un problema imprevisto. Riprovare o rivolgersi allo sportello."),
                "error",
            )

    def focus_soon(self, selector: str) -> None:
        """Focus (and scroll to) a widget just shown or mounted, once it has been laid out."""

        def focus() -> None:
            with contextlib.suppress(NoMatches):
                widget = self.query_one(selector)
                widget.focus()
                widget.scroll_visible(animate=False)

        self.call_after_refresh(focus)

    def focus_field(self, field: str) -> None:
        with contextlib.suppress(NoMatches):
            self.query_one(f"#{field}").focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.state is WorkerState.RUNNING:
            self.set_busy(True)
        elif worker.state in (WorkerState.SUCCESS, WorkerState.CANCELLED):
            self.set_busy(False)
        elif worker.state is WorkerState.ERROR:
            self.set_busy(False)
            assert worker.error is not None
            self.show_error(worker.error)

    def set_busy(self, busy: bool) -> None:
        """While a database call runs: say so, and keep the buttons from being pressed twice."""
        panel = self.query_one("#panel")
        panel.loading = busy
