"""The kiosk's end of the control channel (`kiosk.remote.wire`): requests and their answers,
and the server's events handed to a listener (the app)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
from collections.abc import Callable
from typing import Any

from kiosk.i18n import _
from kiosk.remote import wire
from kiosk.remote.port import AssistCode, AssistRefused, RemoteEvent

log = logging.getLogger("kiosk.remote")
ANSWER_WAIT = 10.0  # seconds: the server is on this machine


class RemoteLink:
    """`RemoteSupport` over the socket the SSH server handed this kiosk."""

    def __init__(self, fd: int, listener: Callable[[RemoteEvent], None]) -> None:
        self._fd = fd
        self._listener = listener
        self._writer: asyncio.StreamWriter | None = None
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._typing = False
        self._assistant: str | None = None
        self._session: str | None = None  # who is logged in (told to the server)

    @property
    def typing_allowed(self) -> bool:
        return self._typing

    @property
    def assistant(self) -> str | None:
        return self._assistant

    async def run(self) -> None:
        """Read the server's messages until the channel closes (the app's worker)."""
        sock = socket.socket(fileno=self._fd)
        reader, self._writer = await asyncio.open_unix_connection(sock=sock)
        if self._session is not None:  # logged in before the channel was open
            self._writer.write(wire.encode("session", userid=self._session))
        try:
            while line := await reader.readline():
                message = wire.decode(line)
                if message is not None:
                    self._dispatch(message)
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(
                        AssistRefused(_("Server dell'assistenza non raggiungibile."))
                    )
            self._writer.close()

    def _dispatch(self, message: dict[str, Any]) -> None:
        ident = message.get("id")
        if isinstance(ident, int) and ident in self._pending:
            future = self._pending.pop(ident)
            if not future.done():
                future.set_result(message)
            return
        op = message["op"]
        by = str(message.get("by", ""))[:120]
        if op == "joined":
            self._assistant = by
        elif op == "left":
            self._assistant = None
        if op in ("joined", "left", "returned"):
            self._listener(RemoteEvent(op, by))

    async def _ask(self, op: str, **fields: Any) -> dict[str, Any]:
        if self._writer is None:
            raise AssistRefused(_("Server dell'assistenza non raggiungibile."))
        ident = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ident] = future
        self._writer.write(wire.encode(op, id=ident, **fields))
        try:
            await self._writer.drain()
            answer = await asyncio.wait_for(future, ANSWER_WAIT)
        except (OSError, TimeoutError):
            raise AssistRefused(_("Server dell'assistenza non raggiungibile.")) from None
        finally:
            self._pending.pop(ident, None)
        if answer["op"] in ("error", "join-refused"):
            raise AssistRefused(str(answer.get("message", ""))[:300])
        return answer

    async def request_code(self) -> AssistCode:
        answer = await self._ask("assist-code")
        return AssistCode(str(answer.get("code", "")), int(answer.get("minutes", 0)))

    async def allow_typing(self, allowed: bool) -> None:
        await self._ask("allow-typing", on=allowed)
        self._typing = allowed

    async def end_assistance(self) -> None:
        await self._ask("assist-end")
        self._typing = False

    def session_changed(self, userid: str | None) -> None:
        """Someone logged in at this kiosk, or out (None): the server names them in the audit
        trail, and ends the assistance of a session that ended."""
        self._session = userid
        if userid is None:
            self._typing, self._assistant = False, None
        if self._writer is not None and not self._writer.is_closing():
            self._writer.write(wire.encode("session", userid=userid))

    async def join(self, code: str) -> None:
        await self._ask("join", code=code.strip()[:32])

    def close(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
