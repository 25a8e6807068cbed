"""The database itself refuses what must never happen, whatever code talks to it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.expressions import F

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, Invoice, Mailbox, Order, PrepaidAccount, PrepaidEntry
from tests.services.conftest import SOSPESA

REFUSED = (IntegrityError, OperationalError)


async def test_balance_never_below_zero(demo: Services) -> None:
    with pytest.raises(REFUSED):
        await PrepaidAccount.all().update(balance_cents=F("balance_cents") - 1_000_000)
    assert (await demo.accounts.overview("avv.demo")).balance_cents == 1830


async def test_at_most_one_open_order_per_mailbox(demo: Services) -> None:
    first = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    template = await Order.get(code=first.code)
    values: dict[str, Any] = {
        "mailbox_id": template.mailbox_id,
        "subscriber_id": template.subscriber_id,
        "method": PaymentMethod.BONIFICO,
        "renewal_net_cents": 2500,
        "net_cents": 2500,
        "vat_cents": 550,
        "total_cents": 3050,
        "current_expiry": template.current_expiry,
        "next_expiry": template.next_expiry,
        "created_at": template.created_at,
    }
    with pytest.raises(IntegrityError):
        await Order.create(code="RLM0000000", status=OrderStatus.PENDING, **values)
    # closed orders do not count: a cancelled one may sit beside the open one
    await Order.create(code="RLM0000000", status=OrderStatus.CANCELLED, **values)
    with pytest.raises(IntegrityError):  # and codes are unique
        await Order.create(code=first.code, status=OrderStatus.CANCELLED, **values)


async def test_order_total_is_net_plus_vat(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    with pytest.raises(REFUSED):
        await Order.filter(code=order.code).update(total_cents=1)


async def test_ledger_and_audit_are_append_only(demo: Services) -> None:
    entry = await PrepaidEntry.first()
    assert entry is not None
    with pytest.raises(REFUSED):
        await PrepaidEntry.filter(id=entry.id).update(amount_cents=999_999)
    with pytest.raises(REFUSED):
        await PrepaidEntry.filter(id=entry.id).delete()
    event = await AuditEvent.first()
    assert event is not None
    with pytest.raises(REFUSED):
        await AuditEvent.filter(id=event.id).delete()
    with pytest.raises(REFUSED):
        await AuditEvent.filter(id=event.id).update(action="nothing.happened")


async def test_invoice_number_unique_per_year(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    await demo.payments.confirm(order.code, order.total_cents, "CRO")
    invoice = await Invoice.get(number=1)
    other = await demo.renewals.place_order(
        "avv.rossi", "giuseppe.rossi@pec.ordineavvocatisalerno.it", PaymentMethod.BONIFICO
    )
    other_order = await Order.get(code=other.code)
    with pytest.raises(IntegrityError):
        await Invoice.create(
            year=invoice.year,
            number=invoice.number,
            order=other_order,
            issued_at=invoice.issued_at,
            customer_name="x",
            customer_email="x@example.org",
            net_cents=1,
            vat_cents=0,
            total_cents=1,
        )


async def test_mailbox_address_unique(demo: Services) -> None:
    box = await Mailbox.get(address=SOSPESA)
    with pytest.raises(IntegrityError):
        await Mailbox.create(
            address=SOSPESA,
            family=box.family,
            area_id=box.area_id,
            owner_id=box.owner_id,
            anchor_date=date(2020, 1, 1),
            expiry_date=date(2027, 1, 1),
            created_at=box.created_at,
        )
