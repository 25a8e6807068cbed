"""The administration manages the operators' SSH keys (Operatori screen), on both backends:
an administrator adds, lists and removes; anyone else is refused with nothing changed."""

from __future__ import annotations

import asyncssh
import pytest

from kiosk.errors import Conflict, InvalidInput, Reason, Refusal
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, SshKey

ADMIN = "admin.demo"
OPERATOR = "operatore.demo"


def public(comment: str = "luca@sportello") -> tuple[str, str]:
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment)
    return key.export_public_key().decode(), key.get_fingerprint("sha256")


async def test_add_list_remove_as_the_administration(demo: Services) -> None:
    first, first_print = public("primo@pc")
    second, second_print = public("secondo@pc")
    added = await demo.staff_keys.add(OPERATOR, first, actor=" Admin.Demo ")
    assert (added.userid, added.fingerprint, added.key_type, added.comment, added.added_by) == (
        OPERATOR,
        first_print,
        "ssh-ed25519",
        "primo@pc",
        ADMIN,
    )
    assert added.added_at == demo.ctx.now()
    await demo.staff_keys.add(OPERATOR, second, actor=ADMIN)
    keys = await demo.staff_keys.keys(OPERATOR, actor=ADMIN)
    assert [k.fingerprint for k in keys] == [first_print, second_print]
    assert await demo.staff_keys.keys(ADMIN, actor=ADMIN) == ()

    removed = await demo.staff_keys.remove(OPERATOR, first_print, actor=ADMIN)
    assert removed.fingerprint == first_print
    assert [k.fingerprint for k in await demo.staff_keys.keys(OPERATOR, actor=ADMIN)] == [
        second_print
    ]
    rows = await AuditEvent.filter(action__startswith="ssh.").order_by("id")
    assert [(r.action, r.actor, r.subject) for r in rows] == [
        ("ssh.key_added", ADMIN, OPERATOR),
        ("ssh.key_added", ADMIN, OPERATOR),
        ("ssh.key_removed", ADMIN, OPERATOR),
    ]


async def test_only_the_administration(demo: Services) -> None:
    text, fingerprint = public()
    await demo.staff_keys.add(OPERATOR, text, actor=ADMIN)
    before = await AuditEvent.all().count()
    for actor in (OPERATOR, "avv.demo", "nessuno.qui", ""):
        for call in (
            demo.staff_keys.keys(OPERATOR, actor=actor),
            demo.staff_keys.add(OPERATOR, public()[0], actor=actor),
            demo.staff_keys.remove(OPERATOR, fingerprint, actor=actor),
        ):
            with pytest.raises(Refusal) as refused:
                await call
            assert refused.value.reason is Reason.NOT_ADMIN
    assert await AuditEvent.all().count() == before
    assert await SshKey.all().count() == 1


async def test_bad_keys_and_the_wrong_operator(demo: Services) -> None:
    text, fingerprint = public()
    for bad in ("", "ssh-ed25519 AAAA", "non è una chiave", text.replace("ssh-ed25519", "ssh-dss")):
        with pytest.raises(InvalidInput) as invalid:
            await demo.staff_keys.add(OPERATOR, bad, actor=ADMIN)
        assert invalid.value.field == "public_key"
        assert "Chiave pubblica non valida" in invalid.value.message
    with pytest.raises(Refusal) as refused:
        await demo.staff_keys.add("avv.demo", text, actor=ADMIN)
    assert refused.value.reason is Reason.NOT_OPERATOR
    await demo.staff_keys.add(OPERATOR, text, actor=ADMIN)
    with pytest.raises(Conflict):
        await demo.staff_keys.add(ADMIN, text, actor=ADMIN)
    # a key is removed from its own operator only
    with pytest.raises(Refusal) as refused:
        await demo.staff_keys.remove(ADMIN, fingerprint, actor=ADMIN)
    assert refused.value.reason is Reason.UNKNOWN_KEY
    assert "non ha una chiave SSH" in refused.value.message
    assert await SshKey.filter(fingerprint=fingerprint).exists()
