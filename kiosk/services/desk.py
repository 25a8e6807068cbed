"""The help desk's assisted renewal: quote with the fee, order on the lawyer's behalf, money
handed in at the desk, a cheque cashed when a statement shows it, and the walk-in hand-over.

Every call names the acting operator, who must be an operator or an administrator; every change
is one transaction with its audit record naming the operator, and the lawyer it was done for
(`on_behalf_of`; `handover` when done inside the lawyer's own session at the kiosk).

Money at the desk (README, "Rinnovo assistito"): cash pays the order at once (payment, invoice,
renewal after the usual delay). So does a cheque, which the desk holds: the order is paid, and
the cheque stays *da incassare* until a bank statement line shows it credited (its order code or
its number in the causale, and its amount): then it is *incassato*. The `payment` row is never
changed; the desk's own row (`desk_payment`) says where the money is.
"""

from __future__ import annotations

import re

from kiosk.domain import ordercode
from kiosk.domain.model import PaymentMethod, Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _, money
from kiosk.services.auth import bad_credentials
from kiosk.services.context import ServiceContext
from kiosk.services.desk_dto import (
    AssistedOrder,
    ChequeDetails,
    DeskPaymentView,
    DeskStatus,
    checked_cheque,
)
from kiosk.services.dto import Quote, SessionUser
from kiosk.services.payments import INVOICE_RACES, record_payment
from kiosk.services.renewal import ORDER_RACES, RenewalService, operator_account
from kiosk.services.tx import Retry, audit, guarded
from kiosk.services.views import order_view
from kiosk.store.models import DeskPayment, Order


def desk_view(row: DeskPayment, order_code: str) -> DeskPaymentView:
    return DeskPaymentView(
        order_code=order_code,
        method=PaymentMethod(row.method),
        amount_cents=row.amount_cents,
        received_at=row.received_at,
        received_by=row.received_by,
        on_behalf_of=row.on_behalf_of,
        status=DeskStatus(row.status),
        cheque_bank=row.cheque_bank,
        cheque_number=row.cheque_number,
        cheque_drawer=row.cheque_drawer,
        cashed_at=row.cashed_at,
    )


class DeskService:
    def __init__(self, ctx: ServiceContext, renewals: RenewalService) -> None:
        self.ctx = ctx
        self.renewals = renewals

    @guarded
    async def assisted_quote(self, operator: str, userid: str, pec: str) -> Quote:
        """The quote with the assisted fee as its own line (`RenewalRefusal` says why not)."""
        await operator_account(operator)
        return await self.renewals.quote(userid, pec, assisted=True)

    @guarded
    async def assisted_order(
        self,
        operator: str,
        userid: str,
        pec: str,
        method: PaymentMethod,
        *,
        cheque: ChequeDetails | None = None,
        handover: bool = False,
    ) -> AssistedOrder:
        """The assisted renewal's order, placed by `operator` for `userid`, with the fee.

        Cash (`contanti`) and a cheque with its `cheque` details are received at the desk and
        pay the order in the same transaction; any other method goes on as for the lawyer
        (prepaid debited at once; card, bonifico, bollettino and a cheque without details
        awaiting their payment)."""
        op = await operator_account(operator)
        details = None
        if cheque is not None:
            if method is not PaymentMethod.ASSEGNO:
                raise InvalidInput("method", _("I dati dell'assegno sono solo per l'assegno."))
            details = checked_cheque(cheque)
            bank, number = details[0], details[1]
            if await DeskPayment.filter(cheque_number=number, cheque_bank__iexact=bank).exists():
                raise Refusal(
                    Reason.CHEQUE_USED,
                    _("L'assegno n. {number} di {bank} è già stato registrato.").format(
                        number=number, bank=bank
                    ),
                )
        at_desk = method is PaymentMethod.CONTANTI or details is not None

        async def work() -> AssistedOrder:
            now = self.ctx.now()
            view = await self.renewals.place_within(userid, pec, method, op, at_desk=at_desk)
            await audit(
                now,
                "assisted.order",
                actor=op.userid,
                subject=view.code,
                on_behalf_of=view.userid,
                handover=handover,
                method=method.value,
            )
            if not at_desk:
                return AssistedOrder(view)
            if details is not None and details[3] != view.total_cents:
                raise InvalidInput(
                    "cheque_amount",
                    _("L'importo dell'assegno ({amount}) deve essere il totale ({total}).").format(
                        amount=money(details[3]), total=money(view.total_cents)
                    ),
                )
            order = await Order.get(code=view.code)
            if details is None:
                reference = f"CONTANTI {view.code}"
                row = await DeskPayment.create(
                    order=order,
                    method=method,
                    amount_cents=view.total_cents,
                    received_at=now,
                    received_by=op.userid,
                    on_behalf_of=view.userid,
                    handover=handover,
                    status=DeskStatus.RECEIVED,
                )
            else:
                bank, number, drawer, _amount = details
                reference = f"ASSEGNO N. {number} {bank}"[:140]
                row = await DeskPayment.create(
                    order=order,
                    method=method,
                    amount_cents=view.total_cents,
                    received_at=now,
                    received_by=op.userid,
                    on_behalf_of=view.userid,
                    handover=handover,
                    cheque_bank=bank,
                    cheque_number=number,
                    cheque_drawer=drawer,
                    status=DeskStatus.TO_BE_CASHED,
                )
            await audit(
                now,
                "desk.payment_received",
                actor=op.userid,
                subject=view.code,
                on_behalf_of=view.userid,
                handover=handover,
                method=method.value,
                amount_cents=view.total_cents,
                cheque_bank=row.cheque_bank,
                cheque_number=row.cheque_number,
                cheque_drawer=row.cheque_drawer,
            )
            if not await record_payment(
                self.ctx,
                order,
                amount_cents=view.total_cents,
                reference=reference,
                actor=op.userid,
            ):
                raise Retry  # pragma: no cover - the order was created in this transaction
            await order.refresh_from_db()
            return AssistedOrder(await order_view(self.ctx, order), desk_view(row, view.code))

        return await self.ctx.atomic(work, retry_on=ORDER_RACES + INVOICE_RACES)

    @guarded
    async def desk_payment(self, operator: str, order_code: str) -> DeskPaymentView | None:
        """The money received at the desk for an order, if any."""
        from kiosk.services.renewal import find_order

        await operator_account(operator)
        order = await find_order(order_code)
        row = await DeskPayment.get_or_none(order_id=order.id)
        return desk_view(row, order.code) if row else None

    # --- the walk-in hand-over ----------------------------------------------------------------

    @guarded
    async def handover_login(self, userid: str, password: str, *, lawyer: str) -> SessionUser:
        """An operator authenticates in `lawyer`'s session: the login's rules (delays, lock,
        audit); anyone but an operator or administrator gets the wrong password's words."""
        from kiosk.services.auth import AuthService

        user = await AuthService(self.ctx).login(userid, password)
        now = self.ctx.now()
        if user.role not in (Role.OPERATOR, Role.ADMIN):
            await self.ctx.atomic(
                lambda: audit(now, "handover.refused", actor=user.userid, subject=lawyer)
            )
            raise bad_credentials()
        await self.ctx.atomic(
            lambda: audit(now, "handover.started", actor=user.userid, subject=lawyer)
        )
        return user

    @guarded
    async def end_handover(self, operator: str, lawyer: str, *, how: str) -> None:
        """The operator hands the session back (`returned`) or ends it (`ended`, `idle`)."""
        now = self.ctx.now()
        await self.ctx.atomic(
            lambda: audit(now, "handover.ended", actor=operator[:32], subject=lawyer, how=how)
        )


# --- a cheque cashed: what a statement line shows ------------------------------------------


async def cheque_for(causale: str, amount_cents: int) -> DeskPayment | None:
    """The one cheque to be cashed that this credit line shows: its amount, and its order code
    or its number in the causale. None when there is none, or more than one (a person looks)."""
    candidates = await DeskPayment.filter(
        status=DeskStatus.TO_BE_CASHED, amount_cents=amount_cents
    ).prefetch_related("order")
    if not candidates:
        return None
    code = ordercode.find_in_causale(causale)
    words = set(re.findall(r"[0-9A-Z-]{3,}", causale.upper()))
    found = [
        row
        for row in candidates
        if (code is not None and row.order.code == code) or row.cheque_number in words
    ]
    return found[0] if len(found) == 1 else None


async def cash_cheque(
    ctx: ServiceContext, row: DeskPayment, reference: str, actor: str | None
) -> bool:
    """Mark the cheque cashed by the statement line `reference` (own transaction, audited);
    False if another import got there first."""
    now = ctx.now()

    async def work() -> bool:
        if not await DeskPayment.filter(id=row.id, status=DeskStatus.TO_BE_CASHED).update(
            status=DeskStatus.CASHED, cashed_at=now, cashed_reference=reference[:140]
        ):
            return False
        await audit(
            now,
            "desk.cheque_cashed",
            actor=actor,
            subject=row.order.code,
            cheque_number=row.cheque_number,
            cheque_bank=row.cheque_bank,
            amount_cents=row.amount_cents,
            reference=reference,
            received_by=row.received_by,
        )
        return True

    return await ctx.atomic(work)
