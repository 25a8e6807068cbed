"""What a kiosk screen may expect of the app that shows it (the app implements this)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from kiosk.services.port import Desk, LinkState

# the DTOs are only named in annotations: their module is imported after the first paint
if TYPE_CHECKING:
    from kiosk.remote.port import RemoteSupport
    from kiosk.services.desk_dto import ActingOperator
    from kiosk.services.dto import SessionUser


class KioskHost(Protocol):
    @property
    def desk(self) -> Desk: ...

    @property
    def session(self) -> SessionUser | None: ...

    @property
    def link(self) -> LinkState: ...

    @property
    def acting(self) -> ActingOperator | None:
        """A walk-in hand-over: the operator acting inside the lawyer's session (else None)."""
        ...

    # remote assistance: present in a kiosk started by `pec-kiosk serve ssh`, else None
    remote: RemoteSupport | None

    idle_held: bool  # True while waiting for the bank: the idle wipe waits too

    def monotonic(self) -> float:
        """The kiosk's clock for countdowns (a fake one in tests)."""
        ...
