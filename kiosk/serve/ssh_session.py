"""One SSH session: a kiosk on a pty, and remote assistance between two such sessions.

The kiosk's output goes to this session's client and to every operator who has joined it; the
client's keys go to the kiosk, or, while this (operator's) session shows another one, to that
one when its lawyer allows typing. Ctrl+] takes the operator back to their own kiosk.

A kiosk terminal's session (`terminal`) starts with no one logged in: its kiosk tells the
server who logs in and out there (`session`), so that the audit trail names the lawyer, and so
that the lawyer's logout ends the assistance (codes revoked, operators sent back): the next
person at that terminal is never seen by an operator who joined the previous one.
"""

from __future__ import annotations

import contextlib
import re
from typing import TYPE_CHECKING, Any

import asyncssh

from kiosk.domain.model import Role
from kiosk.i18n import _
from kiosk.serve.ssh_pty import KioskPty

if TYPE_CHECKING:
    from kiosk.serve.sshd import SshConnection, SshServer

LEAVE_KEY = b"\x1d"  # Ctrl+]
TERM_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")
# what the kiosk may have left switched on in the client's terminal: alternate screen, mouse
# reporting, bracketed paste, hidden cursor, the kitty keyboard protocol
RESTORE = (
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l"
    b"\x1b[<u\x1b[?25h\x1b[?1049l\x1b[0m"
)


def send(chan: asyncssh.SSHServerChannel[bytes] | None, data: bytes) -> None:
    """To a client, unless its channel is already closing (it left mid-frame)."""
    if chan is not None and not chan.is_closing():
        with contextlib.suppress(BrokenPipeError, asyncssh.Error):
            chan.write(data)


def crlf(text: str) -> bytes:
    return ("\r\n" + text + "\r\n").encode("utf-8")


class KioskSession(asyncssh.SSHServerSession[bytes]):
    def __init__(self, server: SshServer, connection: SshConnection) -> None:
        self.server = server
        self.connection = connection
        self.user = connection.user  # None for a kiosk terminal's session
        self.terminal = connection.terminal
        self.lawyer: str | None = None  # at a terminal: who is logged in there now
        self.chan: asyncssh.SSHServerChannel[bytes] | None = None
        self.term: str | None = None
        self.cols, self.rows = 80, 24
        self.kiosk: KioskPty | None = None
        self.last_input = server.monotonic()
        self.started = server.monotonic()
        self.typing_allowed = False
        self.viewers: set[KioskSession] = set()  # operators who joined this session
        self.watching: KioskSession | None = None  # the session this operator has joined
        self._ended = False

    # --- asyncssh's calls ---------------------------------------------------------------------

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: Any
    ) -> bool:
        self.term = term_type if TERM_RE.match(term_type or "") else "xterm"
        self.cols, self.rows = term_size[0] or 80, term_size[1] or 24
        return True

    def shell_requested(self) -> bool:
        return True  # the "shell" is the kiosk (or a refusal, in session_started)

    def exec_requested(self, command: str) -> bool:
        self._audit("ssh.refused", reason="exec", command=command[:100])
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        self._audit("ssh.refused", reason="subsystem", subsystem=subsystem[:100])
        return False

    def session_started(self) -> None:
        if self.term is None:
            self._audit("ssh.refused", reason="no_pty")
            self._refuse(
                _(
                    "Il chiosco richiede un terminale interattivo: collegarsi con «ssh -t» "
                    "(senza comandi)."
                )
            )
            return
        if self.server.full:
            self._audit("ssh.refused", reason="too_many_sessions")
            self._refuse(_("Troppe sessioni aperte: riprovare tra qualche minuto."))
            return
        self.server.sessions.add(self)
        self.server.spawn(self._start_kiosk())

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self.last_input = self.server.monotonic()
        target = self.watching
        if target is not None:
            if LEAVE_KEY in data:
                self.leave("operator")
            elif target.typing_allowed and target.kiosk is not None:
                target.kiosk.write(data)
            return
        if self.kiosk is not None:
            self.kiosk.write(data)

    def terminal_size_changed(self, width: int, height: int, pixwidth: int, pixheight: int) -> None:
        self.cols, self.rows = width or self.cols, height or self.rows
        if self.kiosk is not None:
            self.kiosk.resize(self.cols, self.rows)

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: BaseException | None) -> None:
        if self in self.server.sessions:  # a refused session started no kiosk: nothing to end
            self.server.spawn(self.finish("disconnected"))

    # --- the kiosk ----------------------------------------------------------------------------

    async def _start_kiosk(self) -> None:
        assert self.chan is not None and self.term is not None
        env = self.server.kiosk_env(
            self.user,
            self.connection.address,
            self.term,
            dict(self.chan.get_environment()),
            terminal=self.terminal,
        )
        self.kiosk = KioskPty(
            env,
            cols=self.cols,
            rows=self.rows,
            on_output=self._output,
            on_control=self._control,
            on_exit=self._kiosk_ended,
        )
        try:
            await self.kiosk.start()
        except OSError as exc:
            self.kiosk = None
            self._audit("ssh.refused", reason="kiosk_failed", error=str(exc)[:200])
            self.server.sessions.discard(self)
            self._refuse(_("Impossibile avviare il chiosco: riprovare più tardi."))

    def _output(self, data: bytes) -> None:
        if self.watching is None:
            send(self.chan, data)
        for viewer in self.viewers:
            send(viewer.chan, data)

    def _kiosk_ended(self, status: int) -> None:
        self.server.spawn(self.finish("kiosk_ended", status=status))

    async def finish(self, why: str, status: int = 0) -> None:
        """The session ends (the client left, the kiosk ended, idle, shutdown): once."""
        if self._ended:
            return
        self._ended = True
        self.server.sessions.discard(self)
        if self.watching is not None:
            self.leave("disconnected", notify_self=False)
        for viewer in list(self.viewers):
            viewer.leave("session_ended")
        self.server.codes.revoke(self)
        if self.kiosk is not None:
            await self.kiosk.stop()
        seconds = int(self.server.monotonic() - self.started)
        self._audit("ssh.logout", why=why, seconds=seconds)
        chan = self.chan
        if chan is not None and not chan.is_closing():
            send(chan, RESTORE)
            if why == "idle":
                send(chan, crlf(_("Sessione chiusa per inattività.")))
            elif why == "shutdown":
                send(chan, crlf(_("Il server di assistenza è stato fermato.")))
            with contextlib.suppress(BrokenPipeError, asyncssh.Error):
                chan.exit(status if why == "kiosk_ended" else 0)
        self.connection.close()

    def _refuse(self, message: str) -> None:
        if self.chan is not None:
            send(self.chan, crlf(message))
            with contextlib.suppress(BrokenPipeError, asyncssh.Error):
                self.chan.exit(1)

    @property
    def who(self) -> str | None:
        """Whose session this is: the user the server let in, or who is logged in at this
        kiosk terminal now (None on its welcome page)."""
        return self.user.userid if self.user is not None else self.lawyer

    def _audit(self, action: str, **details: Any) -> None:
        self.server.audit(
            action,
            actor=self.who,
            subject=self.connection.address,
            **self.connection.terminal_details,
            **details,
        )

    # --- remote assistance --------------------------------------------------------------------

    def _control(self, message: dict[str, Any]) -> None:
        op, ident = message["op"], message.get("id")
        kiosk = self.kiosk
        if kiosk is None:
            return
        if op == "session":
            self._session_changed(message.get("userid"))
        elif op == "assist-code":
            if self.who is None:
                kiosk.send("error", id=ident, message=_("Accedere prima di chiedere assistenza."))
                return
            code = self.server.codes.issue(self)
            self._audit("assist.code", minutes=self.server.codes.minutes)  # never the code
            kiosk.send("code", id=ident, code=code, minutes=self.server.codes.minutes)
        elif op == "allow-typing":
            self.typing_allowed = bool(message.get("on"))
            self._audit("assist.typing", allowed=self.typing_allowed)
            kiosk.send("ok", id=ident)
        elif op == "assist-end":
            self._end_assistance("ended_by_lawyer")
            kiosk.send("ok", id=ident)
        elif op == "join":
            refusal = self._join(str(message.get("code", "")))
            if refusal:
                kiosk.send("join-refused", id=ident, message=refusal)
            else:
                kiosk.send("join-ok", id=ident)
        else:
            kiosk.send("error", id=ident, message=_("Richiesta non riconosciuta."))

    def _end_assistance(self, why: str) -> None:
        self.server.codes.revoke(self)
        self.typing_allowed = False
        for viewer in list(self.viewers):
            viewer.leave(why)

    def _session_changed(self, userid: object) -> None:
        """At a kiosk terminal, someone logged in (`userid`) or out (None): a logout ends any
        assistance. Ignored elsewhere (the connection's user is the session's, for good)."""
        if self.terminal is None:
            return
        new = str(userid).strip().lower()[:32] if isinstance(userid, str) and userid else None
        if new == self.lawyer:
            return
        if self.lawyer is not None:
            self._end_assistance("session_ended")
        self.lawyer = new

    def _join(self, code: str) -> str | None:
        """Show the session with this code on this operator's terminal; why not, if not."""
        if self.user is None or self.user.role not in (Role.OPERATOR, Role.ADMIN):
            return _("Solo gli operatori dello sportello possono collegarsi a una sessione.")
        if self.watching is not None:
            return _("Già collegati a una sessione.")
        codes = self.server.codes
        if codes.blocked(self.user.userid):
            self._audit("assist.join_refused", reason="too_many_wrong_codes")
            return _("Troppi codici errati: riprovare tra qualche minuto.")
        target = codes.take(code, self.user.userid)
        if target is None or target is self or target._ended or target.kiosk is None:
            self._audit("assist.join_refused", reason="bad_code")
            return _("Codice non valido o scaduto: chiederne uno nuovo all'avvocato.")
        self.watching = target
        target.viewers.add(self)
        target.kiosk.send("joined", by=self.user.nominativo)
        target.kiosk.redraw()
        self.server.audit(
            "assist.join",
            actor=self.user.userid,
            subject=target.who or "",
            lawyer_address=target.connection.address,
            address=self.connection.address,
            **target.connection.terminal_details,
        )
        return None

    def leave(self, why: str, *, notify_self: bool = True) -> None:
        """Back from the joined session to this operator's own kiosk (the other goes on)."""
        target, self.watching = self.watching, None
        if target is None:
            return
        target.viewers.discard(self)
        assert self.user is not None  # only an operator's session joins another
        if target.kiosk is not None:
            target.kiosk.send("left", by=self.user.nominativo)
        self.server.audit(
            "assist.leave",
            actor=self.user.userid,
            subject=target.who or "",
            why=why,
            **target.connection.terminal_details,
        )
        if notify_self and self.kiosk is not None:
            self.kiosk.send("returned")
            self.kiosk.redraw()
