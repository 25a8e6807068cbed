"""Card payments against the sandbox bank and the shop's `/notify`, on real loopback servers.

Only the bank's notification marks an order paid, verified by asking the bank; replays and
concurrent duplicates make one payment; what cannot be applied changes nothing and waits for a
person. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.errors import Reason, Refusal
from kiosk.payments.gateway import BankStatus
from kiosk.payments.sandbox import DECLINED, SandboxBank, SandboxPayment
from kiosk.services.dto import NotificationOutcome
from kiosk.services.facade import Services, bank_client
from kiosk.store.models import AuditEvent, BankNotification, Invoice, Order, Payment
from tests.bank import (
    HOST,
    delivered,
    free_port,
    notification,
    pay,
    post_notification,
    running_bank,
    running_shop,
    wired,
)
from tests.services.conftest import RENEWABLE

TOTAL = 1830


@dataclass
class Setup:
    services: Services
    bank: SandboxBank
    notify_url: str

    def payment(self, url: str) -> SandboxPayment:
        token = url.split("b=", 1)[1]
        return next(p for p in self.bank.payments.values() if p.token == token)


@pytest.fixture
async def shop(demo: Services) -> AsyncIterator[Setup]:
    """The bank and the shop's `serve`, both listening; the services wired to them."""
    port = free_port()
    notify_url = f"http://{HOST}:{port}/notify"
    async with running_bank(demo.ctx.settings) as (bank, bank_url):
        services = wired(demo, bank_url, notify_url)
        async with running_shop(services, port):
            yield Setup(services, bank, notify_url)


async def card_order(services: Services) -> tuple[str, str]:
    order = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.CARTA)
    checkout = await services.cards.checkout(order.code)
    return order.code, checkout.payment_url


async def outcomes(code: str | None = None) -> list[str]:
    query = BankNotification.all().order_by("id")
    if code is not None:
        query = query.filter(order_code=code)
    return [n.outcome for n in await query]


async def test_an_approved_card_pays_the_order_once_verified_at_the_bank(shop: Setup) -> None:
    code, url = await card_order(shop.services)
    assert url.startswith(shop.services.ctx.settings.bank_base_url + "/pagam?")
    assert (await shop.services.cards.checkout(code)).payment_url == url  # the same page again
    status, page = await pay(url)
    assert status == 200 and "Pagamento approvato" in page
    await delivered(shop.payment(url))
    order = await Order.get(code=code)
    assert order.status == OrderStatus.PAID
    payment = await Payment.get(order_id=order.id)
    assert payment.amount_cents == TOTAL
    assert payment.reference == f"CARTA {shop.payment(url).bank_txn_id}"
    assert await Invoice.filter(order_id=order.id).count() == 1
    assert await outcomes(code) == ["paid"]
    row = await BankNotification.get(order_code=code)
    assert row.signature_ok and not row.needs_person
    assert row.paid_txn_id == shop.payment(url).bank_txn_id
    assert await AuditEvent.filter(action="payment.confirmed", actor="banca").count() == 1
    view = await shop.services.renewals.order(code)
    assert view.payment_url is None and not view.card_declined


async def test_a_declined_card_leaves_the_order_payable(shop: Setup) -> None:
    code, url = await card_order(shop.services)
    status, page = await pay(url, DECLINED)
    assert status == 200 and "rifiutato" in page
    await delivered(shop.payment(url))
    view = await shop.services.renewals.order(code)
    assert view.status is OrderStatus.PENDING
    assert view.card_declined and view.payment_url is None
    assert await Payment.all().count() == 0
    assert await outcomes(code) == ["declined"]
    again = await shop.services.cards.checkout(code)  # another attempt: a new page
    assert again.payment_url != url
    assert not (await shop.services.renewals.order(code)).card_declined


async def test_an_invalid_card_is_refused_on_the_page_and_nothing_is_notified(shop: Setup) -> None:
    code, url = await card_order(shop.services)
    status, page = await pay(url, "1234 5678 9012 3456")
    assert status == 400 and "Numero di carta non valido" in page
    assert shop.payment(url).status is BankStatus.PENDING
    status, _page = await pay(url)  # then the right card
    assert status == 200
    await delivered(shop.payment(url))
    assert (await Order.get(code=code)).status == OrderStatus.PAID


async def test_a_notification_replayed_100_times_at_once_makes_one_payment(
    demo: Services,
) -> None:
    """The bank's own delivery goes nowhere here; 100 copies of a genuine notification arrive
    at once (and then 100 more, one after the other)."""
    nowhere = f"http://{HOST}:{free_port()}/notify"
    async with running_bank(demo.ctx.settings, max_attempts=1) as (bank, bank_url):
        services = wired(demo, bank_url, nowhere)
        code, url = await card_order(services)
        await pay(url)
        payment = next(iter(bank.payments.values()))
        body, signature = notification(services.ctx.settings, payment)
        async with running_shop(services) as shop:
            target = f"http://{HOST}:{shop.port}/notify"
            answers = await asyncio.gather(
                *(post_notification(target, body, signature) for _ in range(100))
            )
            assert answers == [200] * 100
            for _ in range(100):
                assert await post_notification(target, body, signature) == 200
    order = await Order.get(code=code)
    assert order.status == OrderStatus.PAID
    assert await Payment.all().count() == 1
    assert await Invoice.all().count() == 1
    seen = await outcomes(code)
    assert seen.count("paid") == 1 and seen.count("duplicate") == 199
    assert await BankNotification.filter(needs_person=True).count() == 0


async def test_a_tampered_notification_changes_nothing_and_waits_for_a_person(
    shop: Setup,
) -> None:
    code, _url = await card_order(shop.services)  # nobody pays: only the forgeries arrive
    forged = b'{"paymentID": "1", "shopTransactionID": "%s", "transactionResult": "OK"}' % (
        code.encode()
    )
    _genuine, signature = notification(shop.services.ctx.settings, _fake_payment(code))
    for sig in ("0" * 64, signature, ""):  # wrong key, another body's, none
        assert await post_notification(shop.notify_url, forged, sig) == 200
    assert (await Order.get(code=code)).status == OrderStatus.PENDING
    assert await Payment.all().count() == 0
    rows = await BankNotification.all()
    assert [r.outcome for r in rows] == ["bad_signature"] * 3
    assert all(r.needs_person and not r.signature_ok for r in rows)
    assert await AuditEvent.filter(action="bank.notification_for_person").count() == 3


def _fake_payment(code: str) -> SandboxPayment:
    return SandboxPayment("1", "t", code, TOTAL, "EUR", "", BankStatus.OK, "BTX1")


async def test_a_wrong_amount_is_not_applied(shop: Setup) -> None:
    order = await shop.services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.CARTA)
    gateway = bank_client(shop.services.ctx)  # a payment opened for another amount
    created = await gateway.create_payment(order.code, TOTAL - 100, shop.notify_url)
    await pay(created.page_url)
    await delivered(shop.bank.payments[created.payment_id])
    assert (await Order.get(code=order.code)).status == OrderStatus.PENDING
    assert await Payment.all().count() == 0
    row = await BankNotification.get(order_code=order.code)
    assert row.outcome == "wrong_amount" and row.needs_person
    assert row.bank_txn_id == shop.bank.payments[created.payment_id].bank_txn_id


async def test_an_unknown_order_is_recorded_for_a_person(shop: Setup) -> None:
    gateway = bank_client(shop.services.ctx)
    created = await gateway.create_payment("RLMZZZZZZZ", TOTAL, shop.notify_url)
    await pay(created.page_url)
    await delivered(shop.bank.payments[created.payment_id])
    row = await BankNotification.get(payment_id=created.payment_id)
    assert row.outcome == "unknown_order" and row.needs_person
    assert await Payment.all().count() == 0


async def test_a_payment_for_a_cancelled_order_is_not_applied(shop: Setup) -> None:
    code, url = await card_order(shop.services)
    await shop.services.renewals.cancel(code, actor="avv.demo")
    await pay(url)  # the payer paid on a page left open
    await delivered(shop.payment(url))
    assert (await Order.get(code=code)).status == OrderStatus.CANCELLED
    assert await Payment.all().count() == 0
    row = await BankNotification.get(order_code=code)
    assert row.outcome == "cancelled" and row.needs_person
    audit = await AuditEvent.get(action="bank.notification_for_person")
    assert audit.subject == code and audit.details["outcome"] == "cancelled"
    with pytest.raises(Refusal) as refused:  # and no new page for it
        await shop.services.cards.checkout(code)
    assert refused.value.reason is Reason.NOT_PENDING


async def test_the_bank_retries_while_serve_is_down(demo: Services) -> None:
    port = free_port()
    async with running_bank(demo.ctx.settings) as (bank, bank_url):
        services = wired(demo, bank_url, f"http://{HOST}:{port}/notify")
        code, url = await card_order(services)
        await pay(url)
        payment = next(iter(bank.payments.values()))
        await asyncio.wait_for(payment.attempted(3), 10)  # refused, with growing pauses
        assert (await Order.get(code=code)).status == OrderStatus.PENDING
        async with running_shop(services, port):
            await delivered(payment)
        assert (await Order.get(code=code)).status == OrderStatus.PAID
        assert await outcomes(code) == ["paid"]


async def test_no_page_when_the_bank_does_not_answer(demo: Services) -> None:
    nowhere = f"http://{HOST}:{free_port()}"
    services = wired(demo, nowhere + "/bank", nowhere + "/notify")
    order = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.CARTA)
    with pytest.raises(Refusal) as refused:
        await services.cards.checkout(order.code)
    assert refused.value.reason is Reason.BANK_UNAVAILABLE


async def test_a_notification_the_bank_cannot_confirm_now_is_asked_again(
    demo: Services,
) -> None:
    """The bank unreachable when the shop asks it: 503, so that the bank sends it again."""
    nowhere = f"http://{HOST}:{free_port()}"
    services = wired(demo, nowhere + "/bank", nowhere + "/notify")
    body, signature = notification(services.ctx.settings, _fake_payment("RLMZZZZZZZ"))
    async with running_shop(services) as shop:
        status = await post_notification(f"http://{HOST}:{shop.port}/notify", body, signature)
    assert status == 503
    assert await outcomes() == [NotificationOutcome.UNVERIFIED.value]


async def test_a_restarted_sandbox_bank_still_knows_its_pages_and_delivers(
    demo: Services,
) -> None:
    """Paid while the shop was down, then the bank restarted: the new run knows the page
    (from its state file, 0600) and delivers the notification the old one could not."""
    port = free_port()
    notify_url = f"http://{HOST}:{port}/notify"
    async with running_bank(demo.ctx.settings) as (bank, bank_url):
        services = wired(demo, bank_url, notify_url)
        code, url = await card_order(services)
        await pay(url)
        await asyncio.wait_for(next(iter(bank.payments.values())).attempted(1), 10)
    state = demo.ctx.settings.data_dir / "sandbox-bank.json"
    assert state.stat().st_mode & 0o777 == 0o600
    async with running_bank(demo.ctx.settings) as (again, new_url):
        payment = next(iter(again.payments.values()))
        assert payment.status is BankStatus.OK
        async with running_shop(wired(demo, new_url, notify_url), port):
            await delivered(payment)
        status, page = await pay(url.replace(bank_url, new_url))  # the page, after the fact
        assert status == 409 and "Pagamento approvato" in page
    assert (await Order.get(code=code)).status == OrderStatus.PAID
