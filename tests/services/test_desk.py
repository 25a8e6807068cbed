"""The help desk's assisted renewal, on both backends: the fee line, the operator on order and
invoice, cash and cheques received at the desk, a cheque cashed by a statement line, the
receipt, the refusals, the hand-over's login, and the audit naming operator and lawyer."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.services.context import ServiceContext
from kiosk.services.desk_dto import ChequeDetails, DeskStatus
from kiosk.services.documents import DocumentService
from kiosk.services.dto import LineOutcome
from kiosk.services.facade import Services
from kiosk.services.receipts import ReceiptService
from kiosk.store.models import AuditEvent, DeskPayment, Invoice, Order, OutboxEmail, Payment
from tests.documents import assert_valid_fatturapa, pdf_text, text_of
from tests.services.conftest import RENEWABLE, ROSSI, SOSPESA
from tests.statements import camt, credit

OP = "operatore.demo"


def cheque(total: int, **changes: str) -> ChequeDetails:
    values = {"bank": "Banca Popolare", "number": "0123456789", "drawer": "Avv. Maria Demo"}
    values.update(changes)
    amount = changes.get("amount", f"{total // 100},{total % 100:02d}")
    return ChequeDetails(values["bank"], values["number"], values["drawer"], amount)


async def audits(action: str) -> list[AuditEvent]:
    return list(await AuditEvent.filter(action=action).order_by("id"))


async def test_assisted_quote_has_the_fee_as_its_own_line(demo: Services) -> None:
    quote = await demo.desk.assisted_quote(OP, "avv.demo", SOSPESA)
    assert [(line.code, line.description, line.net_cents) for line in quote.lines][1] == (
        "assisted_fee",
        "Servizio di rinnovo assistito",
        1000,
    )
    assert quote.assisted and (quote.net_cents, quote.vat_cents, quote.total_cents) == (
        3500,
        770,
        4270,
    )


@pytest.mark.parametrize("who", ["avv.rossi", "nessuno.qui"])
async def test_only_an_operator_may_quote_or_order(demo: Services, who: str) -> None:
    with pytest.raises(Refusal) as err:
        await demo.desk.assisted_quote(who, "avv.demo", SOSPESA)
    assert err.value.reason is Reason.NOT_OPERATOR
    with pytest.raises(Refusal):
        await demo.desk.assisted_order(who, "avv.demo", SOSPESA, PaymentMethod.CONTANTI)
    assert await Order.all().count() == 0


async def test_cash_settles_the_order_at_once_with_the_operator_on_order_and_invoice(
    demo: Services,
) -> None:
    placed = await demo.desk.assisted_order(
        OP, "avv.demo", SOSPESA, PaymentMethod.CONTANTI, handover=True
    )
    order = placed.order
    assert order.status is OrderStatus.PAID and order.method is PaymentMethod.CONTANTI
    assert order.operator == OP and order.assisted and order.invoice_number
    assert [line.code for line in order.lines] == ["renewal", "assisted_fee"]
    assert placed.desk is not None and placed.desk.status is DeskStatus.RECEIVED
    assert (placed.desk.received_by, placed.desk.on_behalf_of) == (OP, "avv.demo")
    invoice = await Invoice.get(order__code=order.code)
    assert invoice.operator == OP and invoice.total_cents == 4270
    assert (await Payment.get(order__code=order.code)).recorded_by == OP
    assert (await demo.documents.invoice(order.invoice_number)).operator == OP
    text = pdf_text((await demo.documents.invoice_pdf(order.code)).path)
    assert f"operatore {OP}" in text and "Servizio di rinnovo assistito" in text
    root = assert_valid_fatturapa((await demo.documents.invoice_xml(order.code)).path)
    assert text_of(root, ".//ModalitaPagamento") == "MP01"  # contanti
    # the audit names the operator, and the lawyer it was done for, inside a hand-over
    [placed_event] = await audits("assisted.order")
    assert placed_event.actor == OP and placed_event.subject == order.code
    assert placed_event.details == {
        "on_behalf_of": "avv.demo",
        "handover": True,
        "method": "contanti",
    }
    [received] = await audits("desk.payment_received")
    assert received.actor == OP and received.details["amount_cents"] == 4270
    assert {e.actor for e in await AuditEvent.filter(subject=order.code)} == {OP}
    # the invoice is e-mailed; no "how to pay" e-mail for money already in hand
    kinds = [str(t) for t in await OutboxEmail.all().values_list("template", flat=True)]
    assert "payment_received" in kinds and "order_placed" not in kinds


async def test_a_cheque_pays_the_order_and_stays_to_be_cashed_until_the_statement(
    demo: Services,
) -> None:
    quote = await demo.desk.assisted_quote(OP, "avv.demo", SOSPESA)
    placed = await demo.desk.assisted_order(
        OP, "avv.demo", SOSPESA, PaymentMethod.ASSEGNO, cheque=cheque(quote.total_cents)
    )
    code = placed.order.code
    assert placed.order.status is OrderStatus.PAID and placed.order.invoice_number
    assert placed.desk is not None and placed.desk.status is DeskStatus.TO_BE_CASHED
    assert (placed.desk.cheque_bank, placed.desk.cheque_number, placed.desk.cheque_drawer) == (
        "Banca Popolare",
        "0123456789",
        "Avv. Maria Demo",
    )
    payment = await Payment.get(order__code=code)
    assert payment.reference == "ASSEGNO N. 0123456789 Banca Popolare"
    assert await OutboxEmail.filter(template="order_placed").count() == 0
    # the bank's statement: the cheque deposited, its number in the causale
    statement = camt(credit("VERS-1", "42.70", "VERSAMENTO ASSEGNO N. 0123456789"))
    dry = await demo.reconcile.import_statement(statement, dry_run=True, actor="admin.demo")
    assert [line.outcome for line in dry.lines] == [LineOutcome.CHEQUE_CASHED]
    assert (await DeskPayment.get(order__code=code)).status == DeskStatus.TO_BE_CASHED
    result = await demo.reconcile.import_statement(statement, actor="admin.demo")
    [line] = result.lines
    assert line.outcome is LineOutcome.CHEQUE_CASHED and line.order_code == code
    assert not result.to_check
    row = await DeskPayment.get(order__code=code)
    assert row.status == DeskStatus.CASHED and row.cashed_reference == "VERS-1"
    [cashed] = await audits("desk.cheque_cashed")
    assert cashed.actor == "admin.demo" and cashed.subject == code
    assert (await demo.desk.desk_payment(OP, code)) is not None
    # the same statement again changes nothing
    again = await demo.reconcile.import_statement(statement, actor="admin.demo")
    assert [line.outcome for line in again.lines] == [LineOutcome.ALREADY_IMPORTED]
    assert len(await audits("desk.cheque_cashed")) == 1


async def test_a_statement_line_with_the_order_code_cashes_the_cheque(demo: Services) -> None:
    quote = await demo.desk.assisted_quote(OP, "avv.rossi", ROSSI)
    placed = await demo.desk.assisted_order(
        OP, "avv.rossi", ROSSI, PaymentMethod.ASSEGNO, cheque=cheque(quote.total_cents)
    )
    total = placed.order.total_cents
    amount = f"{total // 100}.{total % 100:02d}"
    # the wrong amount is not this cheque: a person looks
    wrong = camt(credit("X-1", "1.00", f"assegno {placed.order.code}"))
    result = await demo.reconcile.import_statement(wrong, actor="admin.demo")
    assert result.lines[0].outcome is not LineOutcome.CHEQUE_CASHED
    good = camt(credit("X-2", amount, f"assegno {placed.order.code}"))
    result = await demo.reconcile.import_statement(good, actor="admin.demo")
    assert result.lines[0].outcome is LineOutcome.CHEQUE_CASHED


async def test_cheque_form_refusals_change_nothing(demo: Services) -> None:
    quote = await demo.desk.assisted_quote(OP, "avv.demo", SOSPESA)
    bad = ChequeDetails(bank=" ", number="x", drawer="", amount="trenta")
    with pytest.raises(InvalidInput) as err:
        await demo.desk.assisted_order(OP, "avv.demo", SOSPESA, PaymentMethod.ASSEGNO, cheque=bad)
    assert err.value.field == "cheque_bank"
    with pytest.raises(InvalidInput) as err:
        await demo.desk.assisted_order(
            OP, "avv.demo", SOSPESA, PaymentMethod.ASSEGNO, cheque=cheque(1, amount="10,00")
        )
    assert err.value.field == "cheque_amount" and "42,70" in err.value.message
    assert await Order.all().count() == 0 and await DeskPayment.all().count() == 0
    # the same cheque twice
    await demo.desk.assisted_order(
        OP, "avv.demo", SOSPESA, PaymentMethod.ASSEGNO, cheque=cheque(quote.total_cents)
    )
    rossi = await demo.desk.assisted_quote(OP, "avv.rossi", ROSSI)
    with pytest.raises(Refusal) as refused:
        await demo.desk.assisted_order(
            OP, "avv.rossi", ROSSI, PaymentMethod.ASSEGNO, cheque=cheque(rossi.total_cents)
        )
    assert refused.value.reason is Reason.CHEQUE_USED
    assert await Order.filter(mailbox__address=ROSSI).count() == 0


async def test_cash_is_refused_outside_the_desk(demo: Services) -> None:
    with pytest.raises(Refusal) as err:
        await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.CONTANTI)
    assert err.value.reason is Reason.DESK_ONLY
    with pytest.raises(Refusal):
        await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.CONTANTI, operator=OP)


@pytest.mark.parametrize("method", [PaymentMethod.BONIFICO, PaymentMethod.PREPAID])
async def test_other_methods_go_on_as_for_the_lawyer(demo: Services, method: PaymentMethod) -> None:
    await demo.accounts.top_up("avv.demo", 5000, actor="admin.demo", reference="CRO 9")
    placed = await demo.desk.assisted_order(OP, "avv.demo", RENEWABLE, method)
    assert placed.desk is None and placed.order.operator == OP
    expected = OrderStatus.PAID if method is PaymentMethod.PREPAID else OrderStatus.PENDING
    assert placed.order.status is expected


async def test_the_receipt_says_what_was_paid_how_and_to_whom(demo: Services) -> None:
    quote = await demo.desk.assisted_quote(OP, "avv.demo", SOSPESA)
    placed = await demo.desk.assisted_order(
        OP, "avv.demo", SOSPESA, PaymentMethod.ASSEGNO, cheque=cheque(quote.total_cents)
    )
    document = await demo.receipts.receipt_pdf(placed.order.code)
    assert document.path.name == f"ricevuta-{placed.order.code}.pdf"
    text = pdf_text(document.path)
    for expected in ("RICEVUTA DI PAGAMENTO", placed.order.code, OP, "Servizio di rinnovo "
                     "assistito", "10,00 €", "42,70 €", "IVA 22%", "Banca Popolare",
                     "0123456789", "Avv. Maria Demo", "da incassare", SOSPESA,
                     str(placed.order.invoice_number)):  # fmt: skip
        assert expected in text, expected
    # a pending order has no receipt
    pending = await demo.desk.assisted_order(OP, "avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    with pytest.raises(Refusal) as err:
        await demo.receipts.receipt_pdf(pending.order.code)
    assert err.value.reason is Reason.NOT_PAID


async def test_printing_the_receipt_runs_the_desk_command(demo: Services, tmp_path: Path) -> None:
    placed = await demo.desk.assisted_order(OP, "avv.demo", SOSPESA, PaymentMethod.CONTANTI)
    with pytest.raises(Refusal) as err:
        await demo.receipts.print_receipt(OP, placed.order.code)
    assert err.value.reason is Reason.PRINT_DISABLED
    copy = tmp_path / "printed.pdf"
    ctx = demo.ctx
    settings = ctx.settings.model_copy(update={"print_command": f"cp {{file}} {copy}"})
    desk_ctx = ServiceContext.build(ctx.clock, ctx.refdata, settings)
    receipts = ReceiptService(DocumentService(desk_ctx))
    with pytest.raises(Refusal) as err:
        await receipts.print_receipt("avv.demo", placed.order.code)
    assert err.value.reason is Reason.NOT_OPERATOR
    document = await receipts.print_receipt(OP, placed.order.code)
    assert copy.read_bytes() == document.path.read_bytes()
    assert "contanti" in pdf_text(copy)
    [printed] = await audits("receipt.printed")
    assert printed.actor == OP


async def test_handover_login_takes_operators_only_with_the_same_words(demo: Services) -> None:
    user = await demo.desk.handover_login(OP, "Sportello2026!", lawyer="avv.demo")
    assert user.userid == OP
    with pytest.raises(Refusal) as wrong:
        await demo.desk.handover_login(OP, "Sbagliata!", lawyer="avv.demo")
    with pytest.raises(Refusal) as lawyer:
        await demo.desk.handover_login("avv.demo", "Rinnovo2026!", lawyer="avv.demo")
    assert wrong.value.message == lawyer.value.message == "Userid o password non corretti."
    await demo.desk.end_handover(OP, "avv.demo", how="returned")
    started, refused, ended = (
        await audits("handover.started"),
        await audits("handover.refused"),
        await audits("handover.ended"),
    )
    assert [(e.actor, e.subject) for e in started] == [(OP, "avv.demo")]
    assert [(e.actor, e.subject) for e in refused] == [("avv.demo", "avv.demo")]
    assert ended[0].details == {"how": "returned"}
