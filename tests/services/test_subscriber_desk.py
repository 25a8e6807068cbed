"""The help desk's subscriber page and its audited actions (`SubscriberDeskService`), on both
backends: what the page shows of a demo subscriber with orders, invoices, ledger and callbacks;
what each action changes and audits with the operator; refusals that change nothing."""

from __future__ import annotations

import functools
import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.domain.model import OrderStatus, PaymentMethod, Role
from kiosk.errors import InvalidInput, Refusal
from kiosk.services.dto import DocumentKind
from kiosk.services.facade import Services
from kiosk.services.throttle import key_for
from kiosk.settings import Settings
from kiosk.store.models import AuditEvent, AuthThrottle, Mailbox, Order, OutboxEmail, Subscriber
from tests.conftest import DATA
from tests.services.conftest import CESSATA, RENEWABLE, ROSSI, SOSPESA, TOO_EARLY
from tests.services.mail import last_code, mails_to, refused

OPERATOR = "operatore.demo"
USER = "avv.demo"
RECORDER = "import json, sys\nopen(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]))\n"


@pytest.fixture
def printed(tmp_path: Path) -> Path:
    return tmp_path / "printed.json"


@pytest.fixture
def settings(db_url: str, tmp_path: Path, printed: Path) -> Settings:
    """The suite's settings, with a desk printer: a script that records the file it got."""
    script = tmp_path / "fake_lp.py"
    script.write_text(RECORDER, encoding="utf-8")
    return Settings(
        data_dir=tmp_path / "kiosk-data",
        database_url=db_url,
        refdata_dir=DATA,
        password_time_cost=1,
        password_memory_kib=1024,
        test_mode=True,
        print_command=f"{shlex.quote(sys.executable)} {script} {printed} {{file}}",
    )


@pytest.fixture
async def story(demo: Services) -> dict[str, str]:
    """avv.demo with a paid prepaid renewal (invoice, ledger debit), a bonifico order awaiting
    payment, and a callback request about the cessata mailbox."""
    paid = await demo.renewals.place_order(USER, RENEWABLE, PaymentMethod.PREPAID)
    pending = await demo.renewals.place_order(
        USER, SOSPESA, PaymentMethod.BONIFICO, operator=OPERATOR
    )
    await demo.accounts.request_callback(CESSATA, phone="06 1234567", userid=USER)
    return {"paid": paid.code, "pending": pending.code}


async def audits(action: str) -> list[AuditEvent]:
    return await AuditEvent.filter(action=action).order_by("id")


async def snapshot() -> dict[str, Any]:
    """What an action may change: orders, mailbox holders, outbox, audit trail, throttles."""
    return {
        "orders": sorted(await Order.all().values_list("code", "status")),
        "boxes": sorted(await Mailbox.all().values_list("address", "owner_id")),
        "mails": await OutboxEmail.all().count(),
        "audit": await AuditEvent.all().count(),
        "throttles": sorted(await AuthThrottle.all().values_list("key", "locked_until")),
    }


async def test_the_page_shows_everything_about_a_subscriber(
    demo: Services, story: dict[str, str]
) -> None:
    page = await demo.subscribers.page(USER, operator=OPERATOR)
    assert page.account.userid == USER and page.codice_fiscale == "DMEMRA80A41F912A"
    assert page.has_password and page.login_held_until is None
    boxes = {b.address: b for b in page.account.mailboxes}
    assert set(boxes) == {RENEWABLE, TOO_EARLY, SOSPESA, CESSATA}
    paid, pending = boxes[RENEWABLE].open_order, boxes[SOSPESA].open_order
    assert paid is not None and paid.status is OrderStatus.PAID
    assert pending is not None and pending.code == story["pending"]
    assert page.account.balance_cents == 0
    assert [(e.kind, e.order_code) for e in page.ledger] == [
        ("debit", story["paid"]),
        ("topup", None),
    ]
    assert page.ledger_total == 2 and sum(e.amount_cents for e in page.ledger) == 0
    assert [o.code for o in page.orders] == [story["pending"], story["paid"]]
    assert page.orders[0].operator == OPERATOR and page.orders_total == 2
    assert [(i.number, i.order_code) for i in page.invoices] == [("2026/000001", story["paid"])]
    assert [(c.pec, c.phone, c.status) for c in page.callbacks] == [(CESSATA, "06 1234567", "open")]
    actions = [a.action for a in page.audit]
    assert {"order.created", "prepaid.debit", "callback.requested"} <= set(actions)
    assert page.audit_total == len(page.audit) and page.linkable == ()


async def test_the_page_is_for_operators_only(demo: Services) -> None:
    for actor in (USER, "avv.rossi", "nessuno"):
        error = await refused(functools.partial(demo.subscribers.page, USER, operator=actor))
        assert isinstance(error, Refusal) and error.reason == "not_operator", error
    assert (await demo.subscribers.page(USER, operator="admin.demo")).account.userid == USER


async def test_the_page_refuses_unknown_and_staff_accounts(demo: Services) -> None:
    error = await refused(lambda: demo.subscribers.page("nessuno", operator=OPERATOR))
    assert isinstance(error, Refusal) and error.reason == "unknown_user"
    error = await refused(lambda: demo.subscribers.page("admin.demo", operator=OPERATOR))
    assert isinstance(error, Refusal) and error.reason == "not_subscriber"
    error = await refused(lambda: demo.subscribers.page("x" * 40, operator=OPERATOR))
    assert isinstance(error, InvalidInput) and error.field == "userid"


async def test_lists_are_bounded_and_say_how_many_there_are(demo: Services) -> None:
    for n in range(55):
        await demo.accounts.top_up(USER, 100, actor="admin.demo", reference=f"CRO{n}")
    page = await demo.subscribers.page(USER, operator=OPERATOR)
    assert len(page.ledger) == page.limit == 50 and page.ledger_total == 56
    assert page.ledger[0].reference == "CRO54" and page.ledger[0].recorded_by == "admin.demo"
    assert len(page.audit) == 50 and page.audit_total == 55


# --- link a mailbox ------------------------------------------------------------------------


async def twin(services: Services) -> Subscriber:
    """The same lawyer's second account (same codice fiscale) holding a mailbox of theirs."""
    first = await Subscriber.get(userid=USER)
    other = await Subscriber.create(
        userid="maria.provider",
        nominativo="Maria Demo",
        codice_fiscale=first.codice_fiscale,
        email="maria@example.org",
        area_id=first.area_id,
        role=Role.SUBSCRIBER,
        created_at=services.ctx.now(),
    )
    await Mailbox.filter(address=TOO_EARLY).update(owner_id=other.id)
    return other


async def test_link_a_mailbox_held_by_the_same_person(demo: Services) -> None:
    other = await twin(demo)
    page = await demo.subscribers.page(USER, operator=OPERATOR)
    assert page.linkable == (TOO_EARLY,)
    view = await demo.subscribers.link_mailbox(USER, " M.Demo@Legalmail.it ", operator=OPERATOR)
    assert view.address == TOO_EARLY
    box = await Mailbox.get(address=TOO_EARLY).prefetch_related("owner")
    assert box.owner.userid == USER
    [event] = await audits("mailbox.linked")
    assert (event.actor, event.subject) == (OPERATOR, USER)
    assert event.details == {"pec": TOO_EARLY, "previous_holder": other.userid}
    page = await demo.subscribers.page(USER, operator=OPERATOR)
    assert page.linkable == () and TOO_EARLY in {b.address for b in page.account.mailboxes}
    assert "mailbox.linked" in [a.action for a in page.audit]
    # the search finds the address under its new holder only
    hits = await demo.search.subscribers(TOO_EARLY)
    assert [h.userid for h in hits] == [USER]


async def test_link_refusals_change_nothing(demo: Services) -> None:
    await twin(demo)
    before = await snapshot()
    cases = {
        ROSSI: "owned_elsewhere",  # another person's
        RENEWABLE: "already_linked",
        "nessuna@pec.it": "unknown_mailbox",
    }
    for pec, reason in cases.items():
        error = await refused(
            functools.partial(demo.subscribers.link_mailbox, USER, pec, operator=OPERATOR)
        )
        assert isinstance(error, Refusal) and error.reason == reason, (pec, error)
        assert "avv.rossi" in error.message if reason == "owned_elsewhere" else True
    error = await refused(
        lambda: demo.subscribers.link_mailbox(USER, "non è un indirizzo", operator=OPERATOR)
    )
    assert isinstance(error, InvalidInput) and error.field == "pec"
    error = await refused(lambda: demo.subscribers.link_mailbox(USER, TOO_EARLY, operator=USER))
    assert isinstance(error, Refusal) and error.reason == "not_operator"
    assert await snapshot() == before


async def test_link_refuses_a_mailbox_with_an_order_under_way(demo: Services) -> None:
    other = await twin(demo)
    await Mailbox.filter(address=ROSSI).update(owner_id=other.id)  # renewable now
    order = await demo.renewals.place_order("maria.provider", ROSSI, PaymentMethod.BONIFICO)
    before = await snapshot()
    error = await refused(lambda: demo.subscribers.link_mailbox(USER, ROSSI, operator=OPERATOR))
    assert isinstance(error, Refusal) and error.reason == "pending" and order.code in error.message
    assert await snapshot() == before


# --- unlock, recovery code ------------------------------------------------------------------


async def test_unlock_the_login(demo: Services) -> None:
    for _ in range(demo.ctx.settings.max_failed_logins):
        await refused(lambda: demo.auth.login(USER, "Sbagliata2026!"))
        row = await AuthThrottle.get(key=key_for("login", USER))
        if row.next_allowed_at:
            demo.ctx.clock.advance(row.next_allowed_at - demo.ctx.now())  # type: ignore[attr-defined]
    page = await demo.subscribers.page(USER, operator=OPERATOR)
    assert page.login_held_until is not None
    assert await demo.subscribers.unlock(USER, operator=OPERATOR) is True
    [event] = await audits("login.unlocked")
    assert (event.actor, event.subject) == (OPERATOR, USER)
    assert (await demo.subscribers.page(USER, operator=OPERATOR)).login_held_until is None
    await demo.auth.login(USER, "Rinnovo2026!")
    error = await refused(lambda: demo.subscribers.unlock(USER, operator="avv.rossi"))
    assert isinstance(error, Refusal) and error.reason == "not_operator"
    assert len(await audits("login.unlocked")) == 1


async def test_send_a_recovery_code_to_the_email_on_record(demo: Services) -> None:
    masked = await demo.subscribers.send_recovery(USER, operator=OPERATOR)
    assert "@example.org" in masked and masked != "avv.demo@example.org"
    code = await last_code(demo, "avv.demo@example.org")
    assert code not in masked
    [event] = await audits("recovery.sent")
    assert (event.actor, event.subject) == (OPERATOR, USER)
    assert code not in json.dumps(event.details)
    await demo.auth.reset_password(USER, code, "Nuova-Password-2026")
    before = await snapshot()
    error = await refused(lambda: demo.subscribers.send_recovery(USER, operator=USER))
    assert isinstance(error, Refusal) and error.reason == "not_operator"
    error = await refused(lambda: demo.subscribers.send_recovery("admin.demo", operator=OPERATOR))
    assert isinstance(error, Refusal) and error.reason == "not_subscriber"
    assert await snapshot() == before


# --- documents ------------------------------------------------------------------------------


async def test_resend_the_reminder_and_the_invoice(demo: Services, story: dict[str, str]) -> None:
    sent = await demo.subscribers.email_document(
        USER, story["pending"], DocumentKind.REMINDER, operator=OPERATOR
    )
    assert sent.order_code == story["pending"]
    await demo.subscribers.email_document(
        USER, story["paid"], DocumentKind.INVOICE, operator=OPERATOR
    )
    events = await audits("mail.document")
    assert [(e.actor, e.subject) for e in events] == [
        (OPERATOR, story["pending"]),
        (OPERATOR, story["paid"]),
    ]
    subjects = [s for s, _b in await mails_to(demo, "avv.demo@example.org")]
    assert len([s for s in subjects if story["paid"] in s or story["pending"] in s]) >= 2


async def test_print_the_reminder_and_the_invoice(
    demo: Services, story: dict[str, str], printed: Path
) -> None:
    document = await demo.subscribers.print_document(
        USER, story["paid"], DocumentKind.INVOICE, operator=OPERATOR
    )
    assert json.loads(printed.read_text()) == [str(document.path)]  # noqa: ASYNC240
    await demo.subscribers.print_document(
        USER, story["pending"], DocumentKind.REMINDER, operator=OPERATOR
    )
    events = await audits("document.printed")
    assert [(e.actor, e.subject, e.details["order"]) for e in events] == [
        (OPERATOR, USER, story["paid"]),
        (OPERATOR, USER, story["pending"]),
    ]


async def test_document_refusals_change_nothing(demo: Services, story: dict[str, str]) -> None:
    rossi = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    before = await snapshot()
    cases = [
        (USER, rossi.code, DocumentKind.REMINDER, OPERATOR, "not_owner"),
        (USER, story["paid"], DocumentKind.REMINDER, OPERATOR, "not_pending"),
        (USER, story["pending"], DocumentKind.INVOICE, OPERATOR, "no_invoice"),
        (USER, "RLM0000000", DocumentKind.INVOICE, OPERATOR, "unknown_order"),
        (USER, story["paid"], DocumentKind.INVOICE, USER, "not_operator"),
    ]
    for userid, code, kind, actor, reason in cases:
        for call in (demo.subscribers.email_document, demo.subscribers.print_document):
            error = await refused(functools.partial(call, userid, code, kind, operator=actor))
            assert isinstance(error, Refusal) and error.reason == reason, (code, kind, error)
    assert await snapshot() == before


# --- cancel and re-issue --------------------------------------------------------------------


async def test_cancel_an_order(demo: Services, story: dict[str, str]) -> None:
    view = await demo.subscribers.cancel_order(USER, story["pending"], operator=OPERATOR)
    assert view.status is OrderStatus.CANCELLED
    [event] = await audits("order.cancelled")
    assert (event.actor, event.subject) == (OPERATOR, story["pending"])
    page = await demo.subscribers.page(USER, operator=OPERATOR)
    assert "order.cancelled" in [a.action for a in page.audit]


async def test_reissue_an_order(demo: Services, story: dict[str, str]) -> None:
    old = await demo.renewals.order(story["pending"])
    new = await demo.subscribers.reissue_order(USER, story["pending"], operator="admin.demo")
    assert new.code != old.code and new.status is OrderStatus.PENDING
    assert (new.pec, new.method, new.total_cents) == (old.pec, old.method, old.total_cents)
    assert new.assisted and new.operator == "admin.demo"  # assisted stays assisted
    assert (await demo.renewals.order(old.code)).status is OrderStatus.CANCELLED
    cancelled = await audits("order.cancelled")
    created = (await audits("order.created"))[-1]
    assert [(e.actor, e.subject) for e in cancelled] == [("admin.demo", old.code)]
    assert (created.actor, created.subject) == ("admin.demo", new.code)


async def test_reissue_keeps_an_unassisted_order_unassisted(demo: Services) -> None:
    placed = await demo.renewals.place_order(USER, SOSPESA, PaymentMethod.BOLLETTINO)
    new = await demo.subscribers.reissue_order(USER, placed.code, operator=OPERATOR)
    assert not new.assisted and new.total_cents == placed.total_cents
    assert new.method is PaymentMethod.BOLLETTINO


async def test_order_refusals_change_nothing(demo: Services, story: dict[str, str]) -> None:
    rossi = await demo.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BONIFICO)
    before = await snapshot()
    cases = [
        (rossi.code, OPERATOR, "not_owner"),
        (story["paid"], OPERATOR, "not_pending"),
        ("RLM0000000", OPERATOR, "unknown_order"),
        (story["pending"], "avv.rossi", "not_operator"),
    ]
    for code, actor, reason in cases:
        for call in (demo.subscribers.cancel_order, demo.subscribers.reissue_order):
            error = await refused(functools.partial(call, USER, code, operator=actor))
            assert isinstance(error, Refusal) and error.reason == reason, (code, error)
    assert await snapshot() == before
