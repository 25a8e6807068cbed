"""One kiosk process on a pseudo-terminal owned by the SSH server, with its control channel.

The server reads what the kiosk draws from the pty's master side (and may copy it to a second
viewer), writes the keys typed into it, passes window sizes through (TIOCSWINSZ, then SIGWINCH:
the kiosk runs in its own session, without a controlling terminal, so the kernel would not tell
it), and talks to it over a Unix socket pair (`kiosk.remote.wire`).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import os
import pty
import signal
import socket
import struct
import sys
import termios
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from kiosk.remote import wire
from kiosk.settings import Settings

log = logging.getLogger("kiosk.ssh")
# what a kiosk started by the server never inherits from the server's settings
PER_SESSION = frozenset(
    ("ssh_user", "ssh_control_fd", "terminal_id", "kiosk_mode", "act_as", "operator_accounts")
)
STOP_WAIT = 3.0  # seconds between SIGTERM and SIGKILL
NUDGE_PAUSE = 0.12  # seconds at the nudged size: each size is drawn in full


def settings_env(settings: Settings) -> dict[str, str]:
    """The server's settings as `KIOSK_*` variables: every kiosk it starts shares the
    server's configuration (its database, clock, language...) whatever the server was given
    on its command line. Inherited only by the kiosk processes, which run as the same user."""
    env: dict[str, str] = {}
    for name in sorted(settings.model_fields_set - PER_SESSION):
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            text = value.get_secret_value()
        elif isinstance(value, bool):
            text = "1" if value else "0"
        elif isinstance(value, datetime):
            text = value.isoformat()
        elif isinstance(value, dict | list):
            text = json.dumps(value)
        elif isinstance(value, Path):
            text = str(value)
        else:
            text = str(value)
        env[f"KIOSK_{name.upper()}"] = text
    return env


def set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class KioskPty:
    """`python -m kiosk` on a pty of its own; `on_output` hears what it draws, `on_control`
    its control messages, `on_exit` its end (once)."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        cols: int,
        rows: int,
        on_output: Callable[[bytes], None],
        on_control: Callable[[dict[str, Any]], None],
        on_exit: Callable[[int], None],
        argv: tuple[str, ...] = (sys.executable, "-m", "kiosk"),
    ) -> None:
        self.env = dict(env)
        self.cols, self.rows = max(cols, 1), max(rows, 1)
        self._on_output, self._on_control, self._on_exit = on_output, on_control, on_exit
        self.argv = argv
        self.master = -1
        self.proc: asyncio.subprocess.Process | None = None
        self._pending = bytearray()
        self._writer: asyncio.StreamWriter | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._ended = False

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.master, slave = pty.openpty()
        set_size(slave, self.cols, self.rows)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            env = {**self.env, "KIOSK_SSH_CONTROL_FD": str(theirs.fileno())}
            self.proc = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=env,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
            )
        except BaseException:
            os.close(self.master)
            ours.close()
            raise
        finally:
            os.close(slave)
            theirs.close()
        os.set_blocking(self.master, False)
        loop.add_reader(self.master, self._readable)
        reader, self._writer = await asyncio.open_unix_connection(sock=ours)
        self._spawn(self._read_control(reader))
        self._spawn(self._wait_exit())

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _readable(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: the kiosk closed its side (it is ending)
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
            return
        self._on_output(data)

    async def _read_control(self, reader: asyncio.StreamReader) -> None:
        with contextlib.suppress(OSError, ValueError, asyncio.LimitOverrunError):
            while line := await reader.readline():
                message = wire.decode(line)
                if message is not None:
                    self._on_control(message)

    async def _wait_exit(self) -> None:
        assert self.proc is not None
        status = await self.proc.wait()
        await asyncio.sleep(0.05)  # what it drew last, still in the pty, is read first
        with contextlib.suppress(OSError):
            while True:
                data = os.read(self.master, 65536)
                if not data:
                    break
                self._on_output(data)
        self._finish(status)

    def _finish(self, status: int) -> None:
        if self._ended:
            return
        self._ended = True
        loop = asyncio.get_running_loop()
        if self.master >= 0:
            loop.remove_reader(self.master)
            loop.remove_writer(self.master)
            os.close(self.master)
            self.master = -1
        if self._writer is not None:
            self._writer.close()
        self._on_exit(status)

    # --- towards the kiosk --------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Keys typed for the kiosk (buffered while the pty is full)."""
        if self.master < 0:
            return
        self._pending += data
        self._flush()

    def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending and self.master >= 0:
            try:
                written = os.write(self.master, self._pending)
            except BlockingIOError:
                loop.add_writer(self.master, self._flush)
                return
            except OSError:
                self._pending.clear()
                return
            del self._pending[:written]
        if self.master >= 0:
            loop.remove_writer(self.master)

    def resize(self, cols: int, rows: int) -> None:
        """The client's window changed: the kiosk lays itself out again."""
        self.cols, self.rows = max(cols, 1), max(rows, 1)
        self._set_size(self.cols, self.rows)

    def _set_size(self, cols: int, rows: int) -> None:
        if self.master < 0 or self.proc is None or self.proc.returncode is not None:
            return
        with contextlib.suppress(OSError):
            set_size(self.master, cols, rows)
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGWINCH)

    def redraw(self) -> None:
        """Make the kiosk draw its whole screen again (a second viewer joined, or an operator
        came back to it): one row less for a moment, then the real size."""

        async def nudge() -> None:
            self._set_size(self.cols, max(self.rows - 1, 1))
            await asyncio.sleep(NUDGE_PAUSE)
            self._set_size(self.cols, self.rows)

        self._spawn(nudge())

    def send(self, op: str, **fields: Any) -> None:
        """A control message to the kiosk (`kiosk.remote.wire`)."""
        if self._writer is not None and not self._writer.is_closing():
            self._writer.write(wire.encode(op, **fields))

    async def stop(self) -> None:
        """End the kiosk (the connection ended): SIGTERM, then SIGKILL if it lingers."""
        proc = self.proc
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), STOP_WAIT)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, STOP_WAIT)
