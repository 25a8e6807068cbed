"""Throttles that hold under concurrency: wrong passwords and PINs, code e-mails.

One `auth_throttle` row per key (sha256 of kind and identifier: the table names nobody). Every
function here runs inside a transaction the caller opens with `retry_on=(THROTTLE_KEY,)` (two
first attempts on one key both insert its row: the loser runs again and finds it). The row is
locked (`select_for_update`: a row lock on PostgreSQL; SQLite's writers are serialised by
BEGIN IMMEDIATE) and written with a compare-and-set on what was read, so no two transactions
act on the same count.

Secrets (`reserve`): the attempt is counted as a failure *before* the secret is checked, in a
transaction of its own that commits first; a success then takes the count back (`succeeded`).
However many guesses arrive at once, each reservation sees the ones before it: the first `free`
failures pass at once, then each must wait 1, 2, 4 ... seconds (up to `max_delay`) after the
previous one, and `lock_after` failures in a row lock the key for `lock_minutes`.

Requests (`take_quota`): at most `limit` per window (code e-mails per identifier per hour).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.expressions import F

from kiosk.services.tx import Retry
from kiosk.store.models import AuthThrottle

THROTTLE_KEY = "auth_throttle.key"  # the unique index two first attempts may race on


def key_for(kind: str, identifier: str) -> str:
    return hashlib.sha256(f"{kind}\x00{identifier}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Policy:
    kind: str
    free: int  # failures in a row that cost no wait
    max_delay: int  # seconds: the longest wait between two tries
    lock_after: int | None  # failures in a row that lock the key (None: never)
    lock_minutes: int
    forget_after: timedelta  # failures are forgotten after this long without one
    reset_on_success: bool = True

    def delay(self, failures: int) -> timedelta:
        """The wait imposed after `failures` failures in a row: 0, ..., then 1, 2, 4 ... s."""
        if failures < self.free:
            return timedelta(0)
        return timedelta(seconds=min(self.max_delay, 2 ** min(failures - self.free, 30)))


@dataclass(frozen=True, slots=True)
class Blocked:
    """No check now: wait until `until` (a delay), or the key is locked until then."""

    until: datetime
    locked: bool


@dataclass(frozen=True, slots=True)
class Reserved:
    """The attempt may be checked. Should it fail: when the next may come, and whether this
    failure locked the key (and until when). `waits` is the wait each key got, so that a
    success can take back exactly its own."""

    next_at: datetime | None
    locked_until: datetime | None
    waits: dict[str, datetime] = field(default_factory=dict)


async def _row(key: str, kind: str) -> AuthThrottle:
    row = await AuthThrottle.select_for_update().get_or_none(key=key)
    if row is None:
        row = await AuthThrottle.create(key=key, kind=kind)
    return row


def _failures(row: AuthThrottle, policy: Policy, now: datetime) -> int:
    if row.last_failure_at is not None and now - row.last_failure_at >= policy.forget_after:
        return 0
    return row.failures


async def reserve(entries: Sequence[tuple[str, Policy]], now: datetime) -> Reserved | Blocked:
    """Count one attempt as a failure on every key, unless one of them makes it wait."""
    rows = [(await _row(key, policy.kind), policy) for key, policy in entries]
    blocks = []
    for row, _policy in rows:
        if row.locked_until is not None and row.locked_until > now:
            blocks.append(Blocked(row.locked_until, locked=True))
        elif row.next_allowed_at is not None and row.next_allowed_at > now:
            blocks.append(Blocked(row.next_allowed_at, locked=False))
    if blocks:  # a lock first, then the longest wait
        return max(blocks, key=lambda b: (b.locked, b.until))
    next_at: datetime | None = None
    locked_until: datetime | None = None
    waits: dict[str, datetime] = {}
    for row, policy in rows:
        failures = _failures(row, policy, now) + 1
        values: dict[str, object] = {
            "failures": failures,
            "last_failure_at": now,
            "next_allowed_at": now + policy.delay(failures),
            "locked_until": None,
        }
        if policy.lock_after is not None and failures >= policy.lock_after:
            values["locked_until"] = now + timedelta(minutes=policy.lock_minutes)
            locked_until = max(locked_until or now, now + timedelta(minutes=policy.lock_minutes))
        if policy.delay(failures):
            next_at = max(next_at or now, now + policy.delay(failures))
        waits[row.key] = now + policy.delay(failures)
        changed = await AuthThrottle.filter(id=row.id, failures=row.failures).update(**values)
        if not changed:  # another transaction moved it since we read it (where no row lock)
            raise Retry()
    return Reserved(next_at, locked_until, waits)


async def succeeded(entries: Sequence[tuple[str, Policy]], reserved: Reserved | None) -> None:
    """The secret was right: forget the failures of the keys whose policy says so; on the
    others, take back this attempt only (its count, and its wait unless a failure has set
    another since). `reserved` is None when no attempt was reserved (a code, not a password)."""
    for key, policy in entries:
        if policy.reset_on_success:
            await AuthThrottle.filter(key=key).update(
                failures=0, last_failure_at=None, next_allowed_at=None, locked_until=None
            )
        elif reserved is not None and key in reserved.waits:
            await AuthThrottle.filter(key=key, failures__gt=0).update(failures=F("failures") - 1)
            await AuthThrottle.filter(key=key, next_allowed_at=reserved.waits[key]).update(
                next_allowed_at=None
            )


async def clear(key: str) -> AuthThrottle | None:
    """Lift any wait or lock on `key` (an operator's unlock); the row as it was, if any."""
    row = await AuthThrottle.select_for_update().get_or_none(key=key)
    if row is not None:
        await AuthThrottle.filter(id=row.id).update(
            failures=0, last_failure_at=None, next_allowed_at=None, locked_until=None
        )
    return row


async def take_quota(
    key: str, kind: str, limit: int, window: timedelta, now: datetime
) -> datetime | None:
    """Count one request against `key`: None if granted, else when the window reopens."""
    row = await _row(key, kind)
    start, count = row.window_start, row.count
    if start is None or now - start >= window:
        start, count = now, 0
    if count >= limit:
        return start + window
    changed = await AuthThrottle.filter(id=row.id, count=row.count).update(
        count=count + 1, window_start=start
    )
    if not changed:
        raise Retry()
    return None
