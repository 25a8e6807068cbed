"""Assistance codes: short, random, single use, expiring, and never kept in clear.

A lawyer's session asks for a code; the operator who types it joins that session once. Codes
live in the SSH server's memory only, as an HMAC under a key made when the server starts, so
not even a memory dump lists them; wrong codes are limited per operator.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

S = TypeVar("S")
CODE_DIGITS = 6
MAX_WRONG = 5  # wrong codes per operator...
WRONG_WINDOW = 600.0  # ... in this many seconds


def normalise(code: str) -> str:
    """As typed or read out: spaces and dashes dropped."""
    return "".join(ch for ch in code if ch.isalnum()).upper()


@dataclass
class _Entry(Generic[S]):
    session: S
    expires: float


@dataclass
class CodeBook(Generic[S]):
    """Which session each live code opens; at most one live code per session."""

    minutes: int
    monotonic: Callable[[], float] = time.monotonic
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _codes: dict[str, _Entry[S]] = field(default_factory=dict)
    _wrong: dict[str, list[float]] = field(default_factory=dict)

    def _digest(self, code: str) -> str:
        return hmac.new(self._key, normalise(code).encode(), hashlib.sha256).hexdigest()

    def issue(self, session: S) -> str:
        """A new code for `session` (its previous one, if any, no longer works)."""
        self.revoke(session)
        self._expire()
        while True:
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            digest = self._digest(code)
            if digest not in self._codes:
                break
        self._codes[digest] = _Entry(session, self.monotonic() + self.minutes * 60)
        return code

    def revoke(self, session: S) -> None:
        for digest in [d for d, e in self._codes.items() if e.session is session]:
            del self._codes[digest]

    def blocked(self, who: str) -> bool:
        """Too many wrong codes from this operator lately."""
        now = self.monotonic()
        recent = [t for t in self._wrong.get(who, []) if now - t < WRONG_WINDOW]
        self._wrong[who] = recent
        return len(recent) >= MAX_WRONG

    def take(self, code: str, who: str) -> S | None:
        """The session the code opens, spending the code; None (counted against `who`) when
        it is wrong or expired."""
        self._expire()
        entry = self._codes.pop(self._digest(code), None)
        if entry is None:
            self._wrong.setdefault(who, []).append(self.monotonic())
            return None
        return entry.session

    def _expire(self) -> None:
        now = self.monotonic()
        for digest in [d for d, e in self._codes.items() if e.expires <= now]:
            del self._codes[digest]
