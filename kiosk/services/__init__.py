"""Use cases: async, one transaction per state change, frozen dataclasses out.

`Services` bundles them around one `ServiceContext`; `open_services` opens the database for the
life of a block (migrating it and syncing the reference data first).
"""

from __future__ import annotations

from kiosk.services.accounts import AccountService
from kiosk.services.auth import AuthService
from kiosk.services.context import ServiceContext
from kiosk.services.imports import ImportService
from kiosk.services.payments import PaymentService
from kiosk.services.renewal import RenewalService


class Services:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.auth = AuthService(ctx)
        self.accounts = AccountService(ctx)
        self.renewals = RenewalService(ctx)
        self.payments = PaymentService(ctx)
        self.imports = ImportService(ctx)


__all__ = ["ServiceContext", "Services"]
