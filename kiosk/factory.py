"""Builds the kiosk app: the one way in for the CLI, the tests and the snapshot apps."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kiosk.app import KioskApp
from kiosk.boot import Preview
from kiosk.clock import Clock
from kiosk.privacy import private_data_dir, restrict_umask
from kiosk.services.frontdesk import FrontDesk
from kiosk.services.runtime import ServiceHandle

if TYPE_CHECKING:  # pydantic (the settings) is imported after the kiosk's first paint
    from kiosk.payments.gateway import CardGateway
    from kiosk.settings import Settings


def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    reset_demo: bool = False,
    monotonic: Callable[[], float] = time.monotonic,
    idle_poll: float = 0.5,
    gateway: CardGateway | None = None,
    serve: bool | None = None,
) -> KioskApp:
    """The kiosk on `settings`; `clock` sets the business "now", `monotonic` the kiosk's own
    timers (idle wipe, countdowns, reconnect), both replaceable by tests. `gateway`: the card
    gateway (default: the bank the settings name); `serve`: run `pec-kiosk serve` with the
    sandbox bank in-process after the first paint (default: in the demo)."""
    restrict_umask()  # the kiosk started without the CLI (tests, `textual run`): private files
    private_data_dir(settings.data_dir)
    handle = ServiceHandle(settings, clock, reset_demo=reset_demo, gateway=gateway)
    desk = FrontDesk(handle, monotonic=monotonic, retry_first=settings.db_retry_seconds)
    # a kiosk started by `pec-kiosk serve ssh` leaves the bank to the server's own `serve`
    in_process = (settings.demo and settings.ssh_control_fd is None) if serve is None else serve
    return KioskApp(settings, desk, monotonic=monotonic, idle_poll=idle_poll, serve=in_process)


def build_deferred(
    first: Preview,
    overrides: Mapping[str, Any],
    *,
    reset_demo: bool = False,
    monotonic: Callable[[], float] = time.monotonic,
) -> KioskApp:
    """The kiosk as the CLI starts it: painted from `first` (the settings' preview), with
    `Settings(**overrides)` validated right after the first frame (see `kiosk.cli.start`)."""
    restrict_umask()
    private_data_dir(first.data_dir)

    def load() -> Settings:
        from kiosk.settings import load_settings

        return load_settings(**overrides)

    def opener(settings: Settings) -> ServiceHandle:
        return ServiceHandle(settings, None, reset_demo=reset_demo)

    desk = FrontDesk(None, monotonic=monotonic, first=first, opener=opener)
    return KioskApp(first, desk, monotonic=monotonic, serve=first.demo, load=load)
