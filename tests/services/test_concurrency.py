"""Many processes writing one database at the same instant (one per kiosk or SSH session).

Each test starts 8 real processes (concurrency_worker.race), waits until all have opened the
database, then releases them together. Run on SQLite (BEGIN IMMEDIATE + busy_timeout) and
PostgreSQL (row locks, unique indexes). The outcome must be exact: no lost update, no double
debit, no gap in invoice numbers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.services.runtime import open_services
from kiosk.settings import Settings
from kiosk.store.models import Invoice, Order, PrepaidEntry
from tests import dbs
from tests.conftest import DATA, NOW
from tests.services.concurrency_worker import race

pytestmark = pytest.mark.serial
WORKERS = 8
MULTI_USER = "avv.multi"


def _csv(boxes: int) -> str:
    rows = [
        "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,data_scadenza"
    ]
    for i in range(boxes):
        rows.append(
            f"{MULTI_USER},Avv. Tante Caselle,RSSGPP75C12H703W,multi@example.org,"
            f"avvocatinocera.lextel.it,box{i}@legalmail.it,legalmail,2024-12-20,2026-12-20"
        )
    return "\n".join(rows) + "\n"


@pytest.fixture
async def shared_db(template: Path | str, tmp_path: Path) -> AsyncIterator[str]:
    """A database of the test's own (workers connect to it from other processes)."""
    if isinstance(template, Path):
        yield dbs.clone_sqlite(template, tmp_path / "shared.sqlite3")
        return
    base = template
    url = await dbs.create_pg_database(base)
    try:
        yield url
    finally:
        await dbs.drop_pg_database(base, url)


def _settings(url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=url,
        refdata_dir=DATA,
        data_dir=tmp_path,
        password_time_cost=1,
        password_memory_kib=1024,
        test_mode=True,
    )


async def test_eight_processes_renew_the_same_mailbox_with_prepaid(
    shared_db: str, tmp_path: Path
) -> None:
    async with open_services(_settings(shared_db, tmp_path), FixedClock(NOW)) as svc:
        await svc.imports.import_mailboxes(_csv(1))
        # room for five renewals
        await svc.accounts.top_up(MULTI_USER, 5 * 4270, actor="test", reference="T1")
    outcomes = race(shared_db, [["prepaid", MULTI_USER, "box0@legalmail.it"]] * WORKERS)
    winners = [o for o in outcomes if o["ok"]]
    assert len(winners) == 1, outcomes
    assert sorted(str(o["reason"]) for o in outcomes if not o["ok"]) == ["pending"] * (WORKERS - 1)
    async with open_services(_settings(shared_db, tmp_path), FixedClock(NOW)) as svc:
        assert await Order.all().count() == 1
        assert await PrepaidEntry.filter(kind="debit").count() == 1
        account = await svc.accounts.overview(MULTI_USER)
        assert account.balance_cents == 4 * 4270 == winners[0]["balance"]


async def test_eight_processes_drain_one_balance_never_below_zero(
    shared_db: str, tmp_path: Path
) -> None:
    async with open_services(_settings(shared_db, tmp_path), FixedClock(NOW)) as svc:
        await svc.imports.import_mailboxes(_csv(WORKERS))
        # five and a bit
        await svc.accounts.top_up(MULTI_USER, 5 * 4270 + 100, actor="test", reference="T2")
    outcomes = race(
        shared_db, [["prepaid", MULTI_USER, f"box{i}@legalmail.it"] for i in range(WORKERS)]
    )
    assert sum(1 for o in outcomes if o["ok"]) == 5, outcomes
    assert sorted(str(o["reason"]) for o in outcomes if not o["ok"]) == ["insufficient_balance"] * 3
    async with open_services(_settings(shared_db, tmp_path), FixedClock(NOW)) as svc:
        assert (await svc.accounts.overview(MULTI_USER)).balance_cents == 100
        debits = cast(
            list[int],
            await PrepaidEntry.filter(kind="debit").values_list("amount_cents", flat=True),
        )
        assert sorted(debits) == [-4270] * 5
        assert await Order.filter(status=OrderStatus.PAID).count() == 5
        numbers = sorted(cast(list[int], await Invoice.all().values_list("number", flat=True)))
        assert numbers == [1, 2, 3, 4, 5]


async def test_eight_processes_confirm_payments_without_gaps(
    shared_db: str, tmp_path: Path
) -> None:
    async with open_services(_settings(shared_db, tmp_path), FixedClock(NOW)) as svc:
        await svc.imports.import_mailboxes(_csv(WORKERS))
        orders = [
            await svc.renewals.place_order(
                MULTI_USER, f"box{i}@legalmail.it", PaymentMethod.BONIFICO
            )
            for i in range(WORKERS)
        ]
    jobs = [["confirm", o.code, str(o.total_cents), f"CRO-{i}"] for i, o in enumerate(orders)]
    outcomes = race(shared_db, jobs)
    assert all(o["ok"] for o in outcomes), outcomes
    numbers = sorted(str(o["invoice"]) for o in outcomes)
    assert numbers == [f"2026/{n:06d}" for n in range(1, WORKERS + 1)]
    async with open_services(_settings(shared_db, tmp_path), FixedClock(NOW)):
        rows = sorted(await Invoice.all().values_list("year", "number"))
        assert rows == [(2026, n) for n in range(1, WORKERS + 1)]


async def test_the_same_payment_confirmed_by_eight_processes_counts_once(
    shared_db: str, tmp_path: Path
) -> None:
    async with open_services(_settings(shared_db, tmp_path), FixedClock(NOW)) as svc:
        await svc.imports.import_mailboxes(_csv(1))
        order = await svc.renewals.place_order(
            MULTI_USER, "box0@legalmail.it", PaymentMethod.BONIFICO
        )
    outcomes = race(
        shared_db, [["confirm", order.code, str(order.total_cents), "CRO-SAME"]] * WORKERS
    )
    assert all(o["ok"] for o in outcomes), outcomes
    assert {o["invoice"] for o in outcomes} == {"2026/000001"}
    async with open_services(_settings(shared_db, tmp_path), FixedClock(NOW)):
        assert await Invoice.all().count() == 1
