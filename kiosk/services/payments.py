"""Payments, invoices and activations.

Recording a payment issues the invoice with the next gapless number of the year and schedules the
renewal (`activation_delay_hours` later), all in one transaction. Numbers are gapless because the
year's counter row is bumped inside that transaction: a rolled-back payment gives its number back,
and concurrent payments queue on the counter (row lock on PostgreSQL, write lock on SQLite).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.expressions import F

from kiosk.clock import ROME
from kiosk.domain import validation
from kiosk.domain.model import OrderStatus
from kiosk.errors import Conflict, InvalidInput, Reason, Refusal
from kiosk.i18n import _, day, money
from kiosk.services.context import ServiceContext
from kiosk.services.dto import (
    Activation,
    ActivationFailure,
    ActivationRun,
    PaymentConfirmation,
)
from kiosk.services.outbox import queue_mail
from kiosk.services.tx import Retry, audit, guarded
from kiosk.services.views import invoice_number
from kiosk.store.models import Invoice, InvoiceCounter, Mailbox, Order, Payment, Subscriber

REFERENCE_MAX = 140  # a SEPA remittance's length
# two first invoices of a year at once: both try to create the year's counter; the loser runs
# again and bumps the winner's
INVOICE_RACES = ("invoice_counter.year",)


async def next_invoice_number(year: int) -> int:
    """Bump and return the year's counter; call inside the invoicing transaction."""
    if await InvoiceCounter.filter(year=year).update(last_number=F("last_number") + 1):
        counter = await InvoiceCounter.get(year=year)
        return counter.last_number
    await InvoiceCounter.create(year=year, last_number=1)
    return 1


async def record_payment(
    ctx: ServiceContext,
    order: Order,
    *,
    amount_cents: int,
    reference: str,
    actor: str | None,
) -> Invoice | None:
    """Mark a pending order paid: payment, invoice, activation due, e-mail, audit.

    Runs inside the caller's transaction (which must list `INVOICE_RACES` in its `retry_on`).
    None if the order was no longer pending when we came to write it.
    """
    now = ctx.now()
    due = now + ctx.activation_delay
    changed = await Order.filter(id=order.id, status=OrderStatus.PENDING).update(
        status=OrderStatus.PAID, paid_at=now, activation_due_at=due
    )
    if not changed:
        return None
    await order.fetch_related("subscriber", "mailbox", "operator")
    await Payment.create(
        order=order,
        method=order.method,
        amount_cents=amount_cents,
        reference=reference,
        received_at=now,
        recorded_by=actor,
    )
    year = now.astimezone(ROME).year
    sequence = await next_invoice_number(year)  # first: the counter row orders the writers
    # an invoice is never dated before the one numbered before it (a clock set back, two hosts
    # a second apart): it takes the later of now and its predecessor's date
    previous = await Invoice.filter(year=year, number=sequence - 1).first()
    issued_at = max(now, previous.issued_at) if previous is not None else now
    sub = order.subscriber
    invoice = await Invoice.create(
        year=year,
        number=sequence,
        order=order,
        issued_at=issued_at,
        customer_name=sub.nominativo,
        customer_cf=sub.codice_fiscale,
        customer_email=sub.email,
        net_cents=order.net_cents,
        vat_cents=order.vat_cents,
        total_cents=order.total_cents,
        operator=order.operator.userid if order.operator else None,
    )
    number = invoice_number(invoice)
    await queue_mail(
        ctx,
        kind="invoice",
        to=sub.email,
        template="payment_received",  # the invoice PDF and FatturaPA attached at send time
        params={"order": order.code, "lang": sub.lang},
    )
    await audit(
        now,
        "payment.confirmed",
        actor=actor,
        subject=order.code,
        method=str(order.method),
        amount_cents=amount_cents,
        reference=reference,
    )
    await audit(now, "invoice.issued", actor=actor, subject=number, order=order.code)
    return invoice


class PaymentService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def confirm(
        self,
        code_text: str,
        amount_cents: int,
        reference: str,
        *,
        actor: str | None = None,
        force: bool = False,
        note: str = "",
    ) -> PaymentConfirmation:
        """Record an offline (or bank-notified) payment for an order. Idempotent.

        `code_text` may be the whole causale as the payer wrote it. A bank reference already
        recorded for another order is refused (the same transfer cannot pay twice) unless
        `force`d with a `note` saying why (audited)."""
        from kiosk.services.renewal import find_order

        reference = " ".join(reference.split())
        if not reference:
            raise InvalidInput(
                "reference",
                _("Indicare il riferimento del pagamento (CRO/TRN, numero assegno...)."),
            )
        if len(reference) > REFERENCE_MAX:
            raise InvalidInput(
                "reference",
                _("Il riferimento del pagamento può avere al massimo {n} caratteri.").format(
                    n=REFERENCE_MAX
                ),
            )
        note = validation.free_text(note, "note", validation.NOTE_MAX)
        if force and not note:
            raise InvalidInput("note", _("Con --force serve una nota che spieghi perché (--note)."))
        order = await find_order(code_text)
        return await self.ctx.atomic(
            lambda: self._confirm(order.id, amount_cents, reference, actor, force, note),
            retry_on=INVOICE_RACES,
        )

    async def apply(
        self,
        order_id: int,
        amount_cents: int,
        reference: str,
        *,
        actor: str | None,
        force: bool = False,
        note: str = "",
    ) -> PaymentConfirmation:
        """`confirm`'s rules inside the caller's transaction (which must list `INVOICE_RACES`
        in its `retry_on`): the bank's notification records its payment with this, together
        with its own record of the notification, and the administration a statement line it
        matches by hand. Idempotent for the same amount and reference; `Refusal` otherwise
        (cancelled, already paid, wrong amount, reference used unless `force`d with a note)."""
        return await self._confirm(order_id, amount_cents, reference, actor, force, note)

    async def _confirm(
        self,
        order_id: int,
        amount_cents: int,
        reference: str,
        actor: str | None,
        force: bool,
        note: str,
    ) -> PaymentConfirmation:
        order = await Order.get(id=order_id)
        code = order.code
        if order.status == OrderStatus.CANCELLED:
            raise Refusal(
                Reason.CANCELLED,
                _(
                    "L'ordine {code} è stato annullato: il pagamento va restituito o abbinato "
                    "a mano."
                ).format(code=code),
            )
        if order.status in (OrderStatus.PAID, OrderStatus.ACTIVATED):
            payment = await Payment.get(order_id=order.id)
            invoice = await Invoice.get(order_id=order.id)
            if payment.amount_cents == amount_cents and payment.reference == reference:
                assert order.activation_due_at is not None
                return PaymentConfirmation(
                    code, invoice_number(invoice), order.activation_due_at, True
                )
            raise Refusal(
                Reason.ALREADY_PAID,
                _("L'ordine {code} risulta già pagato (riferimento {ref}).").format(
                    code=code, ref=payment.reference
                ),
            )
        used = (
            await Payment.filter(reference__iexact=reference)
            .exclude(order_id=order.id)
            .prefetch_related("order")
            .first()
        )
        if used is not None and not force:
            raise Refusal(
                Reason.REFERENCE_USED,
                _(
                    "Il riferimento {ref} è già stato registrato per l'ordine {other}: lo stesso "
                    "versamento non può pagare due ordini. Controllare; per confermare comunque "
                    "usare --force con una --note."
                ).format(ref=reference, other=used.order.code),
                order_code=used.order.code,
            )
        if amount_cents != order.total_cents:
            raise Refusal(
                Reason.WRONG_AMOUNT,
                _("Importo {amount} diverso dal totale dell'ordine {code} ({total}).").format(
                    amount=money(amount_cents), code=code, total=money(order.total_cents)
                ),
            )
        issued = await record_payment(
            self.ctx, order, amount_cents=amount_cents, reference=reference, actor=actor
        )
        if issued is None:
            raise Retry  # paid or cancelled a moment ago: look again
        if used is not None:
            await audit(
                self.ctx.now(),
                "payment.reference_reused",
                actor=actor,
                subject=code,
                reference=reference,
                other_order=used.order.code,
                note=note,
            )
        await order.refresh_from_db()
        assert order.activation_due_at is not None
        return PaymentConfirmation(code, invoice_number(issued), order.activation_due_at, False)

    @guarded
    async def activate_due(self, *, actor: str | None = None) -> ActivationRun:
        """Renew every mailbox whose paid order has reached its activation time.

        Each order in its own transaction: one that cannot be activated (its mailbox's expiry
        moved since it was priced) is reported, audited and left paid for a person; the others
        carry on."""
        now = self.ctx.now()
        due = await Order.filter(status=OrderStatus.PAID, activation_due_at__lte=now).order_by(
            "activation_due_at", "id"
        )
        done: list[Activation] = []
        failed: list[ActivationFailure] = []
        for order in due:

            async def work(order: Order = order) -> Activation | None:
                return await self._activate(order, now, actor)

            try:
                activation = await self.ctx.atomic(work)
            except (Refusal, Conflict) as exc:
                failure = ActivationFailure(order.code, exc.message)
                failed.append(failure)

                async def record(failure: ActivationFailure = failure) -> None:
                    await audit(
                        now,
                        "renewal.failed",
                        actor=actor,
                        subject=failure.order_code,
                        reason=failure.reason,
                    )

                await self.ctx.atomic(record)
                continue
            if activation is not None:
                done.append(activation)
        return ActivationRun(tuple(done), tuple(failed))

    async def _activate(self, order: Order, now: datetime, actor: str | None) -> Activation | None:
        if not await Order.filter(id=order.id, status=OrderStatus.PAID).update(
            status=OrderStatus.ACTIVATED, activated_at=now
        ):
            return None  # activated by another process meanwhile
        box = await Mailbox.get(id=order.mailbox_id)
        # conditional: the expiry moves only from the one this order was priced on
        moved = await Mailbox.filter(id=box.id, expiry_date=order.current_expiry).update(
            expiry_date=order.next_expiry
        )
        if not moved:
            raise Refusal(
                Reason.EXPIRY_MOVED,
                _(
                    "Ordine {code}: la casella {pec} scade il {actual}, non il {expected} su cui "
                    "l'ordine è stato calcolato; rinnovo non eseguito, da verificare."
                ).format(
                    code=order.code,
                    pec=box.address,
                    actual=day(box.expiry_date),
                    expected=day(order.current_expiry),
                ),
            )
        owner = await Subscriber.get(id=order.subscriber_id)
        await queue_mail(
            self.ctx,
            kind="renewal",
            to=owner.email,
            template="renewal_done",
            params={"order": order.code, "lang": owner.lang},
        )
        await audit(
            now,
            "renewal.activated",
            actor=actor,
            subject=box.address,
            order=order.code,
            old_expiry=order.current_expiry.isoformat(),
            new_expiry=order.next_expiry.isoformat(),
        )
        return Activation(order.code, box.address, order.next_expiry)

    @guarded
    async def cancel_stale(self, *, days: int | None = None, actor: str | None = None) -> list[str]:
        """Cancel orders still unpaid `days` (default: settings) after they were placed."""
        now = self.ctx.now()
        limit = now - timedelta(days=self.ctx.settings.unpaid_order_days if days is None else days)
        stale = await Order.filter(status=OrderStatus.PENDING, created_at__lt=limit).order_by("id")
        cancelled = []
        for order in stale:

            async def work(order: Order = order) -> bool:
                if not await Order.filter(id=order.id, status=OrderStatus.PENDING).update(
                    status=OrderStatus.CANCELLED, cancelled_at=now
                ):
                    return False
                await audit(
                    now, "order.cancelled", actor=actor, subject=order.code, reason="unpaid"
                )
                return True

            if await self.ctx.atomic(work):
                cancelled.append(order.code)
        return cancelled
