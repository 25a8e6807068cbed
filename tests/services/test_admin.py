"""The administration's money desk on both backends: top-ups, payments confirmed by order code,
statement imports and their exceptions resolved by hand; an operator is refused every time,
before anything is looked up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.services.admin_dto import Resolution
from kiosk.services.dto import LineOutcome
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, Order, Payment, PrepaidAccount, StatementLine
from tests.services.conftest import ROSSI, SOSPESA
from tests.statements import camt, credit

ADMIN = "admin.demo"
OPERATOR = "operatore.demo"


async def refusal(call: Callable[[], Awaitable[object]]) -> Refusal:
    with pytest.raises(Refusal) as caught:
        await call()
    return caught.value


async def audit_count() -> int:
    return await AuditEvent.all().count()


async def test_only_an_enabled_administrator_may_use_the_money_desk(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    before = await audit_count()
    calls: list[Callable[[], Awaitable[object]]] = [
        lambda: demo.admin.account_holder("avv.demo", actor=OPERATOR),
        lambda: demo.admin.top_up("avv.demo", 5000, actor=OPERATOR, reference="CRO1"),
        lambda: demo.admin.order(order.code, actor=OPERATOR),
        lambda: demo.admin.confirm_payment(order.code, order.total_cents, "CRO", actor=OPERATOR),
        lambda: demo.admin.import_statement("/nonexistent", actor=OPERATOR),
        lambda: demo.admin.exceptions(actor=OPERATOR),
        lambda: demo.admin.match_exception(1, order.code, actor=OPERATOR),
        lambda: demo.admin.refund_exception(1, actor=OPERATOR, note="x"),
        lambda: demo.admin.order(order.code, actor="avv.demo"),  # a lawyer
        lambda: demo.admin.order(order.code, actor="nessuno.tale"),  # nobody
    ]
    for call in calls:
        refused = await refusal(call)
        assert refused.reason is Reason.NOT_ADMIN
        assert refused.message == "Operazione riservata all'amministrazione."
    # the same words for an unknown order: an operator learns nothing about orders
    unknown = await refusal(lambda: demo.admin.order("RLM0000000", actor=OPERATOR))
    assert unknown.reason is Reason.NOT_ADMIN
    assert await audit_count() == before
    assert (await Order.get(code=order.code)).status is OrderStatus.PENDING


async def test_top_up_by_the_administration(demo: Services) -> None:
    holder = await demo.admin.account_holder("AVV.DEMO", actor=ADMIN)
    assert (holder.userid, holder.balance_cents) == ("avv.demo", 1830)
    done = await demo.admin.top_up(
        "avv.demo", 5000, actor=ADMIN, reference="CRO 123", note="bonifico di novembre"
    )
    assert (done.userid, done.amount_cents, done.balance_cents) == ("avv.demo", 5000, 6830)
    event = await AuditEvent.filter(action="prepaid.topup").order_by("-id").first()
    assert event is not None and (event.actor, event.subject) == (ADMIN, "avv.demo")
    # bad amounts, no reference, an operator's account, an unknown userid: nothing changes
    for cents in (0, -100, 10**12):
        with pytest.raises(InvalidInput) as bad:
            await demo.admin.top_up("avv.demo", cents, actor=ADMIN, reference="CRO")
        assert bad.value.field == "amount"
    with pytest.raises(InvalidInput):
        await demo.admin.top_up("avv.demo", 100, actor=ADMIN, reference=" ")
    assert (await refusal(lambda: demo.admin.account_holder(OPERATOR, actor=ADMIN))).reason is (
        Reason.NOT_SUBSCRIBER
    )
    assert (await refusal(lambda: demo.admin.account_holder("nessuno", actor=ADMIN))).reason is (
        Reason.UNKNOWN_USER
    )
    account = await PrepaidAccount.get(subscriber__userid="avv.demo")
    assert account.balance_cents == 6830


async def test_confirm_an_offline_payment_by_order_code(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    view = await demo.admin.order(order.code.lower(), actor=ADMIN)
    assert (view.code, view.total_cents, view.userid) == (order.code, order.total_cents, "avv.demo")
    wrong = await refusal(
        lambda: demo.admin.confirm_payment(order.code, order.total_cents - 1, "TRN1", actor=ADMIN)
    )
    assert wrong.reason is Reason.WRONG_AMOUNT
    done = await demo.admin.confirm_payment(order.code, order.total_cents, "TRN1", actor=ADMIN)
    assert done.order_code == order.code and not done.already_confirmed
    again = await demo.admin.confirm_payment(order.code, order.total_cents, "TRN1", actor=ADMIN)
    assert again.already_confirmed
    payment = await Payment.get(order__code=order.code)
    assert (payment.reference, payment.recorded_by) == ("TRN1", ADMIN)
    # a code whose check character is wrong, and a valid code of no order
    bad = order.code[:-1] + ("A" if order.code[-1] != "A" else "B")
    assert (await refusal(lambda: demo.admin.order(bad, actor=ADMIN))).reason is (
        Reason.UNKNOWN_ORDER
    )
    assert (await refusal(lambda: demo.admin.order("RLM0000000", actor=ADMIN))).reason is (
        Reason.UNKNOWN_ORDER
    )


async def test_the_same_bank_reference_needs_force_and_a_note(demo: Services) -> None:
    first = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    second = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    await demo.admin.confirm_payment(first.code, first.total_cents, "TRN-9", actor=ADMIN)
    used = await refusal(
        lambda: demo.admin.confirm_payment(second.code, second.total_cents, "trn-9", actor=ADMIN)
    )
    assert used.reason is Reason.REFERENCE_USED
    with pytest.raises(InvalidInput):
        await demo.admin.confirm_payment(
            second.code, second.total_cents, "TRN-9", actor=ADMIN, force=True
        )
    done = await demo.admin.confirm_payment(
        second.code, second.total_cents, "TRN-9", actor=ADMIN, force=True, note="due rinnovi"
    )
    assert not done.already_confirmed
    assert await AuditEvent.filter(action="payment.reference_reused", actor=ADMIN).count() == 1


async def statement(demo: Services, tmp_path: Path) -> tuple[Path, str, str]:
    """A statement with a wrong amount for A, a causale without code, a line in dollars."""
    a = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    b = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    total_a = f"{a.total_cents // 100}.{a.total_cents % 100:02d}"
    entries = (
        credit("REF-WRONG", "1.00", f"rinnovo {a.code}")
        + credit("REF-NOCODE", total_a, "rinnovo pec avv demo")
        + credit("REF-B", "9.99", "senza codice")
        + credit("REF-USD", total_a, f"rinnovo {a.code}").replace('Ccy="EUR"', 'Ccy="USD"')
    )
    path = tmp_path / "admin-estratto.xml"
    path.write_bytes(camt(entries))
    return path, a.code, b.code


async def test_import_and_resolve_the_exceptions(demo: Services, tmp_path: Path) -> None:
    path, code_a, code_b = await statement(demo, tmp_path)
    result = await demo.admin.import_statement(str(path), actor=ADMIN)
    assert sorted(line.outcome.value for line in result.to_check) == [
        "no_code",
        "no_code",
        "not_euro",
        "wrong_amount",
    ]
    open_lines = await demo.admin.exceptions(actor=ADMIN)
    by_ref = {line.reference: line for line in open_lines}
    assert set(by_ref) == {"REF-WRONG", "REF-NOCODE", "REF-B", "REF-USD"}
    assert by_ref["REF-WRONG"].outcome is LineOutcome.WRONG_AMOUNT

    # the wrong amount cannot pay A: the automatic match's rules hold by hand too
    wrong = await refusal(
        lambda: demo.admin.match_exception(by_ref["REF-WRONG"].id, code_a, actor=ADMIN)
    )
    assert wrong.reason is Reason.WRONG_AMOUNT
    dollars = await refusal(
        lambda: demo.admin.match_exception(by_ref["REF-USD"].id, code_a, actor=ADMIN)
    )
    assert dollars.reason is Reason.WRONG_AMOUNT
    unknown = await refusal(
        lambda: demo.admin.match_exception(by_ref["REF-NOCODE"].id, "RLM0000000", actor=ADMIN)
    )
    assert unknown.reason is Reason.UNKNOWN_ORDER
    assert (await StatementLine.get(entry_reference="REF-WRONG")).resolution is None

    # the line without a code has A's exact amount: matched by hand, A is paid with its reference
    matched = await demo.admin.match_exception(by_ref["REF-NOCODE"].id, code_a.lower(), actor=ADMIN)
    assert matched.resolution is Resolution.MATCHED and matched.order_code == code_a
    assert matched.invoice_number and matched.resolved_by == ADMIN
    payment = await Payment.get(order__code=code_a)
    assert (payment.reference, payment.recorded_by) == ("REF-NOCODE", ADMIN)
    again = await refusal(
        lambda: demo.admin.match_exception(by_ref["REF-NOCODE"].id, code_a, actor=ADMIN)
    )
    assert again.reason is Reason.LINE_RESOLVED

    # the same bank reference cannot pay B too, unless forced with a note
    b_total = (await Order.get(code=code_b)).total_cents
    await StatementLine.filter(entry_reference="REF-B").update(amount_cents=b_total)
    await Payment.filter(order__code=code_a).update(reference="REF-B")
    used = await refusal(
        lambda: demo.admin.match_exception(by_ref["REF-B"].id, code_b, actor=ADMIN)
    )
    assert used.reason is Reason.REFERENCE_USED
    with pytest.raises(InvalidInput):
        await demo.admin.match_exception(by_ref["REF-B"].id, code_b, actor=ADMIN, force=True)
    forced = await demo.admin.match_exception(
        by_ref["REF-B"].id, code_b, actor=ADMIN, force=True, note="due ordini, un bonifico"
    )
    assert forced.resolution is Resolution.MATCHED
    assert (await Order.get(code=code_b)).status is OrderStatus.PAID

    # the rest is to be refunded, with a note saying how
    with pytest.raises(InvalidInput) as no_note:
        await demo.admin.refund_exception(by_ref["REF-WRONG"].id, actor=ADMIN, note="  ")
    assert no_note.value.field == "note"
    refund = await demo.admin.refund_exception(
        by_ref["REF-WRONG"].id, actor=ADMIN, note="restituire 1 euro all'ordinante"
    )
    assert refund.resolution is Resolution.REFUND and refund.note.startswith("restituire")
    assert (await Order.get(code=code_a)).status is OrderStatus.PAID  # untouched by the refund

    left = await demo.admin.exceptions(actor=ADMIN)
    assert [line.reference for line in left] == ["REF-USD"]
    everything = await demo.admin.exceptions(actor=ADMIN, include_resolved=True)
    assert len(everything) == 4
    actions = set(await AuditEvent.filter(actor=ADMIN).values_list("action", flat=True))
    assert {"statement.line_matched", "statement.line_refund", "statement.imported"} <= actions
    missing = await refusal(lambda: demo.admin.refund_exception(99999, actor=ADMIN, note="x"))
    assert missing.reason is Reason.UNKNOWN_LINE


async def test_a_statement_path_that_cannot_be_read(demo: Services, tmp_path: Path) -> None:
    for path in ("", str(tmp_path / "manca.csv"), str(tmp_path)):
        with pytest.raises(InvalidInput) as bad:
            await demo.admin.import_statement(path, actor=ADMIN)
        assert bad.value.field == "path"
    garbage = tmp_path / "admin-garbage.xml"
    garbage.write_bytes(b"<Document><nope")
    with pytest.raises(InvalidInput):
        await demo.admin.import_statement(str(garbage), actor=ADMIN)
    assert await StatementLine.all().count() == 0
