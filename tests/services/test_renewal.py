"""Quotes, orders by every method, refusals: the renewal journey through the services."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.domain import ordercode
from kiosk.domain.model import MailboxState, OrderStatus, PaymentMethod
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.services.dto import Quote, RenewalRefusal
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, Order, OutboxEmail, PrepaidEntry
from tests.services.conftest import CESSATA, RENEWABLE, ROSSI, SOSPESA, TOO_EARLY

TODAY = date(2026, 11, 25)


async def refusal_of(services: Services, userid: str, pec: str) -> RenewalRefusal:
    """The quote must be refused: the refusal it raised."""
    with pytest.raises(RenewalRefusal) as err:
        await services.renewals.quote(userid, pec)
    return err.value


async def test_quote_shows_cost_and_next_expiry_from_the_old_expiry(demo: Services) -> None:
    quote = await demo.renewals.quote("avv.demo", RENEWABLE)
    assert isinstance(quote, Quote)
    assert quote.current_expiry == TODAY + timedelta(days=20)
    # the new period runs from the old expiry date, counted from the anchor
    assert quote.next_expiry == date(2027, 12, 15)
    assert (quote.net_cents, quote.vat_cents, quote.total_cents) == (1500, 330, 1830)
    assert [line.code for line in quote.lines] == ["renewal"]
    assert quote.balance_cents == 1830 and quote.prepaid_covers


async def test_quote_is_case_and_space_insensitive(demo: Services) -> None:
    quote = await demo.renewals.quote("  AVV.Demo ", "  Maria.Demo@PEC.avvocatinocera.it ")
    assert isinstance(quote, Quote)
    assert quote.mailbox.address == RENEWABLE


async def test_sospesa_box_is_still_renewable(demo: Services) -> None:
    quote = await demo.renewals.quote("avv.demo", SOSPESA)
    assert isinstance(quote, Quote)
    assert quote.mailbox.state is MailboxState.SOSPESA
    assert quote.next_expiry > quote.current_expiry
    assert (quote.net_cents, quote.total_cents) == (2500, 3050)


async def test_assisted_quote_adds_the_fee_line(demo: Services) -> None:
    quote = await demo.renewals.quote("avv.demo", RENEWABLE, assisted=True)
    assert isinstance(quote, Quote)
    assert [(line.code, line.net_cents) for line in quote.lines] == [
        ("renewal", 1500),
        ("assisted_fee", 1000),
    ]
    assert (quote.net_cents, quote.vat_cents, quote.total_cents) == (2500, 550, 3050)


@pytest.mark.parametrize(
    ("userid", "pec", "reason"),
    [
        ("avv.demo", "nessuno@legalmail.it", Reason.UNKNOWN_MAILBOX),
        ("avv.demo", ROSSI, Reason.NOT_OWNER),
        ("avv.rossi", RENEWABLE, Reason.NOT_OWNER),
        ("avv.demo", TOO_EARLY, Reason.TOO_EARLY),
        ("avv.demo", CESSATA, Reason.TOO_LATE),
    ],
)
async def test_refusals(demo: Services, userid: str, pec: str, reason: Reason) -> None:
    result = await refusal_of(demo, userid, pec)
    assert result.reason is reason
    assert result.message


async def test_too_early_says_when_the_window_opens(demo: Services) -> None:
    result = await refusal_of(demo, "avv.demo", TOO_EARLY)
    assert result.opens_on == TODAY + timedelta(days=200) - timedelta(days=0) - _three_months(
        TODAY + timedelta(days=200)
    )
    assert result.opens_on is not None and result.opens_on.strftime("%d/%m/%Y") in result.message


def _three_months(expiry: date) -> timedelta:
    from dateutil.relativedelta import relativedelta

    return expiry - (expiry - relativedelta(months=3))


async def test_too_late_gives_the_sales_support_contacts(demo: Services) -> None:
    result = await refusal_of(demo, "avv.demo", CESSATA)
    assert result.contacts is not None
    assert "06 68417891" in result.message
    assert "segreteriacommercialelextel@visura.it" in result.message


async def test_window_edges_follow_the_clock(demo: Services, clock: FixedClock) -> None:
    # TOO_EARLY expires on TODAY+200: move the clock to the opening day and the day before
    expiry = TODAY + timedelta(days=200)
    from dateutil.relativedelta import relativedelta

    opens = expiry - relativedelta(months=3)
    clock.set(clock.now() + (opens - TODAY) - timedelta(days=1))
    assert (await refusal_of(demo, "avv.demo", TOO_EARLY)).reason is Reason.TOO_EARLY
    clock.advance(timedelta(days=1))
    assert isinstance(await demo.renewals.quote("avv.demo", TOO_EARLY), Quote)
    closes = expiry + relativedelta(months=6)
    clock.advance(closes - opens)
    assert isinstance(await demo.renewals.quote("avv.demo", TOO_EARLY), Quote)
    clock.advance(timedelta(days=1))
    late = await refusal_of(demo, "avv.demo", TOO_EARLY)
    assert late.reason is Reason.TOO_LATE


async def test_malformed_pec_is_bad_input(demo: Services) -> None:
    with pytest.raises(InvalidInput) as err:
        await demo.renewals.quote("avv.demo", "non-un-indirizzo")
    assert err.value.field == "pec"


async def test_prepaid_order_debits_invoices_and_schedules(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    assert ordercode.is_valid(order.code)
    assert order.status is OrderStatus.PAID
    assert order.balance_after_cents == 0
    assert order.invoice_number == "2026/000001"
    assert order.paid_at is not None and order.activation_due_at == order.paid_at + timedelta(
        hours=24
    )
    account = await demo.accounts.overview("avv.demo")
    assert account.balance_cents == 0
    entries = await PrepaidEntry.all().order_by("id").values_list("amount_cents", "kind")
    assert entries == [(1830, "topup"), (-1830, "debit")]
    actions = set(await AuditEvent.all().values_list("action", flat=True))
    assert {"order.created", "prepaid.debit", "payment.confirmed", "invoice.issued"} <= actions
    rows = await OutboxEmail.filter(kind="invoice")
    mails = [(m.to, m.subject) for m in [await demo.outbox.render_mail(r) for r in rows]]
    assert mails == [("avv.demo@example.org", f"Fattura 2026/000001 - Rinnovo PEC {RENEWABLE}")]
    # the box now has a paid renewal pending activation
    again = await refusal_of(demo, "avv.demo", RENEWABLE)
    assert again.reason is Reason.PENDING
    assert again.order is not None and again.order.code == order.code
    assert again.order.status is OrderStatus.PAID


async def test_prepaid_refused_when_balance_does_not_cover(demo: Services) -> None:
    # SOSPESA costs 30,50 € and the balance is 18,30 €
    with pytest.raises(Refusal) as err:
        await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.PREPAID)
    assert err.value.reason == "insufficient_balance"
    assert "EFFETTUA VERSAMENTO APPOSITO" in err.value.message
    # nothing changed: no order, balance intact, box still renewable
    assert await Order.all().count() == 0
    assert (await demo.accounts.overview("avv.demo")).balance_cents == 1830
    assert isinstance(await demo.renewals.quote("avv.demo", SOSPESA), Quote)


@pytest.mark.parametrize(
    "method", [PaymentMethod.BONIFICO, PaymentMethod.BOLLETTINO, PaymentMethod.ASSEGNO]
)
async def test_offline_order_gives_code_and_instructions(
    demo: Services, method: PaymentMethod
) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, method)
    assert order.status is OrderStatus.PENDING
    assert order.instructions is not None
    assert order.instructions.causale.startswith(order.code)
    assert order.instructions.admin_email == "amministrazione@lextel.it"
    if method is PaymentMethod.BONIFICO:
        assert order.instructions.qr_payload.startswith("BCD\n002\n1\nSCT\n")
        assert "EUR30.50" in order.instructions.qr_payload.splitlines()
    else:
        assert order.code in order.instructions.qr_payload
    assert (await demo.accounts.overview("avv.demo")).balance_cents == 1830  # untouched
    pending = await refusal_of(demo, "avv.demo", SOSPESA)
    assert pending.reason is Reason.PENDING and pending.order is not None
    assert pending.order.code == order.code and pending.order.instructions is not None


async def test_card_order_waits_for_the_bank(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.CARTA)
    assert order.status is OrderStatus.PENDING and order.instructions is None
    found = await demo.renewals.order(order.code.lower())
    assert found is not None and found.status is OrderStatus.PENDING


async def test_assisted_order_records_operator_and_fee(demo: Services) -> None:
    order = await demo.renewals.place_order(
        "avv.demo", SOSPESA, PaymentMethod.ASSEGNO, operator="operatore.demo"
    )
    assert order.assisted and order.operator == "operatore.demo"
    assert order.total_cents == 3050 + 1220
    with pytest.raises(Refusal) as err:
        await demo.renewals.place_order(
            "avv.demo", RENEWABLE, PaymentMethod.BONIFICO, operator="avv.rossi"
        )
    assert err.value.reason == "not_operator"


async def test_refused_order_creates_nothing(demo: Services) -> None:
    for pec in (TOO_EARLY, CESSATA, ROSSI):
        with pytest.raises(Refusal):
            await demo.renewals.place_order("avv.demo", pec, PaymentMethod.BONIFICO)
    assert await Order.all().count() == 0


async def test_cancelled_order_frees_the_mailbox(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    cancelled = await demo.renewals.cancel(order.code, actor="avv.demo")
    assert cancelled.status is OrderStatus.CANCELLED
    assert isinstance(await demo.renewals.quote("avv.demo", SOSPESA), Quote)
    with pytest.raises(Refusal):
        await demo.renewals.cancel(order.code, actor="avv.demo")


async def test_an_order_awaiting_payment_can_be_paid_another_way(demo: Services) -> None:
    first = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.BONIFICO)
    # the quote for the new method ignores the order it replaces, and only that one
    quote = await demo.renewals.quote("avv.demo", RENEWABLE, replacing=first.code)
    assert quote.total_cents == first.total_cents
    second = await demo.renewals.place_order(
        "avv.demo", RENEWABLE, PaymentMethod.PREPAID, replacing=first.code.lower()
    )
    assert second.status is OrderStatus.PAID and second.code != first.code
    old = await Order.get(code=first.code)
    assert old.status == OrderStatus.CANCELLED
    assert (
        await Order.filter(mailbox__address=RENEWABLE, status__in=("pending", "paid")).count() == 1
    )
    # a paid order cannot be replaced; nor can another box's order
    with pytest.raises(RenewalRefusal):
        await demo.renewals.quote("avv.demo", RENEWABLE, replacing=second.code)
    other = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    with pytest.raises(Refusal) as err:
        await demo.renewals.place_order(
            "avv.demo", SOSPESA, PaymentMethod.ASSEGNO, replacing=first.code
        )
    assert err.value.reason in ("pending", "not_pending")
    assert (await Order.get(code=other.code)).status == OrderStatus.PENDING


async def test_a_failed_replacement_leaves_the_old_order_as_it_was(demo: Services) -> None:
    first = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    with pytest.raises(Refusal) as err:  # 30,50 € are not covered by 18,30 € of credit
        await demo.renewals.place_order(
            "avv.demo", SOSPESA, PaymentMethod.PREPAID, replacing=first.code
        )
    assert err.value.reason == "insufficient_balance"
    assert (await Order.get(code=first.code)).status == OrderStatus.PENDING  # rolled back
