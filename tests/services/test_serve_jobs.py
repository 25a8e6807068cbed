"""`serve`'s scheduler: activate-due and cancel-stale run by themselves, and two schedulers on
one database (two `serve` processes, or one and a cron job) renew and cancel each order once."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from datetime import timedelta

from kiosk.clock import FixedClock
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, Order
from tests.bank import running_shop
from tests.services.conftest import RENEWABLE, SOSPESA


async def until(condition: object) -> None:
    for _ in range(500):
        if callable(condition) and await condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not in time")


async def test_two_schedulers_renew_and_cancel_each_order_once(
    demo: Services, clock: FixedClock
) -> None:
    paid = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    unpaid = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    clock.advance(timedelta(days=demo.ctx.settings.unpaid_order_days, hours=1))
    async with AsyncExitStack() as stack:
        for _ in range(2):
            await stack.enter_async_context(running_shop(demo, scheduler=True))

        async def done() -> bool:
            return await AuditEvent.filter(action="order.cancelled").count() >= 1 and (
                await AuditEvent.filter(action="renewal.activated").count() >= 1
            )

        await until(done)
    assert (await Order.get(code=paid.code)).status == OrderStatus.ACTIVATED
    assert (await Order.get(code=unpaid.code)).status == OrderStatus.CANCELLED
    assert await AuditEvent.filter(action="renewal.activated").count() == 1
    cancelled = await AuditEvent.filter(action="order.cancelled")
    assert len(cancelled) == 1 and cancelled[0].actor == "serve"
