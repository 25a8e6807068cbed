"""`Services`: every use case around one `ServiceContext`."""

from __future__ import annotations

from kiosk.services.accounts import AccountService
from kiosk.services.auth import AuthService
from kiosk.services.context import ServiceContext
from kiosk.services.documents import DocumentService
from kiosk.services.exitpin import ExitPinService
from kiosk.services.imports import ImportService
from kiosk.services.outbox import OutboxService
from kiosk.services.payments import PaymentService
from kiosk.services.registration import RegistrationService
from kiosk.services.reminders import ReminderService
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
        self.documents = DocumentService(ctx)
        self.reminders = ReminderService(ctx)

    async def demo_notice(self) -> str | None:
        """When the demo data were made for another day than the clock's (see `load_demo`)."""
        from kiosk.i18n import _, day
        from kiosk.services.setup import demo_built_for

        built = await demo_built_for()
        if built is None or built == self.ctx.clock.today():
            return None
        return _(
            "Dati dimostrativi preparati per il {built}: scadenze e finestre di rinnovo si "
            "riferiscono a quel giorno (oggi è il {today}). Per ripartire da capo: "
            "pec-kiosk --demo --reset."
        ).format(built=day(built), today=day(self.ctx.clock.today()))

    async def ping(self) -> None:
        """Raise `Unavailable` unless the database takes a write transaction now."""
        from kiosk.services.tx import ping

        await ping()
