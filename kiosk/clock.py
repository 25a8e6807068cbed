"""The one source of "now" for the whole program.

Business dates (expiry, renewal windows) are Italian calendar dates, so `today()` is taken in
Europe/Rome; instants (orders, payments, audit) are timezone-aware and always in UTC: SQLite keeps
datetimes as text and compares them as text, so every instant must carry the same offset.
Tests and demos pass a `FixedClock` or a `ShiftedClock` instead of reading the system time.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")


class Clock(Protocol):
    """Anything that can say what time it is (aware datetime) and what day it is in Rome."""

    def now(self) -> datetime: ...

    def today(self) -> date: ...


class _RomeDay:
    def now(self) -> datetime:  # pragma: no cover - overridden
        raise NotImplementedError

    def today(self) -> date:
        return self.now().astimezone(ROME).date()


class SystemClock(_RomeDay):
    """The real wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(_RomeDay):
    """A clock that stands still until told to move; for tests."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            at = at.replace(tzinfo=ROME)
        self._at = at

    def now(self) -> datetime:
        return self._at.astimezone(UTC)

    def set(self, at: datetime) -> None:
        self._at = at if at.tzinfo else at.replace(tzinfo=ROME)

    def advance(self, delta: timedelta) -> None:
        self._at += delta


class ShiftedClock(_RomeDay):
    """Starts at a chosen instant and then runs at real speed (`--now` for demos)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=ROME)
        self._start = start
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return (self._start + timedelta(seconds=time.monotonic() - self._t0)).astimezone(UTC)


def parse_now(text: str) -> datetime:
    """Parse an ISO date or date-time for `--now` / `KIOSK_NOW`; naive values are Rome time."""
    try:
        # the standard library reads the usual forms (2026-11-25, 2026-11-25T10:00+01:00) and
        # costs nothing to import: `--now` is parsed before the kiosk's first paint, where
        # dateutil's parser would add ~20 ms
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        from dateutil.parser import isoparse  # the rarer ISO forms it reads (e.g. 24:00)

        value = isoparse(text.strip())
    return value if value.tzinfo else value.replace(tzinfo=ROME)
