"""The help desk inside a kiosk session: the walk-in hand-over and remote assistance.

A mixin of `KioskApp`, kept apart so that the app stays about its own lifecycle. The hand-over:
an operator, authenticated on the lawyer's screen, acts inside the lawyer's session (`acting`)
until they hand it back or end it. Remote assistance: a kiosk started by `pec-kiosk serve ssh`
hears from the server (`kiosk.remote`) who joined or left the session, and starts the session of
the user the server authenticated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import App
from textual.message import Message
from textual.reactive import reactive

from kiosk.i18n import _
from screens.messages import GoHome, HandoverFinished, HandoverStarted, SessionStarted

if TYPE_CHECKING:  # DTOs and the remote link: imported after the first paint
    from kiosk.remote.port import RemoteEvent, RemoteSupport
    from kiosk.services.desk_dto import ActingOperator
    from kiosk.services.dto import SessionUser
    from kiosk.services.frontdesk import FrontDesk


class RemoteChanged(Message):
    """The SSH server said something about remote assistance (see `kiosk.remote`)."""

    def __init__(self, event: RemoteEvent) -> None:
        super().__init__()
        self.event = event


class HelpDeskMixin(App[None]):
    # declared by KioskApp
    session: reactive[SessionUser | None]
    front_desk: FrontDesk
    idle_held: bool

    # a walk-in hand-over: the operator acting inside this session, for its lawyer
    acting: reactive[ActingOperator | None] = reactive(None)
    remote: RemoteSupport | None = None  # started by `pec-kiosk serve ssh`: assistance

    if TYPE_CHECKING:  # KioskApp's (not defined here: Textual calls every class's handler)

        def on_go_home(self, message: GoHome) -> None: ...

        async def end_session(self, reason: str = "logout") -> None: ...

    # --- remote assistance (kiosk.remote, kiosk.serve.sshd) ---------------------------------

    def start_remote(self, control_fd: int) -> None:
        """Listen to the SSH server on the descriptor it passed this kiosk."""
        from kiosk.remote.link import RemoteLink

        link = RemoteLink(control_fd, self._post_remote)
        self.remote = link
        self.run_worker(link.run(), group="remote", exit_on_error=False)

    def tell_remote(self, userid: str | None) -> None:
        """Who is logged in at this kiosk now (None: nobody): a kiosk terminal's server names
        them in its audit trail and ends the assistance when their session ends."""
        if self.remote is not None:
            self.remote.session_changed(userid)

    def _post_remote(self, event: RemoteEvent) -> None:
        self.post_message(RemoteChanged(event))

    def on_remote_changed(self, message: RemoteChanged) -> None:
        """Both sides see who joined; an operator back from a session gets the idle time again."""
        event = message.event
        if event.kind == "joined":
            self.notify(
                _("L'operatore {name} si è collegato alla sessione (assistenza remota).").format(
                    name=event.by
                ),
                timeout=15,
            )
        elif event.kind == "left":
            self.notify(_("L'operatore {name} ha lasciato la sessione.").format(name=event.by))
        elif event.kind == "returned":
            self.idle_held = False
            self.notify(_("Assistenza remota terminata: di nuovo nella propria sessione."))

    async def start_ssh_session(self, userid: str) -> None:
        """A kiosk started by the SSH server: its user was authenticated there; the session
        starts as soon as the database answers, and the kiosk ends with it."""
        user = await self.front_desk.session_user(userid)
        if user is None:
            self.exit(return_code=1)
            return
        self.post_message(SessionStarted(user))

    # --- the walk-in hand-over: an operator acts inside this session (screens.operator) ------

    async def on_handover_started(self, message: HandoverStarted) -> None:
        if self.session is not None:
            from kiosk.services.desk_dto import ActingOperator

            self.acting = ActingOperator(message.operator, self.session)
            self.on_go_home(GoHome())

    async def on_handover_finished(self, message: HandoverFinished) -> None:
        """Restituisci: the lawyer's own session again; Termina: the session ends."""
        self.acting = None
        if message.how == "ended":
            await self.end_session("logout")
        else:
            self.on_go_home(GoHome())

    def drop_handover(self, reason: str) -> None:
        """The session ends: so does a hand-over in it (audited when the idle wipe ended it)."""
        acting, self.acting = self.acting, None
        if acting is not None and reason == "idle":
            self.run_worker(
                self.front_desk.operator.end_handover(
                    acting.operator.userid, acting.lawyer.userid, how="idle"
                ),
                group="audit",
                exit_on_error=False,
            )
