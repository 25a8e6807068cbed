"""Database faults read from the drivers' own codes, and the one retry loop that acts on them.

Every exception here is produced by the real driver against a real database (SQLite and
PostgreSQL), never constructed by hand: the classification must hold for what the drivers
actually raise.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from kiosk.domain.model import PaymentMethod
from kiosk.errors import Conflict, Unavailable
from kiosk.services.facade import Services
from kiosk.services.tx import Retry, RetryPolicy, atomic, guarded
from kiosk.store.faults import Fault, diagnose
from kiosk.store.models import Area, InvoiceCounter, PrepaidAccount
from tests import dbs

# --- the classification ---------------------------------------------------------------------


def test_sqlite_busy_is_transient(tmp_path: Path) -> None:
    path = tmp_path / "busy.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0.01, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError) as err:
        other.execute("BEGIN IMMEDIATE")
    assert diagnose(err.value).fault is Fault.TRANSIENT
    # the same error wrapped as Tortoise wraps it (driver error as first argument, no cause)
    from tortoise.exceptions import TransactionManagementError

    assert diagnose(TransactionManagementError(err.value)).fault is Fault.TRANSIENT


def test_sqlite_constraints_are_named(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "c.sqlite3")
    db.execute("CREATE TABLE renewal_order (code TEXT UNIQUE, mailbox_id INT)")
    db.execute("CREATE UNIQUE INDEX one ON renewal_order (mailbox_id) WHERE code > ''")
    db.execute("INSERT INTO renewal_order VALUES ('A', 1)")
    with pytest.raises(sqlite3.IntegrityError) as code:
        db.execute("INSERT INTO renewal_order VALUES ('A', 2)")
    with pytest.raises(sqlite3.IntegrityError) as box:
        db.execute("INSERT INTO renewal_order VALUES ('B', 1)")
    assert (diagnose(code.value).fault, diagnose(code.value).constraint) == (
        Fault.INTEGRITY,
        "renewal_order.code",
    )
    assert diagnose(box.value).constraint == "renewal_order.mailbox_id"


def test_a_missing_sqlite_directory_is_unreachable(tmp_path: Path) -> None:
    with pytest.raises(sqlite3.OperationalError) as err:
        sqlite3.connect(tmp_path / "nowhere" / "x.sqlite3").execute("SELECT 1")
    assert diagnose(err.value).fault is Fault.UNREACHABLE


async def test_postgres_refused_connection_is_unreachable() -> None:
    with pytest.raises(ConnectionRefusedError) as err:
        await asyncpg.connect("postgresql://postgres@127.0.0.1:1/x", timeout=2)
    assert diagnose(err.value).fault is Fault.UNREACHABLE


@pytest.mark.postgres
async def test_postgres_codes(pg_template: str) -> None:
    url = await dbs.create_pg_database(pg_template)
    dsn = url.replace("postgres://", "postgresql://", 1)
    a, b = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
    try:
        await a.execute("CREATE TABLE k (id int PRIMARY KEY, v int CHECK (v >= 0))")
        await a.execute("INSERT INTO k VALUES (1, 0), (2, 0)")
        with pytest.raises(asyncpg.PostgresError) as unique:
            await a.execute("INSERT INTO k VALUES (1, 0)")
        assert (diagnose(unique.value).fault, diagnose(unique.value).constraint) == (
            Fault.INTEGRITY,
            "k.id",
        )
        with pytest.raises(asyncpg.PostgresError) as check:
            await a.execute("UPDATE k SET v = -1")
        assert diagnose(check.value).constraint == "k_v_check"
        # a lock held elsewhere, past lock_timeout: transient (busy)
        await a.execute("BEGIN; UPDATE k SET v = 1 WHERE id = 1")
        await b.execute("SET lock_timeout = '50ms'")
        with pytest.raises(asyncpg.PostgresError) as locked:
            await b.execute("UPDATE k SET v = 2 WHERE id = 1")
        assert (diagnose(locked.value).fault, diagnose(locked.value).code) == (
            Fault.TRANSIENT,
            "55P03",
        )
        await a.execute("ROLLBACK")
        # two transactions that wait for each other: one is chosen as the deadlock victim
        await b.execute("SET lock_timeout = 0")
        await a.execute("BEGIN; UPDATE k SET v = 1 WHERE id = 1")
        await b.execute("BEGIN; UPDATE k SET v = 1 WHERE id = 2")
        first = asyncio.create_task(a.execute("UPDATE k SET v = 1 WHERE id = 2"))
        await asyncio.sleep(0.1)
        results = await asyncio.gather(
            first, b.execute("UPDATE k SET v = 1 WHERE id = 1"), return_exceptions=True
        )
        victims = [r for r in results if isinstance(r, BaseException)]
        assert len(victims) == 1
        assert (diagnose(victims[0]).fault, diagnose(victims[0]).code) == (
            Fault.TRANSIENT,
            "40P01",
        )
    finally:
        await a.close()
        await b.close()
        await dbs.drop_pg_database(pg_template, url)


# --- the one retry loop -----------------------------------------------------------------------


async def test_transient_faults_run_the_transaction_again(services: Services) -> None:
    runs = 0

    async def work() -> int:
        nonlocal runs
        runs += 1
        if runs < 3:
            raise Retry  # what the work read changed under it
        return runs

    assert await atomic(work) == 3


async def test_a_broken_invariant_is_a_conflict_naming_it(services: Services) -> None:
    from kiosk.services.setup import load_demo

    await load_demo(services.ctx)

    async def duplicate_area() -> None:
        await Area.create(code="www.lextel.it", name="doppione")

    async def overdraw() -> None:
        await PrepaidAccount.all().update(balance_cents=-1)

    with pytest.raises(Conflict) as err:
        await atomic(duplicate_area)
    assert err.value.constraint == "area.code"
    with pytest.raises(Conflict) as err:
        await atomic(overdraw)
    assert err.value.constraint == "balance_not_negative"
    assert "negativo" in err.value.message  # words for people, not SQL
    # nothing of the refused transactions remains
    assert await Area.filter(name="doppione").count() == 0
    assert await PrepaidAccount.filter(balance_cents__lt=0).count() == 0


async def test_listed_invariants_are_retried_not_reported(services: Services) -> None:
    """The first invoice of a year from two places: the one that loses the race to create the
    year's counter runs again and bumps the winner's."""
    await InvoiceCounter.create(year=2031, last_number=7)  # the winner's, committed
    runs = 0

    async def next_number() -> int:
        nonlocal runs
        runs += 1
        if runs == 1:  # this run read "no counter yet" just before the winner committed
            await InvoiceCounter.create(year=2031, last_number=1)
        await InvoiceCounter.filter(year=2031).update(last_number=8)
        return (await InvoiceCounter.get(year=2031)).last_number

    with pytest.raises(Conflict):
        await atomic(next_number)  # not listed: a conflict for a person
    runs = 0
    assert await atomic(next_number, retry_on=("invoice_counter.year",)) == 8
    assert runs == 2


async def test_contention_past_the_lock_timeout_is_busy(services: Services) -> None:
    async def always_locked() -> None:
        raise Retry

    policy = RetryPolicy(lock_timeout=0.2)
    started = asyncio.get_running_loop().time()
    with pytest.raises(Unavailable) as err:
        await atomic(always_locked, policy=policy)
    waited = asyncio.get_running_loop().time() - started
    assert err.value.busy
    assert 0.05 < waited < 2  # it really waited, with backoff, and then gave up


async def test_what_fails_outside_a_transaction_is_unavailable_too() -> None:
    @guarded
    async def read() -> None:
        await asyncpg.connect("postgresql://postgres@127.0.0.1:1/x", timeout=2)

    with pytest.raises(Unavailable) as err:
        await read()
    assert not err.value.busy and err.value.detail


async def test_a_bug_is_not_dressed_up_as_the_database() -> None:
    @guarded
    async def broken() -> None:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        await broken()


async def test_a_concurrent_order_for_the_same_box_is_refused_with_the_pending_reason(
    services: Services,
) -> None:
    """Two stations confirm the same renewal at once: one order; the other hears why."""
    from kiosk.services.setup import load_demo
    from tests.services.conftest import SOSPESA

    await load_demo(services.ctx)
    results = await asyncio.gather(
        *(
            services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
            for _ in range(4)
        ),
        return_exceptions=True,
    )
    orders = [r for r in results if not isinstance(r, BaseException)]
    refusals = [r for r in results if isinstance(r, BaseException)]
    assert len(orders) == 1
    assert all(getattr(r, "reason", None) == "pending" for r in refusals), refusals
