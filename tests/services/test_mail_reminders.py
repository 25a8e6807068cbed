"""Expiry reminders across clock jumps (each once per mailbox and expiry, caught up after
downtime without duplicates), and the other messages queued with the change they report:
renewal done, callback acknowledged, a document by e-mail, a recovery code. Both backends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.model import PaymentMethod
from kiosk.errors import Reason, Refusal
from kiosk.services.dto import DocumentKind
from kiosk.services.facade import Services
from kiosk.services.reminders import due_threshold
from kiosk.store.models import Mailbox, OutboxEmail
from tests.services.conftest import CESSATA, RENEWABLE, ROSSI, SOSPESA, TOO_EARLY
from tests.services.mail import mails_to


async def reminded() -> list[tuple[str, int]]:
    """(mailbox address, threshold) of every reminder queued, in order."""
    rows = await OutboxEmail.filter(kind="reminder").order_by("id")
    boxes = {b.id: b.address for b in await Mailbox.all()}
    return [(boxes[int(str(r.params["mailbox_id"]))], int(str(r.params["days"]))) for r in rows]


def test_due_threshold() -> None:
    from datetime import date

    expiry = date(2027, 3, 31)
    assert due_threshold(expiry, date(2026, 12, 30)) is None  # 91 days
    assert due_threshold(expiry, date(2026, 12, 31)) == 90
    assert due_threshold(expiry, date(2027, 3, 1)) == 30
    assert due_threshold(expiry, date(2027, 3, 24)) == 7
    assert due_threshold(expiry, date(2027, 3, 31)) == 7
    assert due_threshold(expiry, date(2027, 4, 1)) is None  # expired


async def test_reminders_once_each_and_caught_up_after_a_clock_jump(
    demo: Services, clock: FixedClock
) -> None:
    run = await demo.reminders.queue_due()  # RENEWABLE in 20 days, ROSSI in 45
    assert sorted(run.queued) == sorted([RENEWABLE, ROSSI])
    assert await reminded() == [(RENEWABLE, 30), (ROSSI, 90)] or await reminded() == [
        (ROSSI, 90),
        (RENEWABLE, 30),
    ]
    again = await demo.reminders.queue_due()
    assert again.queued == () and again.already == 2
    clock.advance(timedelta(days=14))  # RENEWABLE 6 days away, ROSSI 31
    assert (await demo.reminders.queue_due()).queued == (RENEWABLE,)
    # the kiosk was down for a month: ROSSI is a day away; only the 7-day reminder is due
    clock.advance(timedelta(days=30))
    assert (await demo.reminders.queue_due()).queued == (ROSSI,)
    assert sorted(await reminded()) == sorted(
        [(RENEWABLE, 30), (ROSSI, 90), (RENEWABLE, 7), (ROSSI, 7)]
    )
    # and TOO_EARLY, 200 days from NOW, once it is 85 days away
    clock.advance(timedelta(days=71))
    assert (await demo.reminders.queue_due()).queued == (TOO_EARLY,)
    assert CESSATA not in [a for a, _d in await reminded()]
    assert SOSPESA not in [a for a, _d in await reminded()]


async def test_reminder_runs_at_once_queue_nothing_twice(demo: Services) -> None:
    runs = await asyncio.gather(*(demo.reminders.queue_due() for _ in range(4)))
    assert sorted(a for r in runs for a in r.queued) == sorted([RENEWABLE, ROSSI])
    assert await OutboxEmail.filter(kind="reminder").count() == 2


async def test_a_renewed_box_is_reminded_of_its_new_expiry_only(
    demo: Services, clock: FixedClock
) -> None:
    await demo.reminders.queue_due()
    paid = await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    # the queued reminder is about an expiry that no longer is: not sent
    clock.advance(timedelta(days=2))
    await demo.payments.activate_due()
    row = await OutboxEmail.get(kind="reminder", to_address="avv.demo@example.org")
    with pytest.raises(Refusal) as gone:
        await demo.outbox.render_mail(row)
    assert gone.value.reason is Reason.MAIL_GONE
    # the renewal is announced, with the new expiry
    done = await demo.outbox.render_mail(await OutboxEmail.get(kind="renewal"))
    assert RENEWABLE in done.subject and paid.code in done.body and "15/12/2027" in done.body
    clock.advance(timedelta(days=360))  # a year on: the new expiry's reminders
    assert RENEWABLE in (await demo.reminders.queue_due()).queued


async def test_paid_boxes_are_not_reminded(demo: Services) -> None:
    await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
    assert (await demo.reminders.queue_due()).queued == (ROSSI,)


async def test_callback_acknowledged_in_the_same_transaction(demo: Services) -> None:
    await demo.accounts.request_callback(CESSATA, phone="+39 081 1234567", userid="avv.demo")
    await demo.accounts.request_callback(CESSATA, phone="+39 081 1234567", userid="avv.demo")
    mails = [m for m in await mails_to(demo, "avv.demo@example.org") if "richiamato" in m[0]]
    assert len(mails) == 1  # the second request is the same open one
    assert CESSATA in mails[0][0] and "+39 081 1234567" in mails[0][1]


async def test_email_document_masks_the_address(demo: Services) -> None:
    order = await demo.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    sent = await demo.outbox.email_document(order.code, DocumentKind.REMINDER)
    assert sent.masked_address == "a******o@example.org"
    row = await OutboxEmail.get(kind="document")
    mail = await demo.outbox.render_mail(row)
    assert mail.to == "avv.demo@example.org" and order.code in mail.subject
    ((attachment),) = mail.attachments
    assert attachment.mime_type == "application/pdf" and attachment.data.startswith(b"%PDF")
    with pytest.raises(Refusal) as refused:
        await demo.outbox.email_document(order.code, DocumentKind.INVOICE)
    assert refused.value.reason is Reason.NO_INVOICE


async def test_recovery_code_by_mail_is_not_stored(demo: Services) -> None:
    await demo.auth.request_recovery("avv.demo")
    row = await OutboxEmail.get(kind="recovery")
    assert row.subject == "" and row.body == "" and row.message_id
    mail = await demo.outbox.render_mail(row)
    assert "Codice di recupero:" in mail.body
    code = mail.body.split("Codice di recupero: ")[1][:8]
    assert code.isdigit() and code not in str(row.params)
