"""What every kiosk screen shares: the desk, one place for workers' errors, busy state.

Screens get data as attributes when they are made, call the desk (`kiosk.services.port.Desk`)
from workers (never on the event loop), and tell the app about session changes with messages
(`screens.messages`). They never import the app: what they may expect of it is `KioskHost`.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from kiosk.errors import InvalidInput, KioskError, Unavailable
from kiosk.i18n import _
from kiosk.services.port import Desk, Link, LinkState
from screens.host import KioskHost
from screens.messages import SessionStarted
from screens.widgets.acting_banner import ActingBanner
from screens.widgets.bounded_input import BoundedInput
from screens.widgets.footer import KioskFooter
from screens.widgets.link_banner import LinkBanner
from screens.widgets.notice import Notice
from screens.widgets.qr import QRCode
from screens.widgets.titlebar import TitleBar

if TYPE_CHECKING:  # DTOs: imported after the first paint
    from kiosk.services.desk_dto import ActingOperator
    from kiosk.services.dto import AccountView, SessionUser

log = logging.getLogger("kiosk.screens")
ResultT = TypeVar("ResultT")
QR_SIDE_TEXT_MIN = 46  # columns the text needs beside a QR
PANEL_MAX_WIDTH, PANEL_PADDING = 100, 2  # #panel in theme.tcss
BUSY_AFTER = 0.3  # seconds before a database call shows the loading indicator

service_call = work(exclusive=True, exit_on_error=False)
"""Decorate a screen method that calls the services: it runs in a worker (never blocking the
event loop), a newer call replaces a running one, and its errors reach `show_error` through
`on_worker_state_changed` instead of ending the app (Textual's default for worker errors)."""

background_call = work(exclusive=True, exit_on_error=False, group="background")
"""As `service_call`, for a call nobody waits for (a notice it may add): the panel keeps taking
input and its focus while it runs, so a key pressed meanwhile is not lost."""


class Body(VerticalScroll, can_focus=False):
    """The scrolling body: it follows the focused field, but never takes focus itself."""


class KioskScreen(Screen[ResultT]):
    """A screen of the kiosk: title, a centred scrolling panel, a notice line, the footer."""

    SCREEN_TITLE = ""
    # Enter in these fields moves to the next one. Done with a priority binding, at the moment
    # the key arrives: the keys typed after it (a quick typist, a paste) then go to the next
    # field, where an `Input.Submitted` handler would move the focus only after they had all
    # landed in this one.
    NEXT_ON_ENTER: ClassVar[frozenset[str]] = frozenset()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next_field", show=False, priority=True)
    ]
    _busy_timer: Timer | None = None
    _focus_before_busy: Widget | None = None
    _replaced = False  # the screen asked the app for what replaces it (see `start_session`)
    _pending_focus: tuple[str, str] | None = None
    _reveal: str | None = None

    @property
    def host(self) -> KioskHost:
        return cast(KioskHost, self.app)

    @property
    def desk(self) -> Desk:
        return self.host.desk

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":
            focused = self.focused
            return isinstance(focused, Input) and focused.id in self.NEXT_ON_ENTER
        return True

    def action_next_field(self) -> None:
        self.focus_next()

    def compose(self) -> ComposeResult:
        user = self.host.session
        with Vertical(id="top"):  # docked at the top: the title, and the banner under it
            yield TitleBar(
                _("Rinnovo PEC"), self.title_text() + (f" — {user.nominativo}" if user else "")
            )
            yield LinkBanner(self.host.monotonic)
            yield ActingBanner()
        with Body(id="body"), Vertical(id="panel"):
            yield from self.compose_body()
            yield Notice(id="notice")
        yield KioskFooter()

    def title_text(self) -> str:
        return _(self.SCREEN_TITLE)

    def compose_body(self) -> ComposeResult:
        yield Static()

    def on_mount(self) -> None:
        self.watch(self.app, "link", self._link_changed, init=True)
        self.watch(self.app, "acting", self._acting_changed, init=True)

    def _acting_changed(self, acting: ActingOperator | None) -> None:
        self.query_one(ActingBanner).acting = acting

    def _link_changed(self, old: LinkState, new: LinkState) -> None:
        self.query_one(LinkBanner).state = new
        if new.link is Link.READY and old.link is not Link.READY:
            self.link_restored()

    def link_restored(self) -> None:
        """The database answers again: redo what could not be done (a screen's own business)."""

    def start_session(self, user: SessionUser, account: AccountView | None = None) -> None:
        """Someone logged in here: the app replaces this screen with the session's first one.
        The panel stays disabled until then: enabling it again would restyle a form that is
        about to go (~10 ms on the way to the next screen)."""
        self._replaced = True
        self.post_message(SessionStarted(user, account))

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
            if self.mark_field(error):
                # the field to correct is what comes into view, its message beside it
                self.say(_("Controllare i dati inseriti."), "error")
                self.focus_soon(f"#{error.field}")
            else:
                self.say(error.message, "error")
        elif isinstance(error, Unavailable):
            self.notice.clear()  # the banner at the top says it, and says when it tries again
        elif isinstance(error, KioskError):
            self.say(error.message, "error")
        else:
            log.exception("unexpected error in a kiosk worker", exc_info=error)
            self.say(
                _("Si è verificato un problema imprevisto. Riprovare o rivolgersi allo sportello."),
                "error",
            )

    def mark_field(self, error: InvalidInput) -> bool:
        """Put the message on the field's own error line; False if the screen has no such field."""
        try:
            label = self.query_one(f"#{error.field}-error", Static)
        except NoMatches:
            return False
        label.update(error.message)
        label.add_class("-shown")
        return True

    @on(BoundedInput.Cut)
    def _input_cut(self, event: BoundedInput.Cut) -> None:
        """What did not fit is said beside the field, not lost in silence."""
        message = _("Al massimo {n} caratteri: il resto non è stato inserito.").format(
            n=event.limit
        )
        if not (event.field.id and self.mark_field(InvalidInput(event.field.id, message))):
            self.say(message, "error")

    def show_field_errors(self, errors: list[InvalidInput]) -> bool:
        """Every field's message at once (a form checked before it is sent); True if any."""
        for error in errors:
            self.mark_field(error)
        if errors:
            message = _("Correggere i campi segnalati ({n}).").format(n=len(errors))
            self.say(message, "error")
            self.focus_soon(f"#{errors[0].field}")
        return bool(errors)

    # --- a QR beside its text, or behind "Mostra codice QR" --------------------------------

    def on_resize(self) -> None:
        self.fit_qr()
        self.call_after_refresh(self.reveal)

    def fit_qr(self) -> None:
        """Mark the screen `-narrow` when its QR does not fit beside the text (theme.tcss then
        hides the QR and shows the `.show-qr` button that opens it full screen)."""
        qrs = self.query(QRCode)
        if not qrs:
            return
        # the screen's width, not the panel's: the panel measures 0 while it shows "loading"
        room = min(self.size.width, PANEL_MAX_WIDTH) - PANEL_PADDING
        self.set_class(room < qrs.first().cells.width + QR_SIDE_TEXT_MIN, "-narrow")

    def show_qr_full(self, payload: str, caption: str) -> None:
        from screens.qr_view import QrScreen

        self.app.push_screen(QrScreen(payload, caption))

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def focus_soon(self, selector: str, *, reveal: str | None = None) -> None:
        """Focus a widget just shown or mounted, once it has been laid out and the panel takes
        input again (a worker asks for this while the panel is still busy), and scroll to it, or
        to `reveal` (e.g. the box around it, so the box's buttons show too)."""
        self._pending_focus = (selector, reveal or selector)
        with contextlib.suppress(NoMatches):
            self.notice.give_way()  # what is focused comes into view, not the notice
        # on the notice's queue, not the screen's: each widget runs its queue in order, two
        # widgets' queues in no set order, so a message shown after this (`Notice.show`) is
        # brought into view after this widget, as asked (one shown before gives way, above)
        pump: Widget = next(iter(self.query("#notice")), self)
        pump.call_after_refresh(self._apply_pending_focus)

    def _apply_pending_focus(self) -> None:
        pending = self._pending_focus
        if pending is None or self.query_one("#panel").disabled:
            return
        self._pending_focus = None
        selector, reveal = pending
        with contextlib.suppress(NoMatches):
            self.query_one(selector).focus(scroll_visible=False)  # one scroll, ours, not two
        self._reveal = reveal
        self.reveal()

    def reveal(self) -> None:
        """Bring what the screen last asked to show into view (again after a resize, or once a
        late layout change, such as a message wrapping, has moved it)."""
        if self._reveal is not None:
            with contextlib.suppress(NoMatches):
                self.query_one(self._reveal).scroll_visible(animate=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.state is WorkerState.ERROR:
            assert worker.error is not None
            self.show_error(worker.error)
        if worker.group != "default":  # long waits (the bank) show their own progress;
            # background calls (`background_call`) block nothing
            return
        busy = worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
        if busy or not self._replaced:
            self.set_busy(busy)
        else:  # on its way out: only the loading indicator's timer stops
            self._stop_busy_timer()

    def answer_arrived(self) -> None:
        """The database has answered: the panel takes input again before the answer is drawn,
        so a key pressed the moment it appears (Enter on the total) is not lost."""
        self.set_busy(False)

    def set_busy(self, busy: bool) -> None:
        """While a database call runs, the panel takes no input (no double Conferma); if it lasts
        more than a moment it also says so, instead of flickering on every quick call."""
        panel = self.query_one("#panel")
        if busy and not panel.disabled:
            self._focus_before_busy = self.focused
        panel.disabled = busy
        if not busy:
            previous, self._focus_before_busy = self._focus_before_busy, None
            if self._pending_focus is not None:
                self.call_after_refresh(self._apply_pending_focus)
            elif self.focused is None and previous is not None and previous.focusable:
                previous.focus()
        self._stop_busy_timer()
        if busy:
            self._busy_timer = self.set_timer(BUSY_AFTER, lambda: setattr(panel, "loading", True))
        else:
            panel.loading = False

    def _stop_busy_timer(self) -> None:
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
