"""Builds the kiosk app: the one way in for the CLI, the tests and the snapshot apps."""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.app import KioskApp
from kiosk.clock import Clock
from kiosk.payments.gateway import CardGateway, UrlTemplateGateway
from kiosk.services.runtime import ServiceHandle
from kiosk.settings import Settings


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    reset_demo: bool = False,
    idle_clock: Callable[[], float] = time.monotonic,
    idle_poll: float = 0.5,
    gateway: CardGateway | None = None,
) -> KioskApp:
    handle = ServiceHandle(settings, clock, reset_demo=reset_demo)
    gateway = gateway or UrlTemplateGateway(settings.bank_url)
    return KioskApp(settings, handle, gateway, idle_clock=idle_clock, idle_poll=idle_poll)
