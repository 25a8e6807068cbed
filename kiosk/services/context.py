"""What every service needs: the clock, the reference data, the settings, hashing, transactions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from kiosk.clock import Clock
from kiosk.refdata import ReferenceData
from kiosk.services.codes import CodeMaker
from kiosk.services.passwords import Passwords
from kiosk.services.tx import RetryPolicy, atomic
from kiosk.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ServiceContext:
    clock: Clock
    refdata: ReferenceData
    settings: Settings
    passwords: Passwords
    policy: RetryPolicy
    codes: CodeMaker

    @classmethod
    def build(cls, clock: Clock, refdata: ReferenceData, settings: Settings) -> ServiceContext:
        passwords = Passwords(settings.password_time_cost, settings.password_memory_kib)
        return cls(
            clock,
            refdata,
            settings,
            passwords,
            RetryPolicy(settings.db_lock_timeout),
            CodeMaker(settings),
        )

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def activation_delay(self) -> timedelta:
        return timedelta(hours=self.settings.activation_delay_hours)

    async def atomic(
        self, work: Callable[[], Awaitable[T]], *, retry_on: Collection[str] = ()
    ) -> T:
        """`work` in one transaction, with this deployment's retry policy (see `tx.atomic`)."""
        return await atomic(work, retry_on=retry_on, policy=self.policy)
