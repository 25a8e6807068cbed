"""`Services`: every use case around one `ServiceContext`."""

from __future__ import annotations

from kiosk.services.accounts import AccountService
from kiosk.services.auth import AuthService
from kiosk.services.context import ServiceContext
from kiosk.services.exitpin import ExitPinService
from kiosk.services.imports import ImportService
from kiosk.services.outbox import OutboxService
from kiosk.services.payments import PaymentService
from kiosk.services.registration import RegistrationService
from kiosk.services.renewal import RenewalService


class Services:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.auth = AuthService(ctx)
        self.registration = RegistrationService(ctx)
        self.exit_pin = ExitPinService(ctx)
        self.outbox = OutboxService(ctx)
        self.accounts = AccountService(ctx)
        self.renewals = RenewalService(ctx)
        self.payments = PaymentService(ctx)
        self.imports = ImportService(ctx)

    async def ping(self) -> None:
        """Raise `Unavailable` unless the database takes a write transaction now."""
        from kiosk.services.tx import ping

        await ping()
