"""The one place where the kiosk says its database is not answering, and when it tries again.

Hidden while the link is up. Whatever the person has typed stays where it is: nothing is
recomposed while the database is away, and the kiosk carries on by itself when it is back.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Static

from kiosk.i18n import _
from kiosk.services.port import Link, LinkState


class LinkBanner(Static):
    DEFAULT_CSS = """
    LinkBanner {
        width: 100%;
        height: auto;
        padding: 0 1;
        background: $error 30%;
        border-left: thick $error;
        display: none;
    }
    LinkBanner.-shown { display: block; }
    """

    state: reactive[LinkState] = reactive(LinkState(Link.READY), always_update=True)
    _ticker: Timer | None = None

    def __init__(self, now: Callable[[], float]) -> None:
        super().__init__()
        self._now = now  # the kiosk's monotonic clock, for the countdown

    def watch_state(self, state: LinkState) -> None:
        shown = state.link in (Link.DOWN, Link.BUSY)
        self.set_class(shown, "-shown")
        if shown and self._ticker is None:
            self._ticker = self.set_interval(1.0, self.refresh)
        elif not shown and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.refresh()

    def render(self) -> Text:
        state = self.state
        if state.link is Link.BUSY:
            what = _("Database occupato da un'altra operazione.")
        else:
            what = _("Servizio momentaneamente non disponibile: il database non risponde.")
        when = ""
        if state.retry_at is not None:
            seconds = max(0, round(state.retry_at - self._now()))
            when = " " + _("Nuovo tentativo tra {n} s.").format(n=seconds)
        text = Text("⚠ " + _("Attenzione") + ": ", style="bold")
        text.append(what + when + " " + _("I dati inseriti restano dove sono."))
        return text
