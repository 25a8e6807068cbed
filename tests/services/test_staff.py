"""The administration manages the help desk's accounts, on both backends: list, add (a code by
e-mail, never a password on screen), disable and enable (a disabled account cannot log in nor
act), reset (the old password void at once)."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.domain.model import Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, OutboxEmail, RecoveryCode, Subscriber
from tests.services.mail import last_code, mails_to

ADMIN = "admin.demo"
OPERATOR = "operatore.demo"
OPERATOR_PASSWORD = "Sportello2026!"
OPERATOR_MAIL = "sportello@example.org"
NEW_PASSWORD = "Nuova-Password-2026"


async def test_an_operator_is_refused_everything(demo: Services) -> None:
    before = await AuditEvent.all().count()
    for call in (
        lambda: demo.staff.members(actor=OPERATOR),
        lambda: demo.staff.add(
            actor=OPERATOR,
            userid="x.nuovo",
            nominativo="X Nuovo",
            email="x@example.org",
            role=Role.OPERATOR,
        ),
        lambda: demo.staff.set_enabled(ADMIN, False, actor=OPERATOR),
        lambda: demo.staff.reset(ADMIN, actor=OPERATOR),
    ):
        with pytest.raises(Refusal) as refused:
            await call()
        assert refused.value.reason is Reason.NOT_ADMIN
    assert await AuditEvent.all().count() == before
    assert not await Subscriber.exists(userid="x.nuovo")


async def test_list_and_add_staff_with_an_emailed_code(demo: Services) -> None:
    members = await demo.staff.members(actor=ADMIN)
    assert [(m.userid, m.role, m.enabled) for m in members] == [
        (ADMIN, Role.ADMIN, True),
        (OPERATOR, Role.OPERATOR, True),
    ]
    access = await demo.staff.add(
        actor=ADMIN,
        userid="Sportello.Due",
        nominativo="Carla Neri",
        email="carla.neri@example.org",
        role=Role.OPERATOR,
    )
    member = access.member
    assert (member.userid, member.role, member.has_password) == (
        "sportello.due",
        Role.OPERATOR,
        False,
    )
    event = await AuditEvent.get(action="register", subject="sportello.due")
    assert event.actor == ADMIN
    # the code reaches the new operator only; with it they choose their password and log in
    code = await last_code(demo, "carla.neri@example.org")
    subject, body = (await mails_to(demo, "carla.neri@example.org"))[-1]
    assert "sportello.due" in body and subject == "Accesso allo sportello PEC"
    row = await OutboxEmail.filter(to_address="carla.neri@example.org").first()
    assert row is not None and code not in row.body and code not in str(row.params)
    await demo.auth.reset_password("sportello.due", code, NEW_PASSWORD)
    user = await demo.auth.login("sportello.due", NEW_PASSWORD)
    assert user.role is Role.OPERATOR
    # taken userid, a subscriber's role, a bad e-mail: nothing added
    with pytest.raises(InvalidInput) as taken:
        await demo.staff.add(
            actor=ADMIN,
            userid=OPERATOR,
            nominativo="Doppio",
            email="d@example.org",
            role=Role.OPERATOR,
        )
    assert taken.value.field == "userid"
    with pytest.raises(InvalidInput) as role:
        await demo.staff.add(
            actor=ADMIN,
            userid="avv.x",
            nominativo="Avv X",
            email="x@example.org",
            role=Role.SUBSCRIBER,
        )
    assert role.value.field == "role"
    with pytest.raises(InvalidInput):
        await demo.staff.add(
            actor=ADMIN,
            userid="op.x",
            nominativo="Op X",
            email="non-un-indirizzo",
            role=Role.ADMIN,
        )
    assert len(await demo.staff.members(actor=ADMIN)) == 3


async def test_a_disabled_operator_cannot_log_in_nor_act(demo: Services) -> None:
    await demo.auth.login(OPERATOR, OPERATOR_PASSWORD)
    member = await demo.staff.set_enabled(OPERATOR, False, actor=ADMIN)
    assert not member.enabled
    with pytest.raises(Refusal) as refused:
        await demo.auth.login(OPERATOR, OPERATOR_PASSWORD)
    assert refused.value.reason is Reason.BAD_CREDENTIALS  # the words of a wrong password
    assert await demo.accounts.staff_member(OPERATOR) is None  # the CLI's --as
    assert await AuditEvent.filter(action="login.disabled", subject=OPERATOR).count() == 1
    assert await AuditEvent.filter(action="staff.disabled", actor=ADMIN).count() == 1
    # again: nothing changes, nothing recorded
    await demo.staff.set_enabled(OPERATOR, False, actor=ADMIN)
    assert await AuditEvent.filter(action="staff.disabled").count() == 1
    enabled = await demo.staff.set_enabled(OPERATOR, True, actor=ADMIN)
    assert enabled.enabled
    await demo.auth.login(OPERATOR, OPERATOR_PASSWORD)
    assert await demo.accounts.staff_member(OPERATOR) is not None


async def test_a_disabled_administrator_is_no_administrator(demo: Services) -> None:
    other = await demo.staff.add(
        actor=ADMIN,
        userid="admin.due",
        nominativo="Admin Due",
        email="a2@example.org",
        role=Role.ADMIN,
    )
    await demo.staff.set_enabled(other.member.userid, False, actor=ADMIN)
    with pytest.raises(Refusal) as refused:
        await demo.staff.members(actor="admin.due")
    assert refused.value.reason is Reason.NOT_ADMIN
    # the code sent when it was added is void with the account
    assert not await RecoveryCode.filter(subscriber__userid="admin.due", used_at=None).exists()


async def test_no_admin_disables_themselves_nor_the_last_admin(demo: Services) -> None:
    with pytest.raises(Refusal) as own:
        await demo.staff.set_enabled(ADMIN, False, actor=ADMIN)
    assert own.value.reason is Reason.SELF
    second = await demo.staff.add(
        actor=ADMIN,
        userid="admin.due",
        nominativo="Admin Due",
        email="a2@example.org",
        role=Role.ADMIN,
    )
    code = await last_code(demo, "a2@example.org")
    await demo.auth.reset_password("admin.due", code, NEW_PASSWORD)
    await demo.staff.set_enabled(ADMIN, False, actor="admin.due")  # two admins: fine
    with pytest.raises(Refusal) as last:
        await demo.staff.set_enabled("admin.due", False, actor="admin.due")
    assert last.value.reason is Reason.SELF
    assert second.member.role is Role.ADMIN
    with pytest.raises(Refusal) as unknown:
        await demo.staff.set_enabled("avv.demo", False, actor="admin.due")  # a lawyer
    assert unknown.value.reason is Reason.UNKNOWN_USER


async def test_two_admins_disabling_each_other_at_once_leave_one(demo: Services) -> None:
    await Subscriber.filter(userid=OPERATOR).update(role=Role.ADMIN)  # a second admin
    outcomes = await asyncio.gather(
        demo.staff.set_enabled(OPERATOR, False, actor=ADMIN),
        demo.staff.set_enabled(ADMIN, False, actor=OPERATOR),
        return_exceptions=True,
    )
    refused = [o for o in outcomes if isinstance(o, Refusal)]
    assert len(refused) == 1, outcomes
    assert refused[0].reason in (Reason.LAST_ADMIN, Reason.NOT_ADMIN)
    enabled = await Subscriber.filter(role=Role.ADMIN, disabled_at=None).count()
    assert enabled == 1


async def test_reset_voids_the_password_and_emails_a_code(demo: Services) -> None:
    for _ in range(3):  # some failures, which the reset forgets
        with pytest.raises(Refusal):
            await demo.auth.login(OPERATOR, "Sbagliata-2026!")
    access = await demo.staff.reset(OPERATOR, actor=ADMIN)
    assert not access.member.has_password and access.minutes > 0
    with pytest.raises(Refusal):
        await demo.auth.login(OPERATOR, OPERATOR_PASSWORD)  # the old password no longer works
    code = await last_code(demo, OPERATOR_MAIL)
    await demo.auth.reset_password(OPERATOR, code, NEW_PASSWORD)
    await demo.auth.login(OPERATOR, NEW_PASSWORD)
    assert await AuditEvent.filter(action="staff.reset", actor=ADMIN, subject=OPERATOR).count() == 1
    with pytest.raises(Refusal) as own:
        await demo.staff.reset(ADMIN, actor=ADMIN)
    assert own.value.reason is Reason.SELF
    with pytest.raises(Refusal) as lawyer:
        await demo.staff.reset("avv.demo", actor=ADMIN)
    assert lawyer.value.reason is Reason.UNKNOWN_USER
