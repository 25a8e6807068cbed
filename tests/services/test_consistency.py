"""`ConsistencyService.check` (pec-kiosk db check): a consistent database says nothing; each kind
of damage written behind the services' back (raw SQL) is found and named."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from kiosk.domain.model import PaymentMethod
from kiosk.services.dto import ProblemKind
from kiosk.services.facade import Services
from kiosk.store.invariants import OPEN_ORDER_INDEX
from tests.services.conftest import RENEWABLE, ROSSI, SOSPESA


async def sql(*statements: str) -> None:
    async with in_transaction() as connection:
        for statement in statements:
            await connection.execute_script(statement)


@pytest.fixture
async def history(demo: Services) -> dict[str, str]:
    """Two paid orders (invoices 1 and 2 of the year), one awaiting payment, one top-up."""
    prepaid = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    sospesa = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    await demo.payments.confirm(sospesa.code, sospesa.total_cents, "CRO 1", actor="admin.demo")
    pending = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    await demo.accounts.top_up("avv.rossi", 5000, actor="admin.demo", reference="CRO 2")
    return {"prepaid": prepaid.code, "bonifico": sospesa.code, "pending": pending.code}


async def kinds(services: Services) -> set[ProblemKind]:
    return {p.kind for p in await services.consistency.check()}


async def test_a_consistent_database_has_no_problems(
    demo: Services, history: dict[str, str]
) -> None:
    assert await demo.consistency.check() == []


async def test_a_balance_that_is_not_the_sum_of_its_ledger(
    demo: Services, history: dict[str, str]
) -> None:
    await sql(
        "UPDATE prepaid_account SET balance_cents = balance_cents + 100 WHERE subscriber_id = "
        "(SELECT id FROM subscriber WHERE userid = 'avv.rossi')"
    )
    problems = await demo.consistency.check()
    assert [(p.kind, p.subject) for p in problems] == [(ProblemKind.LEDGER_BALANCE, "avv.rossi")]
    assert "51,00" in problems[0].message and "50,00" in problems[0].message


async def test_a_paid_order_without_its_payment(demo: Services, history: dict[str, str]) -> None:
    await sql(
        "DELETE FROM payment WHERE order_id = "
        f"(SELECT id FROM renewal_order WHERE code = '{history['bonifico']}')"
    )
    problems = await demo.consistency.check()
    assert [(p.kind, p.subject) for p in problems] == [
        (ProblemKind.PAID_WITHOUT_PAYMENT, history["bonifico"])
    ]


async def test_a_paid_order_without_its_invoice(demo: Services, history: dict[str, str]) -> None:
    await sql(  # the last invoice of the year: no gap, but the counter is now ahead
        "DELETE FROM invoice WHERE order_id = "
        f"(SELECT id FROM renewal_order WHERE code = '{history['bonifico']}')"
    )
    assert await kinds(demo) == {ProblemKind.PAID_WITHOUT_INVOICE, ProblemKind.INVOICE_COUNTER}


async def test_an_unpaid_order_with_a_payment(demo: Services, history: dict[str, str]) -> None:
    await sql(
        "INSERT INTO payment (order_id, method, amount_cents, reference, received_at) "
        f"SELECT id, 'bonifico', total_cents, 'CRO 9', created_at FROM renewal_order "
        f"WHERE code = '{history['pending']}'"
    )
    problems = await demo.consistency.check()
    assert [(p.kind, p.subject) for p in problems] == [
        (ProblemKind.UNPAID_WITH_PAYMENT, history["pending"])
    ]


async def test_an_unpaid_order_with_an_invoice(demo: Services, history: dict[str, str]) -> None:
    await sql(f"UPDATE renewal_order SET status = 'cancelled' WHERE code = '{history['bonifico']}'")
    assert await kinds(demo) == {ProblemKind.UNPAID_WITH_PAYMENT, ProblemKind.UNPAID_WITH_INVOICE}


async def test_a_gap_in_the_invoice_numbers(demo: Services, history: dict[str, str]) -> None:
    await sql(
        "UPDATE invoice SET number = 3 WHERE number = 2",
        "UPDATE invoice_counter SET last_number = 3",
    )
    problems = await demo.consistency.check()
    assert [(p.kind, p.subject) for p in problems] == [(ProblemKind.INVOICE_GAP, "2026")]
    assert "2" in problems[0].message


async def test_an_invoice_dated_before_the_one_numbered_before(
    demo: Services, history: dict[str, str]
) -> None:
    await sql("UPDATE invoice SET issued_at = '2026-01-02 10:00:00+00:00' WHERE number = 2")
    problems = await demo.consistency.check()
    assert [(p.kind, p.subject) for p in problems] == [
        (ProblemKind.INVOICE_DATE_ORDER, "2026/000002")
    ]


async def test_two_open_orders_for_one_mailbox(demo: Services, history: dict[str, str]) -> None:
    await sql(
        "DROP INDEX one_open_order_per_mailbox",  # the schema's own guard, gone (a bad restore)
        "INSERT INTO renewal_order (code, mailbox_id, subscriber_id, method, status, "
        "renewal_net_cents, fee_net_cents, net_cents, vat_cents, total_cents, current_expiry, "
        "next_expiry, created_at) SELECT 'RLM0000000', mailbox_id, subscriber_id, method, "
        "status, renewal_net_cents, fee_net_cents, net_cents, vat_cents, total_cents, "
        "current_expiry, next_expiry, created_at FROM renewal_order "
        f"WHERE code = '{history['pending']}'",
    )
    try:
        problems = await demo.consistency.check()
    finally:  # the PostgreSQL test database outlives this test: its schema is put back
        await sql("DELETE FROM renewal_order WHERE code = 'RLM0000000'", OPEN_ORDER_INDEX)
    assert [(p.kind, p.subject) for p in problems] == [(ProblemKind.OPEN_ORDERS, ROSSI)]
    assert history["pending"] in problems[0].message and "RLM0000000" in problems[0].message


async def test_an_invoice_counter_behind_the_invoices(
    demo: Services, history: dict[str, str]
) -> None:
    await sql("UPDATE invoice_counter SET last_number = 1")
    problems = await demo.consistency.check()
    assert [(p.kind, p.subject) for p in problems] == [(ProblemKind.INVOICE_COUNTER, "2026")]
