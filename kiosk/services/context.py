"""What every service needs: the clock, the reference data and the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.clock import Clock
from kiosk.refdata import ReferenceData
from kiosk.services.passwords import Passwords
from kiosk.settings import Settings


@dataclass(frozen=True, slots=True)
class ServiceContext:
    clock: Clock
    refdata: ReferenceData
    settings: Settings
    passwords: Passwords

    @classmethod
    def build(cls, clock: Clock, refdata: ReferenceData, settings: Settings) -> ServiceContext:
        passwords = Passwords(settings.password_time_cost, settings.password_memory_kib)
        return cls(clock, refdata, settings, passwords)

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def activation_delay(self) -> timedelta:
        return timedelta(hours=self.settings.activation_delay_hours)
