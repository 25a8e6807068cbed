"""Card payments through the bank: the payment page for an order, and the bank's notifications.

The bank's server-to-server notification is the only thing that marks a card order paid, and
even then its body is not believed: the signature (HMAC-SHA256, shared secret) must match, and
then the bank itself is asked for the payment's details (status, amount, currency, order). Every
notification is recorded in `bank_notification`; the one that records the payment carries the
bank's transaction id in a unique column, so replays and concurrent duplicates make one payment.
Money that arrived and cannot be applied (cancelled, already paid, wrong amount, unknown order)
changes no order, is marked for a person (refund or manual match) and audited.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.errors import Reason, Refusal
from kiosk.i18n import _
from kiosk.payments.gateway import CURRENCY, BankStatus, CardGateway, GatewayError, PaymentDetail
from kiosk.payments.signing import signature_ok
from kiosk.services.context import ServiceContext
from kiosk.services.dto import CardCheckout, NotificationOutcome, NotificationResult
from kiosk.services.payments import INVOICE_RACES, PaymentService
from kiosk.services.tx import audit, guarded
from kiosk.store.models import BankNotification, CardPayment, Order

log = logging.getLogger("kiosk.bank")
BANK_ACTOR = "banca"  # who records a card payment in the audit trail
# two deliveries of one payment at once: the loser runs again and finds it recorded
NOTIFICATION_RACES = (*INVOICE_RACES, "bank_notification.paid_txn_id", "payment.order_id")
FOR_PERSON = {
    NotificationOutcome.BAD_SIGNATURE,
    NotificationOutcome.MALFORMED,
    NotificationOutcome.UNKNOWN_ORDER,
    NotificationOutcome.WRONG_AMOUNT,
    NotificationOutcome.CANCELLED,
    NotificationOutcome.ALREADY_PAID,
    NotificationOutcome.REFERENCE_USED,
}
REFUSALS = {
    Reason.CANCELLED: NotificationOutcome.CANCELLED,
    Reason.ALREADY_PAID: NotificationOutcome.ALREADY_PAID,
    Reason.WRONG_AMOUNT: NotificationOutcome.WRONG_AMOUNT,
    Reason.REFERENCE_USED: NotificationOutcome.REFERENCE_USED,
}


class CardPaymentService:
    def __init__(self, ctx: ServiceContext, gateway: CardGateway, payments: PaymentService) -> None:
        self.ctx = ctx
        self.gateway = gateway
        self.payments = payments

    # --- the payment page --------------------------------------------------------------------

    @guarded
    async def checkout(self, code_text: str) -> CardCheckout:
        """COLLEGAMENTO A BANCA: the bank's page for this card order. The attempt still open is
        shown again; after a decline (or the first time) a new payment is opened at the bank."""
        from kiosk.services.renewal import find_order

        order = await find_order(code_text)
        if order.method != PaymentMethod.CARTA:
            raise Refusal(
                Reason.NOT_CARD,
                _("L'ordine {code} non si paga con carta di credito.").format(code=order.code),
            )
        if order.status != OrderStatus.PENDING:
            raise Refusal(
                Reason.NOT_PENDING,
                _("L'ordine {code} non è più in attesa di pagamento.").format(code=order.code),
            )
        open_attempt = (
            await CardPayment.filter(order_id=order.id, status="pending").order_by("-id").first()
        )
        if open_attempt is not None:
            return CardCheckout(order.code, open_attempt.page_url)
        try:
            created = await self.gateway.create_payment(
                order.code, order.total_cents, self.ctx.settings.notify_url
            )
        except GatewayError as exc:
            log.warning("cannot open a payment at the bank for %s: %s", order.code, exc)
            raise Refusal(
                Reason.BANK_UNAVAILABLE,
                _(
                    "La banca non risponde: riprovare tra poco o scegliere un altro metodo di "
                    "pagamento."
                ),
            ) from None
        now = self.ctx.now()

        async def work() -> None:
            await CardPayment.create(
                order_id=order.id,
                payment_id=created.payment_id,
                token=created.token,
                page_url=created.page_url,
                created_at=now,
            )
            await audit(now, "card.payment_opened", subject=order.code, payment=created.payment_id)

        await self.ctx.atomic(work)
        return CardCheckout(order.code, created.page_url)

    # --- the bank's notification -------------------------------------------------------------

    async def receive_notification(self, body: bytes, signature: str | None) -> NotificationResult:
        """Handle one notification (the body exactly as received, the `X-Signature` header)."""
        digest = hashlib.sha256(body).hexdigest()
        note = _Note(digest)
        if not signature_ok(self.ctx.settings.bank_notify_secret, body, signature):
            return await self._record(
                note.but(signature_ok=False), NotificationOutcome.BAD_SIGNATURE
            )
        try:
            data = json.loads(body)
            payment_id = str(data["paymentID"]).strip()
            if not payment_id or len(payment_id) > 64:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            return await self._record(note, NotificationOutcome.MALFORMED)
        note = note.but(payment_id=payment_id)
        try:
            detail = await self.gateway.payment_detail(payment_id)
        except GatewayError as exc:
            # not reachable: answer 503, the bank sends it again; refused: for a person
            log.warning("payment %s not verified at the bank: %s", payment_id, exc)
            outcome = NotificationOutcome.UNVERIFIED if not exc.reachable else None
            return await self._record(
                note.but(detail=str(exc)), outcome or NotificationOutcome.UNKNOWN_ORDER
            )
        note = note.but(
            order_code=detail.shop_transaction_id[:16], bank_txn_id=detail.bank_transaction_id
        )
        if detail.status is BankStatus.PENDING:
            return await self._record(note, NotificationOutcome.PENDING)
        order = await Order.get_or_none(code=detail.shop_transaction_id)
        attempt = await CardPayment.get_or_none(payment_id=payment_id)
        if order is None or (attempt is not None and attempt.order_id != order.id):
            return await self._record(note, NotificationOutcome.UNKNOWN_ORDER)
        if detail.status is BankStatus.KO:
            return await self._declined(note, order, attempt)
        if detail.currency != CURRENCY or detail.amount_cents != order.total_cents:
            return await self._record(
                note.but(detail=f"{detail.amount_cents} {detail.currency}"),
                NotificationOutcome.WRONG_AMOUNT,
            )
        return await self._paid(note, order, detail)

    async def _paid(self, note: _Note, order: Order, detail: PaymentDetail) -> NotificationResult:
        txn = detail.bank_transaction_id or f"PAYMENT {detail.payment_id}"
        reference = f"CARTA {txn}"

        async def work() -> NotificationOutcome:
            confirmation = await self.payments.apply(
                order.id, detail.amount_cents, reference, actor=BANK_ACTOR
            )
            outcome = (
                NotificationOutcome.DUPLICATE
                if confirmation.already_confirmed
                else NotificationOutcome.PAID
            )
            await self._settle(detail.payment_id, "ok", txn)
            await _insert(
                self.ctx.now(),
                note,
                outcome,
                paid_txn_id=txn if outcome is NotificationOutcome.PAID else None,
            )
            return outcome

        try:
            outcome = await self.ctx.atomic(work, retry_on=NOTIFICATION_RACES)
        except Refusal as refusal:
            outcome = REFUSALS.get(refusal.reason, NotificationOutcome.UNKNOWN_ORDER)
            return await self._record(note.but(detail=refusal.message[:500]), outcome)
        return NotificationResult(outcome, False, order.code)

    async def _declined(
        self, note: _Note, order: Order, attempt: CardPayment | None
    ) -> NotificationResult:
        now = self.ctx.now()

        async def work() -> None:
            if attempt is not None and await CardPayment.filter(
                id=attempt.id, status="pending"
            ).update(status="ko", settled_at=now):
                await audit(now, "card.declined", subject=order.code, payment=attempt.payment_id)
            await _insert(now, note, NotificationOutcome.DECLINED)

        await self.ctx.atomic(work)
        return NotificationResult(NotificationOutcome.DECLINED, False, order.code)

    async def _settle(self, payment_id: str, status: str, txn: str | None) -> None:
        await CardPayment.filter(payment_id=payment_id, status="pending").update(
            status=status, bank_txn_id=txn, settled_at=self.ctx.now()
        )

    async def _record(self, note: _Note, outcome: NotificationOutcome) -> NotificationResult:
        """A notification that changes no order: recorded, and audited when money may be
        waiting for a person."""
        now = self.ctx.now()
        needs_person = outcome in FOR_PERSON

        async def work() -> None:
            await _insert(now, note, outcome)
            if needs_person:
                await audit(
                    now,
                    "bank.notification_for_person",
                    actor=BANK_ACTOR,
                    subject=note.order_code or "",
                    outcome=outcome.value,
                    payment=note.payment_id,
                    bank_txn=note.bank_txn_id,
                    body_sha256=note.digest,
                )

        await self.ctx.atomic(work)
        if needs_person:
            log.warning(
                "bank notification for a person: %s (order %s, payment %s)",
                outcome.value,
                note.order_code,
                note.payment_id,
            )
        return NotificationResult(outcome, needs_person, note.order_code)


@dataclass(frozen=True, slots=True)
class _Note:
    """What is known so far about one notification (`but` makes a changed copy)."""

    digest: str
    signature_ok: bool = True
    payment_id: str | None = None
    order_code: str | None = None
    bank_txn_id: str | None = None
    detail: str = ""

    def but(self, **changes: Any) -> _Note:
        return replace(self, **changes)


async def _insert(
    now: datetime, note: _Note, outcome: NotificationOutcome, *, paid_txn_id: str | None = None
) -> None:
    await BankNotification.create(
        received_at=now,
        body_sha256=note.digest,
        signature_ok=note.signature_ok,
        outcome=outcome.value,
        needs_person=outcome in FOR_PERSON,
        order_code=note.order_code,
        payment_id=note.payment_id,
        bank_txn_id=note.bank_txn_id,
        paid_txn_id=paid_txn_id,
        detail=note.detail[:500],
    )
