"""What the tests know of codes: only what an e-mail says once rendered, and how much argon2
work a call did. Codes are never read from the database (they are not there)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest

from kiosk.services.facade import Services
from kiosk.store.models import OutboxEmail

CODE = re.compile(
    r"(?:Codice di recupero|Codice di conferma|Recovery code|Confirmation code): "
    r"(\d{8})"
)


async def mails_to(services: Services, to: str) -> list[tuple[str, str]]:
    """(subject, body) of every e-mail queued for `to`, oldest first, rendered as sent."""
    rows = await OutboxEmail.filter(to_address=to).order_by("id")
    rendered = [await services.outbox.render_outbox(row) for row in rows]
    return [(subject, body) for subject, body, _to in rendered]


async def last_code(services: Services, to: str) -> str:
    """The code in the last e-mail to `to`."""
    mails = await mails_to(services, to)
    assert mails, f"no e-mail to {to}"
    found = CODE.search(mails[-1][1])
    assert found, mails[-1][1]
    return found.group(1)


@dataclass
class Argon2Work:
    """Every argon2 call made through the services' `Passwords`, in order."""

    calls: list[str] = field(default_factory=list)
    _waiting: list[tuple[int, asyncio.Event]] = field(default_factory=list)

    def record(self, call: str) -> None:
        self.calls.append(call)
        for count, event in self._waiting:
            if len(self.calls) >= count:
                event.set()

    async def started(self, count: int) -> None:
        """Wait until `count` calls have started."""
        event = asyncio.Event()
        self._waiting.append((count, event))
        if len(self.calls) >= count:
            event.set()
        await event.wait()

    def take(self) -> list[str]:
        taken, self.calls[:] = list(self.calls), []
        return taken

    @property
    def real_checks(self) -> int:
        """Verifications against a stored hash (not the dummy that only costs the same)."""
        return self.calls.count("verify")


def count_argon2(services: Services, monkeypatch: pytest.MonkeyPatch) -> Argon2Work:
    work = Argon2Work()
    passwords = services.ctx.passwords
    hash_, verify = passwords.hash, passwords.verify

    async def counted_hash(secret: str) -> str:
        work.record("hash")
        return await hash_(secret)

    async def counted_verify(stored: str | None, secret: str) -> bool:
        work.record("verify" if stored is not None else "verify-dummy")
        return await verify(stored, secret)

    monkeypatch.setattr(passwords, "hash", counted_hash)
    monkeypatch.setattr(passwords, "verify", counted_verify)
    return work


async def refused(call: Callable[[], Awaitable[object]]) -> object:
    """The exception `call` raised (or its result when it did not raise)."""
    try:
        return await call()
    except Exception as exc:
        return exc
