"""`Services`: every use case around one `ServiceContext`."""

from __future__ import annotations

from kiosk.payments.gateway import BankClient, CardGateway
from kiosk.services.accounts import AccountService
from kiosk.services.admin import AdminService
from kiosk.services.auth import AuthService
from kiosk.services.callbacks import CallbackService
from kiosk.services.cardpay import CardPaymentService
from kiosk.services.consistency import ConsistencyService
from kiosk.services.context import ServiceContext
from kiosk.services.desk import DeskService
from kiosk.services.documents import DocumentService
from kiosk.services.exitpin import ExitPinService
from kiosk.services.imports import ImportService
from kiosk.services.outbox import OutboxService
from kiosk.services.payments import PaymentService
from kiosk.services.radar import RadarService
from kiosk.services.receipts import ReceiptService
from kiosk.services.reconcile import ReconcileService
from kiosk.services.registration import RegistrationService
from kiosk.services.reminders import ReminderService
from kiosk.services.renewal import RenewalService
from kiosk.services.search import SearchService
from kiosk.services.sshkeys import SshKeyService
from kiosk.services.staff import StaffService
from kiosk.services.staff_keys import StaffKeyService
from kiosk.services.subscribers import SubscriberDeskService
from kiosk.services.takings import TakingsService


def bank_client(ctx: ServiceContext) -> BankClient:
    """The card gateway the settings describe."""
    s = ctx.settings
    return BankClient(
        s.bank_base_url,
        shop_login=s.bank_shop_login,
        api_key=s.bank_api_key,
        public_url=s.bank_page_base_url,
        timeout=s.bank_timeout,
    )


class Services:
    def __init__(self, ctx: ServiceContext, gateway: CardGateway | None = None) -> None:
        self.ctx = ctx
        self.auth = AuthService(ctx)
        self.registration = RegistrationService(ctx)
        self.exit_pin = ExitPinService(ctx)
        self.outbox = OutboxService(ctx)
        self.accounts = AccountService(ctx)
        self.renewals = RenewalService(ctx)
        self.payments = PaymentService(ctx)
        self.reconcile = ReconcileService(ctx)
        self.cards = CardPaymentService(ctx, gateway or bank_client(ctx), self.payments)
        self.imports = ImportService(ctx)
        self.documents = DocumentService(ctx)
        self.consistency = ConsistencyService(ctx)
        self.reminders = ReminderService(ctx)
        self.subscribers = SubscriberDeskService(
            ctx,
            accounts=self.accounts,
            auth=self.auth,
            renewals=self.renewals,
            documents=self.documents,
            outbox=self.outbox,
        )
        self.callbacks = CallbackService(ctx)
        self.radar = RadarService(ctx)
        self.takings = TakingsService(ctx)
        self.desk = DeskService(ctx, self.renewals)
        self.receipts = ReceiptService(self.documents)
        self.admin = AdminService(ctx)  # the administration's money desk
        self.staff = StaffService(ctx)  # the administration manages the operators
        self.ssh = SshKeyService(ctx)
        self.staff_keys = StaffKeyService(ctx, self.ssh)  # the same, from the Operatori screen
        self.search = SearchService(ctx)

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
