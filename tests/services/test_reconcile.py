"""`payments import`: bank statements reconciled with the open orders, on both backends."""

from __future__ import annotations

import pytest

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.errors import InvalidInput
from kiosk.services.dto import LineOutcome, StatementImport
from kiosk.services.facade import Services
from kiosk.store.models import (
    AuditEvent,
    Invoice,
    Order,
    OutboxEmail,
    Payment,
    StatementLine,
)
from tests.services.conftest import RENEWABLE, ROSSI, SOSPESA
from tests.statements import FIXTURES, TO_CHECK, Codes, camt, credit, fill, typo

ACTOR = "admin.demo"


async def place(demo: Services) -> Codes:
    good = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    other = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    gone = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.BONIFICO)
    await demo.renewals.cancel(gone.code, actor=ACTOR)
    return Codes(good.code, other.code, gone.code)


async def counts() -> tuple[int, ...]:
    return (
        await Payment.all().count(),
        await Invoice.all().count(),
        await StatementLine.all().count(),
        await AuditEvent.all().count(),
        await OutboxEmail.all().count(),
    )


async def status(code: str) -> OrderStatus:
    return (await Order.get(code=code)).status


def outcomes(result: StatementImport) -> list[str]:
    return sorted(line.outcome.value for line in result.to_check)


@pytest.mark.parametrize("name", sorted(FIXTURES))
async def test_a_statement_confirms_what_matches_and_lists_the_rest(
    demo: Services, name: str
) -> None:
    fmt, profile, ignored, reference = FIXTURES[name]
    codes = await place(demo)
    result = await demo.reconcile.import_statement(
        fill(name, codes), fmt=fmt, profile=profile, actor=ACTOR
    )
    assert [line.order_code for line in result.confirmed] == [codes.good]
    assert outcomes(result) == TO_CHECK
    assert result.ignored == ignored
    by_outcome = {line.outcome: line for line in result.lines}
    mistyped = by_outcome[LineOutcome.MISTYPED]
    assert mistyped.suggestions == (codes.open_,)  # suggested, never applied
    assert codes.open_ in mistyped.message and typo(codes.open_) in mistyped.causale.upper()
    assert by_outcome[LineOutcome.WRONG_AMOUNT].order_code == codes.open_
    assert by_outcome[LineOutcome.CANCELLED].order_code == codes.cancelled
    assert by_outcome[LineOutcome.DUPLICATE].reference == reference
    assert "Niccolò" in by_outcome[LineOutcome.CONFIRMED].causale  # the encoding was right
    # only A is paid, with the bank's entry reference; by the operator who ran the import
    payment = await Payment.get(order__code=codes.good)
    assert (payment.reference, payment.amount_cents, payment.recorded_by) == (
        reference,
        3050,
        ACTOR,
    )
    assert await status(codes.good) is OrderStatus.PAID
    assert await status(codes.open_) is OrderStatus.PENDING
    assert await status(codes.cancelled) is OrderStatus.CANCELLED
    assert await Payment.all().count() == 1
    rows = await StatementLine.all().order_by("id")
    assert len(rows) == 5 and {r.operator for r in rows} == {ACTOR}
    assert await AuditEvent.filter(action="statement.imported").count() == 1

    # the same statement again: nothing changes, every line reported as already imported
    before = await counts()
    again = await demo.reconcile.import_statement(
        fill(name, codes), fmt=fmt, profile=profile, actor=ACTOR
    )
    assert await counts() == before
    assert not again.confirmed
    assert sorted(line.outcome.value for line in again.lines) == [
        *["already_imported"] * 5,
        "duplicate_line",
    ]
    assert next(line for line in again.settled if line.order_code == codes.good).message.startswith(
        "Già importata il"
    )


async def test_a_dry_run_decides_the_same_and_writes_nothing(demo: Services) -> None:
    codes = await place(demo)
    before = await counts()
    dry = await demo.reconcile.import_statement(
        fill("camt053-001.02.xml", codes), dry_run=True, actor=ACTOR
    )
    assert await counts() == before
    assert await status(codes.good) is OrderStatus.PENDING
    assert dry.dry_run and [line.order_code for line in dry.confirmed] == [codes.good]
    assert outcomes(dry) == TO_CHECK
    real = await demo.reconcile.import_statement(fill("camt053-001.02.xml", codes), actor=ACTOR)
    assert [(r.outcome, r.order_code) for r in real.lines] == [
        (r.outcome, r.order_code) for r in dry.lines
    ]


async def test_an_order_paid_twice_or_before_is_listed_not_confirmed(demo: Services) -> None:
    codes = await place(demo)
    await demo.payments.confirm(codes.open_, 1464, "CRO 77", actor=ACTOR)  # by hand, earlier
    statement = camt(
        credit("S-1", "30.50", f"rinnovo {codes.good}")
        + credit("S-2", "30.50", f"di nuovo {codes.good}")  # the same order again, this file
        + credit("S-3", "14.64", f"rinnovo {codes.open_}")  # paid before by another transfer
        + credit("CRO 77", "14.64", f"rinnovo {codes.open_}")  # the one confirmed by hand
    )
    for dry_run in (True, False):
        result = await demo.reconcile.import_statement(statement, dry_run=dry_run, actor=ACTOR)
        assert [(r.reference, r.outcome.value) for r in result.lines] == [
            ("S-1", "confirmed"),
            ("S-2", "already_paid"),
            ("S-3", "already_paid"),
            ("CRO 77", "already_recorded"),
        ]
    assert await Payment.all().count() == 2


async def test_a_code_nobody_ordered_and_no_near_open_order(demo: Services) -> None:
    codes = await place(demo)
    from kiosk.domain.ordercode import check_char

    unknown = "RLM" + "ZZZZZZ" + check_char("ZZZZZZ")
    result = await demo.reconcile.import_statement(
        camt(
            credit("U-1", "30.50", f"rinnovo {unknown}")
            + credit("U-2", "30.50", f"rinnovo {typo(codes.cancelled)}")  # C is not open
        ),
        actor=ACTOR,
    )
    first, second = result.lines
    assert (first.outcome, first.order_code) == (LineOutcome.UNKNOWN_ORDER, unknown)
    assert (second.outcome, second.suggestions) == (LineOutcome.MISTYPED, ())


@pytest.mark.parametrize(
    ("data", "fmt", "where"),
    [
        (b"Data contabile;Importo;Causale;Descrizione;Riferimento banca\n"
         b"23/11/2026;30,50;B;x;R1\n24/11/2026;trenta;B;y;R2\n", "csv", "riga 3"),
        (b"Data contabile;Importo;Causale;Descrizione;Riferimento banca\n"
         b"31/02/2026;30,50;B;x;R1\n", "csv", "riga 2"),
        (b"Data;Importo;Descrizione\n23/11/2026;30,50;x\n", "csv", "Data contabile"),
        (b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'><BkToCstmrStmt>",
         None, "riga 1"),
        (camt(credit("X", "30,50", "x")), None, "movimento 1"),
        (camt(credit("X", "30.50", "x"), version="001.04"), None, "001.04"),
    ],
)  # fmt: skip
async def test_an_unreadable_statement_is_refused_whole(
    demo: Services, data: bytes, fmt: str | None, where: str
) -> None:
    before = await counts()
    with pytest.raises(InvalidInput) as err:
        await demo.reconcile.import_statement(data, fmt=fmt, actor=ACTOR)
    assert err.value.field == "file" and where in err.value.message
    assert await counts() == before


async def test_an_external_entity_is_never_read(demo: Services) -> None:
    from tests.statements import STATEMENTS

    with pytest.raises(InvalidInput) as err:
        await demo.reconcile.import_statement((STATEMENTS / "xxe.xml").read_bytes(), actor=ACTOR)
    assert "DTD" in err.value.message
    assert "root:" not in err.value.message
    assert await StatementLine.all().count() == 0


async def test_a_statement_of_debits_only_changes_nothing(demo: Services) -> None:
    before = await counts()
    debit = credit("D-1", "10.00", "spese").replace("CRDT", "DBIT")
    result = await demo.reconcile.import_statement(camt(debit, "001.08"), actor=ACTOR)
    assert (result.lines, result.ignored) == ((), 1)
    assert await counts() == before
