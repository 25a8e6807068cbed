"""What the operator's subscriber page shows (`SubscriberDeskService.page`): frozen views.

The lists are bounded (newest first): `PAGE_LIMIT` lines each; the totals say how many there
are in all, so the screen can say "the last 50 of 73".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.services.dto import AccountView, CallbackView, InvoiceView, OrderView

PAGE_LIMIT = 50  # ledger entries, orders, invoices, callbacks, audit lines: the newest


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """One prepaid-ledger entry: + a top-up, - a debit; `kind` topup | debit | adjustment."""

    at: datetime
    amount_cents: int
    kind: str
    description: str
    order_code: str | None
    reference: str | None
    recorded_by: str | None


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One audit record about the subscriber (their userid, an order or a mailbox of theirs,
    or something they did). `details` is a short "key=value" summary, never a secret."""

    at: datetime
    actor: str | None
    action: str
    subject: str
    details: str


@dataclass(frozen=True, slots=True)
class SubscriberPage:
    account: AccountView  # identity, balance, mailboxes (state, expiry, window, open order)
    codice_fiscale: str | None
    cf_proven: bool
    created_at: datetime
    has_password: bool  # False: imported, never registered (no login possible yet)
    login_held_until: datetime | None  # a lock or delay on the login now (unlock lifts it)
    ledger: tuple[LedgerLine, ...]
    orders: tuple[OrderView, ...]
    invoices: tuple[InvoiceView, ...]
    callbacks: tuple[CallbackView, ...]
    audit: tuple[AuditLine, ...]
    # mailboxes held by another account with the same codice fiscale: what "link" may move
    linkable: tuple[str, ...] = ()
    ledger_total: int = 0
    orders_total: int = 0
    audit_total: int = 0
    limit: int = PAGE_LIMIT
