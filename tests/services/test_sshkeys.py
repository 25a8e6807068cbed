"""SSH keys of the operators and the SSH server's questions (both backends)."""

from __future__ import annotations

from typing import Any

import asyncssh
import pytest

from kiosk.domain.model import Role
from kiosk.errors import Conflict, InvalidInput, Reason, Refusal
from kiosk.services.facade import Services
from kiosk.services.sshkeys import fingerprint_of, parse_public_key
from kiosk.store.models import AuditEvent, SshKey

OPERATOR = "operatore.demo"


def public(comment: str = "luca@sportello") -> tuple[str, str]:
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment)
    return key.export_public_key().decode(), key.get_fingerprint("sha256")


def test_fingerprint_is_openssh_s() -> None:
    text, expected = public()
    parsed = parse_public_key(text)
    assert parsed.fingerprint == expected == fingerprint_of(parsed.blob)
    assert parsed.comment == "luca@sportello"


async def test_add_find_remove_with_audit(demo: Services) -> None:
    text, fingerprint = public()
    view = await demo.ssh.add(OPERATOR, text, actor="admin.demo")
    assert (view.userid, view.fingerprint, view.key_type) == (OPERATOR, fingerprint, "ssh-ed25519")
    user = await demo.ssh.operator_for_key(OPERATOR, fingerprint)
    assert user is not None and user.role is Role.OPERATOR
    # the key names its operator: any other username, or another key, gets nobody
    assert await demo.ssh.operator_for_key("admin.demo", fingerprint) is None
    assert await demo.ssh.operator_for_key(OPERATOR, public()[1]) is None
    with pytest.raises(Conflict):
        await demo.ssh.add("admin.demo", text, actor="admin.demo")

    removed = await demo.ssh.remove(fingerprint, actor="admin.demo")
    assert removed.userid == OPERATOR
    assert await demo.ssh.operator_for_key(OPERATOR, fingerprint) is None
    assert not await SshKey.exists()
    with pytest.raises(Refusal) as err:
        await demo.ssh.remove(fingerprint, actor="admin.demo")
    assert err.value.reason is Reason.UNKNOWN_KEY
    rows = await AuditEvent.filter(action__startswith="ssh.").order_by("id")
    assert [r.action for r in rows] == ["ssh.key_added", "ssh.key_removed"]


async def test_keys_are_for_staff_only(demo: Services) -> None:
    with pytest.raises(Refusal) as err:
        await demo.ssh.add("avv.demo", public()[0], actor="admin.demo")
    assert err.value.reason is Reason.NOT_OPERATOR
    with pytest.raises(InvalidInput):
        await demo.ssh.add(OPERATOR, "ssh-ed25519 AAAA", actor="admin.demo")
    assert not await SshKey.exists()


async def test_lawyer_password_over_ssh_is_the_kiosk_login_and_never_staff(
    demo: Services,
) -> None:
    user = await demo.ssh.lawyer_login("avv.demo", "Rinnovo2026!", terminal="ssh:127.0.0.1")
    assert user.role is Role.SUBSCRIBER
    with pytest.raises(Refusal) as err:  # an operator's right password: refused like a wrong one
        await demo.ssh.lawyer_login(OPERATOR, "Sportello2026!", terminal="ssh:127.0.0.1")
    assert err.value.reason is Reason.BAD_CREDENTIALS
    with pytest.raises(Refusal):
        await demo.ssh.lawyer_login("avv.demo", "sbagliata", terminal="ssh:127.0.0.1")


async def test_session_user_and_record(demo: Services) -> None:
    user = await demo.ssh.session_user("avv.demo")
    assert user is not None and user.nominativo == "Avv. Maria Demo"
    assert await demo.ssh.session_user("nessuno") is None
    await demo.ssh.record("ssh.login", actor=OPERATOR, subject="127.0.0.1", method="key")
    row = await AuditEvent.filter(action="ssh.login").first()
    assert row is not None and row.details == {"method": "key"}


async def test_a_terminals_key_opens_that_terminal_only(demo: Services) -> None:
    text, fingerprint = public("chiosco@atrio")
    view = await demo.ssh.add_terminal(" Sportello-1 ", text, actor="admin.demo")
    assert (view.terminal, view.userid, view.owner) == ("sportello-1", None, "terminal:sportello-1")
    login = await demo.ssh.login_for_key("sportello-1", fingerprint)
    assert login is not None and login.terminal == "sportello-1" and login.user is None
    assert await demo.ssh.login_for_key(OPERATOR, fingerprint) is None  # only as its name
    assert await demo.ssh.operator_for_key("sportello-1", fingerprint) is None  # nobody's session
    operator = await demo.ssh.add(OPERATOR, public()[0], actor="admin.demo")
    listed = await demo.ssh.keys()
    assert [(v.userid, v.terminal) for v in listed] == [(OPERATOR, None), (None, "sportello-1")]
    assert [v.fingerprint for v in await demo.ssh.keys(terminal="sportello-1")] == [fingerprint]
    assert [v.fingerprint for v in await demo.ssh.keys(OPERATOR)] == [operator.fingerprint]
    with pytest.raises(Conflict):  # a key has one owner: not an operator's as well
        await demo.ssh.add(OPERATOR, text, actor="admin.demo")

    removed = await demo.ssh.remove(fingerprint, actor="admin.demo")
    assert removed.terminal == "sportello-1"
    assert await demo.ssh.login_for_key("sportello-1", fingerprint) is None
    rows = await AuditEvent.filter(action__startswith="ssh.key").order_by("id")
    assert [(r.action, r.subject) for r in rows] == [
        ("ssh.key_added", "terminal:sportello-1"),
        ("ssh.key_added", OPERATOR),
        ("ssh.key_removed", "terminal:sportello-1"),
    ]
    assert rows[0].details["terminal"] == "sportello-1"


@pytest.mark.parametrize("name", ["", "   ", "con spazi", "-inizio", "x" * 65, "àccento", "a/b"])
async def test_bad_terminal_names_are_bad_input(demo: Services, name: str) -> None:
    with pytest.raises(InvalidInput):
        await demo.ssh.add_terminal(name, public()[0], actor="admin.demo")
    assert not await SshKey.exists()


async def test_the_database_holds_a_key_to_exactly_one_owner(demo: Services) -> None:
    """Whatever writes the table: the CHECK (PostgreSQL) or its triggers (SQLite)."""
    from tortoise.exceptions import IntegrityError, OperationalError

    from kiosk.store.models import Subscriber

    operator = await Subscriber.get(userid=OPERATOR)
    text, fingerprint = public()
    common: dict[str, Any] = {"public_key": text, "added_by": "test", "added_at": demo.ctx.now()}
    owners: list[dict[str, Any]] = [{}, {"operator": operator, "terminal": "sportello-1"}]
    for owner in owners:
        with pytest.raises((IntegrityError, OperationalError)):
            await SshKey.create(fingerprint=fingerprint, **common, **owner)
    row = await SshKey.create(fingerprint=fingerprint, terminal="sportello-1", **common)
    with pytest.raises((IntegrityError, OperationalError)):
        await SshKey.filter(id=row.id).update(terminal=None)
    assert await SshKey.filter(terminal="sportello-1").count() == 1
