"""Money columns are 64-bit (migration 0007): amounts past 2**31 cents are stored and read back."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tortoise.transactions import in_transaction

from kiosk.clock import FixedClock
from kiosk.domain.model import PaymentMethod
from kiosk.services.facade import Services
from kiosk.services.runtime import open_services
from kiosk.services.setup import load_demo
from kiosk.settings import Settings
from tests.services.conftest import SOSPESA

BIG = 5 * 10**12  # cents: fifty thousand million euro, well past a 32-bit column


@pytest.fixture
async def rich(settings: Settings, clock: FixedClock) -> AsyncIterator[Services]:
    wide = settings.model_copy(update={"max_topup_cents": 10**13})
    async with open_services(wide, clock) as services:
        await load_demo(services.ctx)
        yield services


async def test_balances_ledger_orders_and_invoices_hold_64_bit_amounts(rich: Services) -> None:
    assert await rich.accounts.top_up("avv.demo", BIG, actor="admin.demo", reference="CRO 1") == (
        BIG + 1830
    )
    order = await rich.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.PREPAID)
    assert (await rich.accounts.overview("avv.demo")).balance_cents == BIG + 1830 - 3050
    assert order.total_cents == 3050
    assert await rich.consistency.check() == []


async def test_every_cents_column_is_64_bit(rich: Services, backend: str) -> None:
    async with in_transaction() as connection:
        if backend == "postgres":
            _n, rows = await connection.execute_query(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public' AND column_name LIKE '%\\_cents'"
            )
            narrow = {f"{r['table_name']}.{r['column_name']}": r["data_type"] for r in rows}
            assert len(narrow) >= 13  # the 12 of 0007, then statement_line's (0011)
            assert {k: v for k, v in narrow.items() if v != "bigint"} == {}
        # whatever the declared type, every money column takes and gives back a 64-bit value
        await connection.execute_script(
            f"UPDATE invoice SET net_cents = {BIG}, total_cents = {BIG} + vat_cents"
        )
