"""An SSH client for the tests: asyncssh against the real server, pyte for the screen."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncssh
import pyte

COLS, ROWS = 80, 24
SETTLE = 0.3  # seconds without a change: the frame on the screen is whole


class ScreenSession(asyncssh.SSHClientSession[bytes]):
    """What the server sends, as a person would see it (pyte)."""

    def __init__(self) -> None:
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.closed = asyncio.Event()
        self.exit_status: int | None = None

    def data_received(self, data: bytes, datatype: int | None) -> None:
        self.raw += data
        self.stream.feed(data)

    def exit_status_received(self, status: int) -> None:
        self.exit_status = status

    def connection_lost(self, exc: BaseException | None) -> None:
        self.closed.set()


class Term:
    """One connection with one kiosk session on a pty."""

    def __init__(
        self,
        conn: asyncssh.SSHClientConnection,
        chan: asyncssh.SSHClientChannel[bytes],
        session: ScreenSession,
    ) -> None:
        self.conn, self.chan, self.session = conn, chan, session

    @classmethod
    async def open(
        cls, port: int, username: str, *, size: tuple[int, int] = (COLS, ROWS), **auth: Any
    ) -> Term:
        conn = await asyncssh.connect(
            "127.0.0.1", port, username=username, known_hosts=None, agent_path=None, **auth
        )
        chan, session = await conn.create_session(
            ScreenSession, term_type="xterm-256color", term_size=size, encoding=None
        )
        assert isinstance(session, ScreenSession)
        session.screen.resize(size[1], size[0])
        return cls(conn, chan, session)

    def text(self) -> str:
        return "\n".join(self.session.screen.display).replace("\u00a0", " ")

    async def wait_for(self, needle: str, within: float = 20.0) -> str:
        """The screen once `needle` is on it and the frame is whole (it arrives in chunks)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            shown = self.text()
            if needle in shown:
                return await self._settled(shown, deadline)
            await asyncio.sleep(0.05)
        raise AssertionError(f"{needle!r} never appeared; the screen shows:\n{self.text()}")

    async def _settled(self, shown: str, deadline: float) -> str:
        still_since = time.monotonic()
        while time.monotonic() - still_since < SETTLE and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            now = self.text()
            if now != shown:
                shown, still_since = now, time.monotonic()
        return shown

    def type(self, keys: str) -> None:
        self.chan.write(keys.encode())

    def resize(self, cols: int, rows: int) -> None:
        self.session.screen.resize(rows, cols)
        self.chan.change_terminal_size(cols, rows)

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()
