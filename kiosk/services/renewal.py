"""The renewal journey: look a mailbox up, quote it, place the order, follow it.

The seed's lookup is Userid + PEC address; the box must belong to that user. The quote shows the
cost and the next expiry before anything is paid; the new period runs from the old expiry date.
Whatever stands in the way is a `RenewalRefusal`, raised the same way by the quote and the order.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import F

from kiosk.domain import ordercode, validation
from kiosk.domain.dates import WindowStatus, next_expiry, renewal_window
from kiosk.domain.instructions import coordinates
from kiosk.domain.model import (
    OPEN_ORDER_STATUSES,
    MailboxFamily,
    OrderStatus,
    PaymentMethod,
    Role,
)
from kiosk.domain.money import ASSISTED_FEE_NET_CENTS, VAT_RATE_PERCENT, price
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _, day, money
from kiosk.services.context import ServiceContext
from kiosk.services.dto import OrderView, Quote, RenewalRefusal
from kiosk.services.outbox import queue_mail
from kiosk.services.payments import INVOICE_RACES, record_payment
from kiosk.services.tx import Retry, audit, guarded
from kiosk.services.views import fee_line, mailbox_view, order_view, renewal_line
from kiosk.store.models import Mailbox, Order, PrepaidAccount, PrepaidEntry, Price, Subscriber

OFFLINE_METHODS = tuple(m for m in PaymentMethod if m.offline)
# a concurrent order for the same box, or (once in a billion) a repeated code: run again, and
# the quote will then say which
ORDER_RACES = ("renewal_order.mailbox_id", "renewal_order.code")


class RenewalService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def quote(
        self, userid: str, pec: str, *, assisted: bool = False, replacing: str | None = None
    ) -> Quote:
        """Avanti: the cost and next expiry; `RenewalRefusal` says why not.

        `replacing`: the code of the box's order awaiting payment that the payer wants to pay
        another way; it does not stand in the way of this quote."""
        uid = validation.userid_ref(userid)
        if not uid:
            raise InvalidInput("userid", _("Inserire lo userid."))
        address = validation.pec_address(pec)
        box = await Mailbox.get_or_none(address=address).prefetch_related("owner")
        if box is None:
            raise RenewalRefusal(
                Reason.UNKNOWN_MAILBOX,
                _("Nessuna casella PEC {pec} risulta registrata. Controllare l'indirizzo.").format(
                    pec=address
                ),
                address,
            )
        if box.owner.userid != uid:
            raise RenewalRefusal(
                Reason.NOT_OWNER,
                _("La casella {pec} non è associata allo userid {userid}.").format(
                    pec=address, userid=uid
                ),
                address,
            )
        pending = await Order.filter(mailbox_id=box.id, status__in=OPEN_ORDER_STATUSES).first()
        if pending is not None and not (
            replacing is not None
            and pending.code == ordercode.normalize(replacing)
            and pending.status == OrderStatus.PENDING
        ):
            raise await self._pending_refusal(pending, address)
        today = self.ctx.clock.today()
        window = renewal_window(box.expiry_date)
        status = window.status(today)
        if status is WindowStatus.TOO_EARLY:
            raise RenewalRefusal(
                Reason.TOO_EARLY,
                _(
                    "La casella scade il {expiry}: il rinnovo online si apre 3 mesi prima, "
                    "dal {opens}."
                ).format(expiry=day(box.expiry_date), opens=day(window.opens_on)),
                address,
                current_expiry=box.expiry_date,
                opens_on=window.opens_on,
            )
        if status is WindowStatus.TOO_LATE:
            contacts = self.ctx.refdata.contacts
            raise RenewalRefusal(
                Reason.TOO_LATE,
                _(
                    "La casella è scaduta il {expiry}, da più di 6 mesi: non si può più rinnovare "
                    "online. Per mantenere lo stesso indirizzo contattare il Supporto Vendite al "
                    "numero {phone} o all'indirizzo {email}."
                ).format(
                    expiry=day(box.expiry_date),
                    phone=contacts.sales_phone,
                    email=contacts.sales_email,
                ),
                address,
                current_expiry=box.expiry_date,
                contacts=contacts,
            )
        family = MailboxFamily(box.family)
        row = await Price.get_or_none(area_id=box.area_id, family=family)
        if row is None:
            raise Refusal(
                Reason.NO_PRICE,
                _("Nessuna tariffa configurata per questa casella: rivolgersi allo sportello."),
            )
        lines = [renewal_line(address, family, row.net_cents)]
        if assisted:
            lines.append(fee_line(ASSISTED_FEE_NET_CENTS))
        breakdown = price(lines)
        account = await PrepaidAccount.get_or_none(subscriber_id=box.owner.id)
        payee = self.ctx.refdata.payee
        return Quote(
            userid=uid,
            mailbox=mailbox_view(box, today),
            lines=breakdown.lines,
            net_cents=breakdown.net_cents,
            vat_cents=breakdown.vat_cents,
            total_cents=breakdown.total_cents,
            current_expiry=box.expiry_date,
            next_expiry=next_expiry(box.anchor_date, box.expiry_date),
            assisted=assisted,
            balance_cents=account.balance_cents if account else 0,
            vat_rate_percent=VAT_RATE_PERCENT,
            activation_delay_hours=self.ctx.settings.activation_delay_hours,
            coordinates=tuple(
                (m, coordinates(m, payee, breakdown.total_cents)) for m in OFFLINE_METHODS
            ),
        )

    async def _pending_refusal(self, order: Order, address: str) -> RenewalRefusal:
        view = await order_view(self.ctx, order)
        if view.status is OrderStatus.PAID:
            message = _(
                "Il rinnovo è già pagato (ordine {code}): la casella sarà rinnovata {hours} ore "
                "dopo il pagamento, con nuova scadenza {expiry}."
            ).format(
                code=view.code,
                hours=self.ctx.settings.activation_delay_hours,
                expiry=day(view.next_expiry),
            )
        else:
            message = _(
                "C'è già un ordine di rinnovo in attesa di pagamento: codice {code} ({method}, "
                "{total})."
            ).format(code=view.code, method=view.method.label, total=money(view.total_cents))
        return RenewalRefusal(
            Reason.PENDING, message, address, current_expiry=view.current_expiry, order=view
        )

    @guarded
    async def place_order(
        self,
        userid: str,
        pec: str,
        method: PaymentMethod,
        *,
        operator: str | None = None,
        actor: str | None = None,
        replacing: str | None = None,
    ) -> OrderView:
        """Conferma: create the order (and its code). Prepaid is debited and invoiced at once.

        `operator`: an assisted renewal (the fee is added); `actor`: who placed it, when not the
        subscriber nor the operator (the back office); `replacing`: the box's order awaiting
        payment that this one replaces (another method): it is cancelled in the same
        transaction, so the box is never left without, nor with two, open orders."""
        if method.desk_only:
            raise Refusal(
                Reason.DESK_ONLY,
                _(
                    "Il pagamento in contanti si riceve solo allo sportello, con il rinnovo "
                    "assistito."
                ),
            )
        op = None if operator is None else await operator_account(operator)
        return await self.ctx.atomic(
            lambda: self._place(userid, pec, method, op, actor, replacing),
            retry_on=ORDER_RACES + INVOICE_RACES,
        )

    async def place_within(
        self, userid: str, pec: str, method: PaymentMethod, op: Subscriber, *, at_desk: bool
    ) -> OrderView:
        """`place_order`'s work inside the caller's transaction (which must list
        `ORDER_RACES + INVOICE_RACES` in its `retry_on`): the help desk's assisted renewal
        records the money handed in (`at_desk`: no e-mail on how to pay) in the same
        transaction as the order."""
        return await self._place(userid, pec, method, op, None, notify=not at_desk)

    async def _place(
        self,
        userid: str,
        pec: str,
        method: PaymentMethod,
        op: Subscriber | None,
        actor_userid: str | None,
        replacing: str | None = None,
        *,
        notify: bool = True,
    ) -> OrderView:
        now = self.ctx.now()
        quote = await self.quote(userid, pec, assisted=op is not None, replacing=replacing)
        if replacing is not None:
            await self._cancel_replaced(replacing, quote, actor_userid or quote.userid, now)
        box = await Mailbox.get(address=quote.mailbox.address).prefetch_related("owner")
        fee = sum(line.net_cents for line in quote.lines if line.code == "assisted_fee")
        order = await Order.create(
            code=ordercode.generate(),
            mailbox=box,
            subscriber=box.owner,
            operator=op,
            method=method,
            status=OrderStatus.PENDING,
            renewal_net_cents=quote.net_cents - fee,
            fee_net_cents=fee,
            net_cents=quote.net_cents,
            vat_cents=quote.vat_cents,
            total_cents=quote.total_cents,
            current_expiry=quote.current_expiry,
            next_expiry=quote.next_expiry,
            created_at=now,
        )
        actor = actor_userid or (op.userid if op else quote.userid)
        await audit(
            now,
            "order.created",
            actor=actor,
            subject=order.code,
            pec=box.address,
            method=method.value,
            total_cents=quote.total_cents,
            assisted=op is not None,
        )
        if method is PaymentMethod.PREPAID:
            return await self._pay_from_prepaid(order, box.owner, quote.total_cents, actor)
        if method.offline and notify:  # how to pay, by e-mail too (the bonifico's QR attached)
            await queue_mail(
                self.ctx,
                kind="order",
                to=box.owner.email,
                template="order_placed",
                params={"order": order.code, "lang": box.owner.lang},
            )
        return await order_view(self.ctx, order)

    async def _pay_from_prepaid(
        self, order: Order, owner: Subscriber, total: int, actor: str
    ) -> OrderView:
        """PRELEVA DAL CONTO PREPAGATO: one conditional UPDATE, never below zero, never twice."""
        now = self.ctx.now()
        debited = await PrepaidAccount.filter(
            subscriber_id=owner.id, balance_cents__gte=total
        ).update(balance_cents=F("balance_cents") - total)
        if not debited:
            account = await PrepaidAccount.get_or_none(subscriber_id=owner.id)
            balance = account.balance_cents if account else 0
            raise Refusal(
                Reason.INSUFFICIENT_BALANCE,
                _(
                    "Il credito del conto prepagato ({balance}) non copre il totale ({total}). "
                    "Scegliere EFFETTUA VERSAMENTO APPOSITO."
                ).format(balance=money(balance), total=money(total)),
                balance_cents=balance,
            )
        account = await PrepaidAccount.get(subscriber_id=owner.id)
        await PrepaidEntry.create(
            account=account,
            amount_cents=-total,
            kind="debit",
            order_id=order.id,
            description=_("Rinnovo PEC, ordine {code}").format(code=order.code),
            created_at=now,
        )
        await audit(
            now,
            "prepaid.debit",
            actor=actor,
            subject=order.code,
            amount_cents=total,
            balance_cents=account.balance_cents,
        )
        if not await record_payment(
            self.ctx, order, amount_cents=total, reference=f"PREPAGATO {order.code}", actor=actor
        ):
            raise Retry  # pragma: no cover - the order was created in this very transaction
        await order.refresh_from_db()
        return await order_view(self.ctx, order, balance_after_cents=account.balance_cents)

    async def _cancel_replaced(
        self, code_text: str, quote: Quote, actor: str, now: datetime
    ) -> None:
        """Cancel the order being replaced: it must be this box's, and still await payment."""
        code = ordercode.normalize(code_text)
        order = await Order.get_or_none(code=code).prefetch_related("mailbox")
        cancelled = (
            order is not None
            and order.mailbox.address == quote.mailbox.address
            and await Order.filter(id=order.id, status=OrderStatus.PENDING).update(
                status=OrderStatus.CANCELLED, cancelled_at=now
            )
        )
        if not cancelled:
            raise Refusal(
                Reason.NOT_PENDING,
                _("L'ordine {code} non è più in attesa di pagamento.").format(code=code),
            )
        await audit(now, "order.cancelled", actor=actor, subject=code, reason="replaced")

    @guarded
    async def order(self, code_text: str) -> OrderView:
        """An order by its code (as typed: any case, spaces, dashes), for following its state."""
        return await order_view(self.ctx, await find_order(code_text))

    @guarded
    async def cancel(self, code_text: str, *, actor: str) -> OrderView:
        """Cancel an order still awaiting payment (the payer changed their mind)."""
        order = await find_order(code_text)
        now = self.ctx.now()

        async def work() -> None:
            if not await Order.filter(id=order.id, status=OrderStatus.PENDING).update(
                status=OrderStatus.CANCELLED, cancelled_at=now
            ):
                raise Refusal(
                    Reason.NOT_PENDING,
                    _("L'ordine {code} non è più in attesa di pagamento.").format(code=order.code),
                )
            await audit(now, "order.cancelled", actor=actor, subject=order.code, reason="requested")

        await self.ctx.atomic(work)
        await order.refresh_from_db()
        return await order_view(self.ctx, order)


async def operator_account(userid: str) -> Subscriber:
    """The help-desk operator (or administrator) with this userid, or `Refusal(NOT_OPERATOR)`."""
    op = await Subscriber.get_or_none(userid=validation.userid_ref(userid, "operator"))
    if op is None or op.role not in (Role.OPERATOR, Role.ADMIN) or op.disabled_at is not None:
        raise Refusal(
            Reason.NOT_OPERATOR,
            _("{userid} non è un operatore dello sportello.").format(userid=userid),
        )
    return op


async def find_order(code_text: str) -> Order:
    """The order with this code, typed or written in a causale ("rlm-4k7q 2x3 rinnovo pec"),
    or `Refusal(UNKNOWN_ORDER)`."""
    validation.free_text(code_text, "code", validation.CAUSALE_MAX)  # not echoed: too long
    code = ordercode.parse(code_text) or ordercode.find_in_causale(code_text)
    if code is None:
        raise Refusal(
            Reason.UNKNOWN_ORDER,
            _(
                "Codice ordine non valido: {code}. Controllare il codice (RLM e 7 caratteri)."
            ).format(code=code_text.strip()),
        )
    order = await Order.get_or_none(code=code)
    if order is None:
        raise Refusal(
            Reason.UNKNOWN_ORDER,
            _("Nessun ordine con codice {code}.").format(code=code_text.strip()),
        )
    return order
