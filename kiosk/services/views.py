"""Turning rows into the frozen views the outside world sees (internal to the services)."""

from __future__ import annotations

from datetime import date

from kiosk.domain.dates import days_left, mailbox_state, renewal_window
from kiosk.domain.instructions import payment_instructions
from kiosk.domain.model import MailboxFamily, OrderStatus, PaymentMethod
from kiosk.domain.money import PriceLine
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.dto import MailboxView, OpenOrder, OrderView
from kiosk.store.models import CardPayment, Invoice, Mailbox, Order


def open_order(order: Order | None) -> OpenOrder | None:
    if order is None:
        return None
    return OpenOrder(
        order.code,
        OrderStatus(order.status),
        PaymentMethod(order.method),
        order.total_cents,
        order.activation_due_at,
    )


def mailbox_view(box: Mailbox, today: date, order: Order | None = None) -> MailboxView:
    window = renewal_window(box.expiry_date)
    return MailboxView(
        address=box.address,
        family=MailboxFamily(box.family),
        area_code=box.area_id,
        anchor_date=box.anchor_date,
        expiry=box.expiry_date,
        state=mailbox_state(box.expiry_date, today),
        days_left=days_left(box.expiry_date, today),
        opens_on=window.opens_on,
        closes_on=window.closes_on,
        window=window.status(today),
        open_order=open_order(order),
    )


def renewal_line(address: str, family: MailboxFamily, net_cents: int) -> PriceLine:
    return PriceLine(
        "renewal",
        _("Rinnovo annuale casella PEC {address} ({family})").format(
            address=address, family=family.label
        ),
        net_cents,
    )


def fee_line(net_cents: int) -> PriceLine:
    return PriceLine("assisted_fee", _("Servizio di rinnovo assistito"), net_cents)


def order_lines(order: Order, address: str, family: MailboxFamily) -> tuple[PriceLine, ...]:
    lines = [renewal_line(address, family, order.renewal_net_cents)]
    if order.fee_net_cents:
        lines.append(fee_line(order.fee_net_cents))
    return tuple(lines)


def invoice_number(invoice: Invoice) -> str:
    return f"{invoice.year}/{invoice.number:06d}"


async def order_view(
    ctx: ServiceContext, order: Order, *, balance_after_cents: int | None = None
) -> OrderView:
    """The order with its mailbox, owner, operator and invoice (fetched if not yet loaded), and
    how to pay it while it waits for an offline payment."""
    await order.fetch_related("mailbox", "subscriber", "operator")
    invoice = await Invoice.get_or_none(order_id=order.id)
    attempt = None
    if order.method == PaymentMethod.CARTA:
        attempt = await CardPayment.filter(order_id=order.id).order_by("-id").first()
    box = order.mailbox
    family = MailboxFamily(box.family)
    method = PaymentMethod(order.method)
    instructions = None
    if method.offline and order.status == OrderStatus.PENDING:
        instructions = payment_instructions(
            method, ctx.refdata.payee, order.code, order.total_cents
        )
    return OrderView(
        code=order.code,
        status=OrderStatus(order.status),
        method=method,
        userid=order.subscriber.userid,
        pec=box.address,
        lines=order_lines(order, box.address, family),
        net_cents=order.net_cents,
        vat_cents=order.vat_cents,
        total_cents=order.total_cents,
        current_expiry=order.current_expiry,
        next_expiry=order.next_expiry,
        created_at=order.created_at,
        assisted=order.fee_net_cents > 0,
        operator=order.operator.userid if order.operator else None,
        paid_at=order.paid_at,
        activation_due_at=order.activation_due_at,
        activated_at=order.activated_at,
        invoice_number=invoice_number(invoice) if invoice else None,
        instructions=instructions,
        balance_after_cents=balance_after_cents,
        activation_delay_hours=ctx.settings.activation_delay_hours,
        payment_url=attempt.page_url
        if attempt is not None
        and attempt.status == "pending"
        and order.status == OrderStatus.PENDING
        else None,
        card_declined=attempt is not None and attempt.status == "ko",
    )
