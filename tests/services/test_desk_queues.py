"""The help desk's queues on both backends: callbacks (take race, notes, close), the expiry
radar (window, sort, reminders queued once a day), the day's takings (by method and operator,
Rome's day boundary) and the cash-up PDF."""

from __future__ import annotations

import asyncio
import stat
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from kiosk.clock import ROME, FixedClock
from kiosk.domain.model import MailboxFamily, PaymentMethod, Role
from kiosk.errors import InvalidInput, Refusal
from kiosk.services.desk_views import CallbackOrigin, CallbackStatus
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, Mailbox, OutboxEmail, Subscriber
from tests.services.conftest import CESSATA, RENEWABLE, ROSSI, SOSPESA, TOO_EARLY

OP, ADMIN, OTHER = "operatore.demo", "admin.demo", "operatore.due"
NOCERA = "avvocatinocera.lextel.it"


async def add_operator(services: Services, userid: str = OTHER) -> None:
    await Subscriber.create(
        userid=userid,
        nominativo="Secondo Operatore",
        email="due@example.org",
        area_id="www.lextel.it",
        role=Role.OPERATOR,
        created_at=services.ctx.now(),
    )


# --- callbacks -------------------------------------------------------------------------------


async def test_the_queue_lists_requests_and_boxes_past_the_window(demo: Services) -> None:
    queue = await demo.callbacks.queue(OP)
    assert [(e.key, e.origin, e.status) for e in queue.entries] == [
        (CESSATA, CallbackOrigin.WINDOW, CallbackStatus.OPEN)
    ]
    assert queue.entries[0].userid == "avv.demo" and queue.entries[0].id is None
    request = await demo.accounts.request_callback(CESSATA, phone="081 1234567", userid="avv.demo")
    queue = await demo.callbacks.queue(OP)  # the request stands for the box now: once
    assert [(e.key, e.origin, e.phone) for e in queue.entries] == [
        (str(request.id), CallbackOrigin.REQUEST, "081 1234567")
    ]
    assert await AuditEvent.filter(action__startswith="callback.taken").count() == 0


async def test_looking_writes_nothing_acting_makes_one_request(demo: Services) -> None:
    await demo.callbacks.queue(OP, status="all")
    from kiosk.store.models import CallbackRequest

    assert await CallbackRequest.all().count() == 0
    taken = await demo.callbacks.take(OP, CESSATA)
    assert taken.status is CallbackStatus.TAKEN and taken.taken_by == OP and taken.id
    assert taken.origin is CallbackOrigin.WINDOW
    again = await demo.callbacks.take(OP, str(taken.id))  # one's own again: nothing changes
    assert again.taken_at == taken.taken_at
    assert await CallbackRequest.all().count() == 1
    actions = await AuditEvent.filter(action__startswith="callback.").values_list("action", "actor")
    assert sorted(actions) == [("callback.opened", OP), ("callback.taken", OP)]


@pytest.mark.parametrize("by_address", [True, False])
async def test_two_operators_take_the_same_entry_at_once_one_wins(
    demo: Services, by_address: bool
) -> None:
    await add_operator(demo)
    key = CESSATA
    if not by_address:
        key = str((await demo.accounts.request_callback(CESSATA, userid="avv.demo")).id)
    outcomes = await asyncio.gather(
        demo.callbacks.take(OP, key), demo.callbacks.take(OTHER, key), return_exceptions=True
    )
    won = [o for o in outcomes if not isinstance(o, BaseException)]
    lost = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], Refusal) and lost[0].reason == "callback_taken"
    assert lost[0].details["taken_by"] == won[0].taken_by
    assert await AuditEvent.filter(action="callback.taken").count() == 1


async def test_taken_by_another_refused_unless_admin(demo: Services) -> None:
    await add_operator(demo)
    entry = await demo.callbacks.take(OP, CESSATA)
    with pytest.raises(Refusal) as refused:
        await demo.callbacks.take(OTHER, entry.key)
    assert refused.value.reason == "callback_taken" and OP in refused.value.message
    with pytest.raises(Refusal):
        await demo.callbacks.close(OTHER, entry.key, "richiamato")
    moved = await demo.callbacks.take(ADMIN, entry.key)
    assert moved.taken_by == ADMIN
    event = await AuditEvent.get(action="callback.reassigned")
    assert event.actor == ADMIN and event.details["previous"] == OP


async def test_notes_append_with_who_and_when_then_close(demo: Services, clock: FixedClock) -> None:
    await add_operator(demo)
    entry = await demo.callbacks.take(OP, CESSATA)
    await demo.callbacks.add_note(OP, entry.key, "  Non risponde,   riprovare  ")
    clock.advance(timedelta(minutes=5))
    noted = await demo.callbacks.add_note(OTHER, entry.key, "Richiamato alle 10:05")
    assert [(n.author, n.text) for n in noted.notes] == [
        (OP, "Non risponde, riprovare"),
        (OTHER, "Richiamato alle 10:05"),
    ]
    assert noted.notes[1].at - noted.notes[0].at == timedelta(minutes=5)
    with pytest.raises(InvalidInput) as empty:
        await demo.callbacks.add_note(OP, entry.key, "   ")
    assert empty.value.field == "note"
    with pytest.raises(InvalidInput):
        await demo.callbacks.close(OP, entry.key, "")
    closed = await demo.callbacks.close(OP, entry.key, "Rinnovata dal Supporto Vendite")
    assert closed.status is CallbackStatus.CLOSED and closed.closed_by == OP
    assert closed.outcome == "Rinnovata dal Supporto Vendite"
    with pytest.raises(Refusal) as again:
        await demo.callbacks.close(OP, entry.key, "di nuovo")
    assert again.value.reason == "callback_closed"
    with pytest.raises(Refusal):
        await demo.callbacks.take(OP, CESSATA)  # the box's closed request, not a new one
    assert (await demo.callbacks.queue(OP)).entries == ()  # closed: off the open queue
    assert [e.key for e in (await demo.callbacks.queue(OP, status="closed")).entries] == [entry.key]
    assert [e.key for e in (await demo.callbacks.queue(OP, status="taken")).entries] == []
    event = await AuditEvent.get(action="callback.closed")
    assert event.actor == OP and event.details["outcome"] == "Rinnovata dal Supporto Vendite"


async def test_mine_and_text_filters(demo: Services) -> None:
    await add_operator(demo)
    await demo.callbacks.take(OTHER, CESSATA)
    assert (await demo.callbacks.queue(OP, status="taken", mine=True)).entries == ()
    mine = await demo.callbacks.queue(OTHER, status="taken", mine=True)
    assert [e.pec for e in mine.entries] == [CESSATA]
    assert [e.pec for e in (await demo.callbacks.queue(OP, status="all", text="ARCHIVIO")).entries]
    assert (await demo.callbacks.queue(OP, status="all", text="nessuno")).entries == ()


async def test_bad_keys_and_strangers(demo: Services) -> None:
    with pytest.raises(Refusal) as unknown:
        await demo.callbacks.take(OP, "999")
    assert unknown.value.reason == "unknown_callback"
    with pytest.raises(InvalidInput):
        await demo.callbacks.take(OP, "qualcosa")
    with pytest.raises(Refusal) as renewable:
        await demo.callbacks.take(OP, RENEWABLE)
    assert renewable.value.reason == "renewable"
    with pytest.raises(Refusal) as lawyer:
        await demo.callbacks.queue("avv.demo")
    assert lawyer.value.reason == "not_operator"
    with pytest.raises(InvalidInput):
        await demo.callbacks.queue(OP, status="chiuse")


# --- the radar ---------------------------------------------------------------------------------


async def extra_boxes(services: Services) -> None:
    """Two more lawyers in Nocera: `avv.alfa` named Zeta, `avv.zeta` named Alfa."""
    today = services.ctx.clock.today()
    for userid, name, days in (("avv.alfa", "Avv. Zeta Ultimo", 10), ("avv.zeta", "Avv. Alfa", 25)):
        owner = await Subscriber.create(
            userid=userid,
            nominativo=name,
            email=f"{userid}@example.org",
            area_id=NOCERA,
            created_at=services.ctx.now(),
        )
        expiry = today + timedelta(days=days)
        await Mailbox.create(
            address=f"{userid.replace('.', '-')}@pec.avvocatinocera.it",
            family=MailboxFamily.CONVENZIONE_ORDINE,
            area_id=NOCERA,
            owner=owner,
            anchor_date=expiry.replace(year=expiry.year - 1),
            expiry_date=expiry,
            created_at=services.ctx.now(),
        )


async def test_radar_window_and_sort(demo: Services) -> None:
    await extra_boxes(demo)
    radar = await demo.radar.scan(OP, NOCERA, 30)
    assert [r.pec for r in radar.rows] == [
        "avv-alfa@pec.avvocatinocera.it",
        RENEWABLE,
        "avv-zeta@pec.avvocatinocera.it",
    ]
    assert [r.days_left for r in radar.rows] == [10, 20, 25]
    assert all(r.state == "attiva" for r in radar.rows)
    by_name = await demo.radar.scan(OP, NOCERA, 30, "name")
    assert [r.nominativo for r in by_name.rows] == [
        "Avv. Alfa",
        "Avv. Maria Demo",
        "Avv. Zeta Ultimo",
    ]
    by_userid = await demo.radar.scan(OP, NOCERA, 30, "userid")
    assert [r.userid for r in by_userid.rows] == ["avv.alfa", "avv.demo", "avv.zeta"]
    wide = await demo.radar.scan(OP, NOCERA, 365)
    assert TOO_EARLY in [r.pec for r in wide.rows]
    assert SOSPESA not in [r.pec for r in wide.rows] and ROSSI not in [r.pec for r in wide.rows]
    assert [r.pec for r in (await demo.radar.scan(OP, NOCERA, 10)).rows] == [
        "avv-alfa@pec.avvocatinocera.it"  # the 10th day is in
    ]


async def test_radar_shows_the_open_order(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.BONIFICO)
    row = next(r for r in (await demo.radar.scan(OP, NOCERA, 30)).rows if r.pec == RENEWABLE)
    assert row.open_order is not None and row.open_order.code == order.code


@pytest.mark.parametrize(
    ("area", "days", "sort", "field"),
    [
        (NOCERA, 0, "expiry", "days"),
        (NOCERA, 366, "expiry", "days"),
        (NOCERA, 30, "colore", "sort"),
        ("nessuna.area", 30, "expiry", "area"),
    ],
)
async def test_radar_bad_input(demo: Services, area: str, days: int, sort: str, field: str) -> None:
    with pytest.raises(InvalidInput) as bad:
        await demo.radar.scan(OP, area, days, sort)
    assert bad.value.field == field


async def test_reminders_to_a_selection_are_queued_once_a_day(
    demo: Services, clock: FixedClock
) -> None:
    await extra_boxes(demo)
    selection = [RENEWABLE, "avv-alfa@pec.avvocatinocera.it", SOSPESA]
    sent = await demo.radar.send_reminders(OP, selection)
    assert sorted(sent.queued) == sorted(selection[:2]) and sent.skipped == (SOSPESA,)
    again = await asyncio.gather(
        demo.radar.send_reminders(OP, selection), demo.radar.send_reminders(ADMIN, selection)
    )
    assert all(r.queued == () and sorted(r.already) == sorted(selection[:2]) for r in again)
    rows = await OutboxEmail.filter(template="expiry_reminder").order_by("id")
    assert [r.to_address for r in rows] == ["avv.demo@example.org", "avv.alfa@example.org"] or [
        r.to_address for r in rows
    ] == ["avv.alfa@example.org", "avv.demo@example.org"]
    events = await AuditEvent.filter(action="radar.reminders")
    assert len(events) == 1 and events[0].actor == OP
    clock.advance(timedelta(days=1))  # the next day: another click sends again
    assert len((await demo.radar.send_reminders(OP, selection)).queued) == 2
    with pytest.raises(InvalidInput):
        await demo.radar.send_reminders(OP, [])


# --- takings -----------------------------------------------------------------------------------


async def paid_offline(
    services: Services, userid: str, pec: str, *, operator: str | None = None
) -> int:
    order = await services.renewals.place_order(
        userid, pec, PaymentMethod.BONIFICO, operator=operator
    )
    await services.payments.confirm(order.code, order.total_cents, f"CRO {order.code}", actor=ADMIN)
    return order.total_cents


async def test_takings_by_method_and_operator_across_rome_midnight(
    demo: Services, clock: FixedClock
) -> None:
    clock.set(datetime(2026, 11, 24, 23, 30, tzinfo=ROME))  # 22:30 UTC: the 24th in Rome
    late = await paid_offline(demo, "avv.rossi", ROSSI)
    clock.set(datetime(2026, 11, 25, 0, 30, tzinfo=ROME))  # 23:30 UTC on the 24th: the 25th
    prepaid = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=ROME))
    assisted = await paid_offline(demo, "avv.demo", SOSPESA, operator=OP)

    day24 = await demo.takings.day(OP, date(2026, 11, 24))
    assert day24.total_cents == late and day24.count == 1
    assert [(t.key, t.count) for t in day24.by_operator] == [(ADMIN, 1)]  # confirmed by admin

    today = await demo.takings.day(OP)
    assert today.day == date(2026, 11, 25)
    assert today.total_cents == prepaid.total_cents + assisted
    assert {t.key: (t.count, t.amount_cents) for t in today.by_method} == {
        "prepaid": (1, prepaid.total_cents),
        "bonifico": (1, assisted),
    }
    assert {t.key: (t.count, t.amount_cents) for t in today.by_operator} == {
        OP: (1, assisted),  # the assisted order's operator, not the admin who confirmed it
        "": (1, prepaid.total_cents),  # the lawyer alone
    }
    assert today.by_operator[-1].key == ""  # self-service last
    assert (await demo.takings.day(OP, date(2026, 11, 23))).payments == ()
    with pytest.raises(InvalidInput):
        await demo.takings.day(OP, date(2026, 11, 26))  # tomorrow
    with pytest.raises(Refusal):
        await demo.takings.day("avv.demo")


async def test_cash_up_pdf_says_the_totals(demo: Services) -> None:
    assisted = await paid_offline(demo, "avv.demo", SOSPESA, operator=OP)
    report = await demo.takings.report(OP)
    assert report.path.name == "incassi-2026-11-25.pdf"
    assert stat.S_IMODE(report.path.stat().st_mode) == 0o600
    text = "\n".join(page.extract_text() for page in PdfReader(report.path).pages)
    euros = f"{assisted // 100},{assisted % 100:02d}"
    assert "RAPPORTO DI CASSA" in text and "25/11/2026" in text
    assert "bonifico" in text and OP in text and euros in text and "€" in text
    assert await AuditEvent.filter(action="takings.report", actor=OP).count() == 1
    with pytest.raises(Refusal) as no_printer:
        await demo.takings.print_report(OP)
    assert no_printer.value.reason == "print_disabled"
