"""What the kiosk's screens may ask of remote assistance (`host.remote`), and what they hear.

Present only in a kiosk started by `pec-kiosk serve ssh` (the server owns every session's
terminal, so it can show one session to a second person); elsewhere `host.remote` is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AssistCode:
    """A lawyer's assistance code: short, single use, valid for `minutes`."""

    code: str
    minutes: int


class AssistRefused(Exception):
    """The server refused a join (wrong or expired code, no such session...): `message` says
    why, in words for the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RemoteEvent:
    """Something the server said: `joined` / `left` (to the lawyer's kiosk, `by` names the
    operator), `returned` (to the operator's kiosk: back from a session)."""

    kind: str
    by: str = ""
    at: datetime | None = None


class RemoteSupport(Protocol):
    async def request_code(self) -> AssistCode: ...

    async def allow_typing(self, allowed: bool) -> None: ...

    async def end_assistance(self) -> None: ...

    def session_changed(self, userid: str | None) -> None:
        """Someone logged in at this kiosk (`userid`), or out (None)."""
        ...

    async def join(self, code: str) -> None:
        """Join the session with this code (an operator): returns once the server shows it on
        this operator's terminal; `AssistRefused` says why not."""
        ...

    @property
    def typing_allowed(self) -> bool: ...

    @property
    def assistant(self) -> str | None:
        """The operator who has joined this (lawyer's) session now, if any."""
        ...
