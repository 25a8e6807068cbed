"""`pec-kiosk serve ssh`: remote support over SSH, one kiosk process per connection.

Operators log in with a public key mapped to their account (`pec-kiosk users key add`);
lawyers with their kiosk password only where `ssh_lawyer_passwords` allows it. A kiosk
terminal's key (`users key add --terminal NAME`) opens a kiosk on its welcome page, with no
one logged in and KIOSK_TERMINAL_ID NAME: lawyers log in there as at any kiosk, and may ask
for remote assistance as over SSH. There is no
shell, exec, subsystem or forwarding: a session gets the kiosk, on a pseudo-terminal this
server owns (`kiosk.serve.ssh_pty`), or nothing. Failed logins are limited per address; every
login, logout and refusal is audited through the services (`SshKeyService.record`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import asyncssh

from kiosk.errors import KioskError
from kiosk.serve.ssh_assist import CodeBook
from kiosk.serve.ssh_pty import PER_SESSION, settings_env
from kiosk.serve.ssh_session import KioskSession
from kiosk.services.dto import SessionUser
from kiosk.services.runtime import ServiceHandle
from kiosk.settings import Settings

if TYPE_CHECKING:
    from kiosk.services.facade import Services
    from kiosk.services.sshkeys import KeyLogin

T = TypeVar("T")
log = logging.getLogger("kiosk.ssh")
LOGIN_TIMEOUT = 60  # seconds from connecting to logging in


def host_key(path: Path) -> asyncssh.SSHKey:
    """The server's host key: made on first start (ed25519), private to this user (0600)."""
    if not path.exists():
        key = asyncssh.generate_private_key("ssh-ed25519", comment="pec-kiosk")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key.export_private_key())
        return key
    os.chmod(path, 0o600)  # whatever a copy left it with
    return asyncssh.read_private_key(path)


class SshServer:
    """The listening server, its sessions, the assistance codes and the database link."""

    def __init__(self, settings: Settings, *, monotonic: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.monotonic = monotonic
        self.handle = ServiceHandle(settings)
        self.sessions: set[KioskSession] = set()
        self.codes: CodeBook[KioskSession] = CodeBook(settings.ssh_assist_code_minutes, monotonic)
        self._failures: dict[str, list[float]] = {}
        self._services: Services | None = None
        self._db_context: contextvars.Context | None = None
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.port = settings.ssh_port

    # --- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> int:
        """Open the database, then listen; the port (the system's choice for port 0)."""
        self.handle.enter()
        self._services = await self.handle.connect()
        self._db_context = contextvars.copy_context()
        key = host_key(self.settings.ssh_host_key_path)
        self._acceptor = await asyncssh.create_server(
            lambda: SshConnection(self),
            self.settings.ssh_host,
            self.settings.ssh_port,
            server_host_keys=[key],
            encoding=None,
            agent_forwarding=False,
            x11_forwarding=False,
            allow_scp=False,
            login_timeout=LOGIN_TIMEOUT,
            keepalive_interval=60,
            keepalive_count_max=3,
        )
        self.port = self._acceptor.get_port()
        self.spawn(self._watch_idle())
        return self.port

    async def stop(self) -> None:
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
        for session in list(self.sessions):
            await session.finish("shutdown")
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.handle.close()

    def stop_on_signals(self) -> asyncio.Event:
        """An event set by SIGTERM / SIGINT: installed before the server says it is ready, so
        that a signal sent as soon as it says so stops it cleanly (exit 0)."""
        import signal

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        return stop

    def spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _watch_idle(self) -> None:
        limit = self.settings.ssh_idle_timeout
        while True:
            await asyncio.sleep(min(30.0, max(limit / 4, 0.2)))
            now = self.monotonic()
            for session in list(self.sessions):
                # a terminal's kiosk waits on its welcome page for the next lawyer: its own
                # idle timeout ends their sessions, the connection stays
                if session.terminal is None and now - session.last_input > limit:
                    self.spawn(session.finish("idle"))

    # --- the database, in its own context -----------------------------------------------------

    async def call(self, use: Callable[[Services], Awaitable[T]]) -> T:
        services, context = self._services, self._db_context
        assert services is not None and context is not None, "start() first"

        async def run() -> T:
            return await use(services)

        return await asyncio.create_task(run(), context=context.copy())

    def audit(
        self, action: str, *, actor: str | None = None, subject: str = "", **details: Any
    ) -> None:
        """Record it without holding the protocol up; a failure to record is logged."""

        async def write() -> None:
            try:
                await self.call(
                    lambda s: s.ssh.record(action, actor=actor, subject=subject, **details)
                )
            except Exception:
                log.exception("could not audit %s", action)

        self.spawn(write())

    # --- authentication -----------------------------------------------------------------------

    def blocked(self, address: str) -> bool:
        window = self.settings.ssh_auth_window_minutes * 60
        now = self.monotonic()
        recent = [t for t in self._failures.get(address, []) if now - t < window]
        self._failures[address] = recent
        return len(recent) >= self.settings.ssh_auth_failures

    def failed(self, address: str) -> None:
        self._failures.setdefault(address, []).append(self.monotonic())

    @property
    def full(self) -> bool:
        return len(self.sessions) >= self.settings.ssh_max_sessions

    def kiosk_env(
        self,
        user: SessionUser | None,
        address: str,
        term: str,
        client: dict[str, str],
        *,
        terminal: str | None = None,
    ) -> dict[str, str]:
        """The environment of a kiosk started for `user` (or, for a kiosk terminal, for no
        one yet): the server's own and its settings, this terminal's identity, the client's
        terminal type and colour depth."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not (k.startswith("SSH_") or k in ("COLORTERM", "NO_COLOR", "TERM"))
            and k.removeprefix("KIOSK_").lower() not in PER_SESSION
        }
        env.update(settings_env(self.settings))
        env["TERM"] = term
        colorterm = client.get("COLORTERM", "")
        if colorterm in ("truecolor", "24bit"):
            env["COLORTERM"] = colorterm
        if "NO_COLOR" in client:
            env["NO_COLOR"] = "1"
        if user is not None:
            env["KIOSK_SSH_USER"] = user.userid
        env["KIOSK_TERMINAL_ID"] = terminal if terminal is not None else f"ssh:{address}"[:200]
        return env


class SshConnection(asyncssh.SSHServer):
    """One client connection: who it is (once authenticated), and what it may open."""

    def __init__(self, server: SshServer) -> None:
        self.server = server
        self.address = "?"
        self.user: SessionUser | None = None
        self.terminal: str | None = None  # a kiosk terminal's key: its name
        self.method = ""
        self.conn: asyncssh.SSHServerConnection | None = None
        self._keys: dict[tuple[str, str], KeyLogin | None] = {}

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"

    def begin_auth(self, username: str) -> bool:
        if self.server.blocked(self.address):
            self.server.audit("ssh.refused", subject=self.address, reason="address_blocked")
            raise asyncssh.PermissionDenied("Troppi accessi falliti da questo indirizzo.")
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    async def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        fingerprint = key.get_fingerprint("sha256")
        cache_key = (username, fingerprint)
        if cache_key not in self._keys:  # asked twice: the key's offer, then its signature
            try:
                login = await self.server.call(lambda s: s.ssh.login_for_key(username, fingerprint))
            except KioskError:
                login = None
            self._keys[cache_key] = login
            if login is None:
                self.server.failed(self.address)
                self.server.audit(
                    "ssh.refused",
                    subject=self.address,
                    reason="unknown_key",
                    username=username[:64],
                    key=fingerprint,
                )
        login = self._keys[cache_key]
        if login is not None:
            self.user, self.terminal = login.user, login.terminal
            self.method = f"key {fingerprint}"
        return login is not None

    def password_auth_supported(self) -> bool:
        return self.server.settings.ssh_lawyer_passwords

    async def validate_password(self, username: str, password: str) -> bool:
        terminal = f"ssh:{self.address}"[:200]
        try:
            user = await self.server.call(
                lambda s: s.ssh.lawyer_login(username, password, terminal=terminal)
            )
        except KioskError as exc:
            self.server.failed(self.address)
            reason = getattr(getattr(exc, "reason", None), "value", "error")
            self.server.audit(
                "ssh.refused",
                subject=self.address,
                reason="password",
                username=username[:64],
                why=reason,
            )
            return False
        self.user, self.method = user, "password"
        return True

    @property
    def terminal_details(self) -> dict[str, str]:
        """For the audit trail: the kiosk terminal this connection is, if it is one."""
        return {"terminal": self.terminal} if self.terminal is not None else {}

    def auth_completed(self) -> None:
        assert self.user is not None or self.terminal is not None
        self.server.audit(
            "ssh.login",
            actor=self.user.userid if self.user else None,
            subject=self.address,
            method=self.method,
            **self.terminal_details,
        )

    def session_requested(self) -> KioskSession:
        assert self.user is not None or self.terminal is not None
        return KioskSession(self.server, self)

    def _refuse(self, what: str, **details: Any) -> bool:
        actor = self.user.userid if self.user else None
        self.server.audit(
            "ssh.refused",
            actor=actor,
            subject=self.address,
            reason=what,
            **self.terminal_details,
            **details,
        )
        return False

    def connection_requested(
        self, dest_host: str, dest_port: int, orig_host: str, orig_port: int
    ) -> bool:
        return self._refuse("forwarding", dest=f"{dest_host[:100]}:{dest_port}")

    def server_requested(self, listen_host: str, listen_port: int) -> bool:
        return self._refuse("remote_forwarding", listen=f"{listen_host[:100]}:{listen_port}")

    def unix_connection_requested(self, dest_path: str) -> bool:
        return self._refuse("forwarding", dest=dest_path[:100])

    def unix_server_requested(self, listen_path: str) -> bool:
        return self._refuse("remote_forwarding", listen=listen_path[:100])

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()


async def run_ssh(settings: Settings, *, on_ready: Callable[[int], None] | None = None) -> None:
    """`pec-kiosk serve ssh`: listen until SIGTERM / SIGINT. A database that cannot be opened
    is `Unavailable` (the CLI's exit 3)."""
    server = SshServer(settings)
    try:
        try:
            port = await server.start()
        except KioskError:
            raise
        except Exception as exc:
            from kiosk.errors import unavailable
            from kiosk.services.tx import translate

            if isinstance(exc, OSError) and server._services is not None:
                raise  # listening failed: the address is taken or not ours
            error = translate(exc)
            raise (error if error is not None else unavailable()) from exc
        stop = server.stop_on_signals()
        if on_ready is not None:
            on_ready(port)
        await stop.wait()
    finally:
        await server.stop()
