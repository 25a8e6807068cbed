"""Confirming payments, gapless invoices, activation 24 hours later, stale orders, callbacks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.errors import InvalidInput, Refusal
from kiosk.services.dto import Quote
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, Invoice, Mailbox, OutboxEmail, Payment, PrepaidEntry
from tests.services.conftest import CESSATA, RENEWABLE, ROSSI, SOSPESA


async def test_confirm_issues_invoice_and_schedules_activation(
    demo: Services, clock: FixedClock
) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    result = await demo.payments.confirm(
        f" {order.code[:5].lower()}-{order.code[5:]} ", 3050, "CRO 0001"
    )
    assert result.order_code == order.code
    assert result.invoice_number == "2026/000001"
    assert result.activation_due_at == clock.now() + timedelta(hours=24)
    assert not result.already_confirmed
    view = await demo.renewals.order(order.code)
    assert (
        view is not None
        and view.status is OrderStatus.PAID
        and view.invoice_number == "2026/000001"
    )
    assert await OutboxEmail.filter(kind="invoice", to_address="avv.demo@example.org").count() == 1


async def test_confirm_twice_changes_nothing(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BOLLETTINO)
    first = await demo.payments.confirm(order.code, 3050, "BOLL-77")
    counts = (
        await Payment.all().count(),
        await Invoice.all().count(),
        await AuditEvent.all().count(),
    )
    second = await demo.payments.confirm(order.code, 3050, "BOLL-77")
    assert second.already_confirmed and second.invoice_number == first.invoice_number
    assert second.activation_due_at == first.activation_due_at
    assert (
        await Payment.all().count(),
        await Invoice.all().count(),
        await AuditEvent.all().count(),
    ) == counts
    with pytest.raises(Refusal) as err:  # same order, another payment: a person must look
        await demo.payments.confirm(order.code, 3050, "BOLL-78")
    assert err.value.reason == "already_paid"


async def test_wrong_amount_and_unknown_codes_are_refused(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    with pytest.raises(Refusal) as err:
        await demo.payments.confirm(order.code, 3049, "CRO")
    assert err.value.reason == "wrong_amount"
    assert "30,50" in err.value.message
    garbled = order.code[:-2] + order.code[-1] + order.code[-2]  # neighbours swapped
    if garbled != order.code:
        with pytest.raises(Refusal) as err:
            await demo.payments.confirm(garbled, 3050, "CRO")
        assert err.value.reason == "unknown_order"
    with pytest.raises(Refusal) as err:
        await demo.payments.confirm("RLM0000000", 3050, "CRO")  # valid check, no such order
    assert err.value.reason == "unknown_order"
    assert await Payment.all().count() == 0
    view = await demo.renewals.order(order.code)
    assert view is not None and view.status is OrderStatus.PENDING


async def test_cancelled_order_payment_is_refused(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.ASSEGNO)
    await demo.renewals.cancel(order.code, actor="avv.demo")
    with pytest.raises(Refusal) as err:
        await demo.payments.confirm(order.code, 3050, "ASS-1")
    assert err.value.reason == "cancelled"


async def test_invoice_numbers_are_consecutive_and_restart_each_year(
    demo: Services, clock: FixedClock
) -> None:
    a = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    b = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    c = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    assert c.invoice_number == "2026/000001"
    assert (
        await demo.payments.confirm(b.code, b.total_cents, "X1")
    ).invoice_number == "2026/000002"
    # a refused confirmation in between consumes no number
    with pytest.raises(Refusal):
        await demo.payments.confirm(a.code, 1, "X2")
    clock.advance(timedelta(days=40))  # into 2027 (Rome time)
    assert (
        await demo.payments.confirm(a.code, a.total_cents, "X3")
    ).invoice_number == "2027/000001"


async def test_an_invoice_is_never_dated_before_the_previous_one(
    demo: Services, clock: FixedClock
) -> None:
    """The clock set back (a rehearsal, two hosts a second apart): numbers and dates of a
    year's invoices still go forward together."""
    a = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    b = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    await demo.payments.confirm(a.code, a.total_cents, "CRO 1")
    clock.advance(timedelta(hours=-3))
    await demo.payments.confirm(b.code, b.total_cents, "CRO 2")
    first, second = await Invoice.filter(year=2026).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert second.issued_at >= first.issued_at


async def test_activation_happens_24_hours_after_payment(demo: Services, clock: FixedClock) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    await demo.payments.confirm(order.code, order.total_cents, "CRO")
    clock.advance(timedelta(hours=23, minutes=59))
    assert (await demo.payments.activate_due()).activated == ()
    clock.advance(timedelta(minutes=1))
    done = (await demo.payments.activate_due()).activated
    assert [(a.order_code, a.pec, a.new_expiry) for a in done] == [
        (order.code, SOSPESA, order.next_expiry)
    ]
    box = await Mailbox.get(address=SOSPESA)
    assert box.expiry_date == order.next_expiry
    # idempotent: nothing left to do, and the box is attiva again and not renewable yet
    assert (await demo.payments.activate_due()).activated == ()
    account = await demo.accounts.overview("avv.demo")
    view = next(m for m in account.mailboxes if m.address == SOSPESA)
    assert view.state.value == "attiva" and not view.renewable and view.pending_order_code is None
    assert await AuditEvent.filter(action="renewal.activated", subject=SOSPESA).count() == 1


async def test_renewal_expiry_counts_from_the_anchor_through_29_february(
    demo: Services, clock: FixedClock
) -> None:
    # a box activated on 29 Feb 2024 expiring 28 Feb 2027 renews to 29 Feb 2028
    box = await Mailbox.get(address=ROSSI)
    await Mailbox.filter(id=box.id).update(
        anchor_date=date(2024, 2, 29), expiry_date=date(2027, 2, 28)
    )
    clock.advance(timedelta(days=3))  # the window opens on 28 Nov 2026
    quote = await demo.renewals.quote("avv.rossi", ROSSI)
    assert isinstance(quote, Quote)
    assert quote.next_expiry == date(2028, 2, 29)


async def test_activation_renews_what_it_can_and_reports_the_rest(
    demo: Services, clock: FixedClock
) -> None:
    stuck = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    fine = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    await demo.payments.confirm(stuck.code, stuck.total_cents, "CRO A")
    await demo.payments.confirm(fine.code, fine.total_cents, "CRO B")
    # the stuck box's expiry moved meanwhile (renewed through the provider, say)
    await Mailbox.filter(address=SOSPESA).update(expiry_date=date(2027, 10, 16))
    clock.advance(timedelta(hours=24))
    result = await demo.payments.activate_due(actor="admin.demo")
    assert [a.order_code for a in result.activated] == [fine.code]
    assert [f.order_code for f in result.failed] == [stuck.code]
    assert "16/10/2027" in result.failed[0].reason
    assert (await Mailbox.get(address=ROSSI)).expiry_date == fine.next_expiry
    assert await AuditEvent.filter(action="renewal.failed", subject=stuck.code).exists()
    # the stuck order stays paid, for a person; running again tries it again, nothing else
    again = await demo.payments.activate_due()
    assert again.activated == () and [f.order_code for f in again.failed] == [stuck.code]


async def test_prepaid_renewal_activates_the_next_day(demo: Services, clock: FixedClock) -> None:
    order = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    clock.advance(timedelta(hours=24))
    done = (await demo.payments.activate_due()).activated
    assert [a.order_code for a in done] == [order.code]
    assert (await Mailbox.get(address=RENEWABLE)).expiry_date == date(2027, 12, 15)


async def test_stale_orders_are_cancelled(demo: Services, clock: FixedClock) -> None:
    stale = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    clock.advance(timedelta(days=5))
    fresh = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.CARTA)
    clock.advance(timedelta(days=5, seconds=1))
    assert await demo.payments.cancel_stale() == [stale.code]  # default: 10 days
    assert await demo.payments.cancel_stale(days=5) == [fresh.code]
    assert await demo.payments.cancel_stale(days=1) == []
    with pytest.raises(Refusal):
        await demo.payments.confirm(stale.code, stale.total_cents, "late")


async def test_callback_only_for_boxes_past_the_window(demo: Services) -> None:
    view = await demo.accounts.request_callback(CESSATA, phone="+39 081 1234567", userid="avv.demo")
    assert view.pec == CESSATA and view.status == "open"
    again = await demo.accounts.request_callback(CESSATA, userid="avv.demo")
    assert again.id == view.id  # one open request per box
    with pytest.raises(Refusal) as err:
        await demo.accounts.request_callback(SOSPESA, userid="avv.demo")
    assert err.value.reason == "renewable"
    with pytest.raises(Refusal):
        await demo.accounts.request_callback(CESSATA, userid="avv.rossi")
    with pytest.raises(InvalidInput):
        await demo.accounts.request_callback(CESSATA, phone="chiamami")
    assert await AuditEvent.filter(action="callback.requested").count() == 1


async def test_top_up_and_ledger(demo: Services) -> None:
    top_up = demo.accounts.top_up
    assert await top_up("avv.rossi", 5000, actor="admin.demo", reference="CRO 9") == 5000
    order = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.PREPAID)
    assert order.balance_after_cents == 5000 - order.total_cents
    entry = await PrepaidEntry.filter(kind="topup", reference="CRO 9").first()
    assert entry is not None and entry.recorded_by == "admin.demo"
    with pytest.raises(InvalidInput):
        await top_up("avv.rossi", 0, actor="admin.demo", reference="CRO 10")
    with pytest.raises(InvalidInput) as blank:
        await top_up("avv.rossi", 100, actor="admin.demo", reference="  ")
    assert blank.value.field == "reference"
    with pytest.raises(InvalidInput) as too_much:  # the ceiling (1.000,00 € by default)
        await top_up("avv.rossi", 100_001, actor="admin.demo", reference="CRO 11")
    assert too_much.value.field == "amount"
    with pytest.raises(Refusal) as staff:  # the prepaid account is a lawyer's
        await top_up("operatore.demo", 100, actor="admin.demo", reference="CRO 12")
    assert staff.value.reason == "not_subscriber"


async def test_a_mistaken_top_up_is_reversed_by_an_entry_of_its_own(demo: Services) -> None:
    accounts = demo.accounts
    await accounts.top_up("avv.rossi", 5000, actor="admin.demo", reference="CRO 1")
    assert await accounts.adjust("avv.rossi", -5000, actor="admin.demo", reason="errore") == 0
    entries = await PrepaidEntry.filter(account__subscriber__userid="avv.rossi").order_by("id")
    assert [(e.kind, e.amount_cents) for e in entries] == [("topup", 5000), ("adjustment", -5000)]
    with pytest.raises(Refusal) as below:  # never below zero
        await accounts.adjust("avv.rossi", -1, actor="admin.demo", reason="errore")
    assert below.value.reason == "insufficient_balance"
    with pytest.raises(InvalidInput):  # a reason is required
        await accounts.adjust("avv.rossi", 100, actor="admin.demo", reason=" ")
