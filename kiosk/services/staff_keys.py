"""The administration manages the operators' SSH keys from the Operatori screen.

A thin layer over `kiosk.services.sshkeys` (the back office's `pec-kiosk users key ...` uses
that service directly, without an acting administrator): each call first checks that `actor`
is an enabled administrator (`require_admin`, the same refusal as every administration's
action), then asks the key service, which validates the key, writes it and its audit record
in one transaction, the administrator as actor. A key is removed only from the operator it
belongs to (the screen names both), so a stale screen cannot withdraw someone else's key.
"""

from __future__ import annotations

from kiosk.errors import Reason, Refusal
from kiosk.i18n import _
from kiosk.services.admin import require_admin
from kiosk.services.admin_dto import StaffKey
from kiosk.services.context import ServiceContext
from kiosk.services.sshkeys import SshKeyService, SshKeyView
from kiosk.services.tx import guarded


def key_view(view: SshKeyView) -> StaffKey:
    return StaffKey(
        userid=view.owner,  # an operator's keys here: their userid
        fingerprint=view.fingerprint,
        key_type=view.key_type,
        comment=view.comment,
        added_by=view.added_by,
        added_at=view.added_at,
    )


class StaffKeyService:
    def __init__(self, ctx: ServiceContext, keys: SshKeyService) -> None:
        self.ctx = ctx
        self._keys = keys

    @guarded
    async def keys(self, userid: str, *, actor: str) -> tuple[StaffKey, ...]:
        """The operator's keys, oldest first."""
        await require_admin(actor)
        return tuple(key_view(view) for view in await self._keys.keys(userid))

    @guarded
    async def add(self, userid: str, public_key: str, *, actor: str) -> StaffKey:
        """Authorise one OpenSSH public key line for the operator `userid`."""
        admin = await require_admin(actor)
        return key_view(await self._keys.add(userid, public_key, actor=admin.userid))

    @guarded
    async def remove(self, userid: str, fingerprint: str, *, actor: str) -> StaffKey:
        """Withdraw the operator's key with this fingerprint (the next connection with it is
        refused); `Refusal(UNKNOWN_KEY)` if that operator has no such key."""
        admin = await require_admin(actor)
        if not any(k.fingerprint == fingerprint for k in await self._keys.keys(userid)):
            raise Refusal(
                Reason.UNKNOWN_KEY,
                _("{userid} non ha una chiave SSH con impronta {fingerprint}.").format(
                    userid=userid.strip().lower(), fingerprint=fingerprint
                ),
            )
        return key_view(await self._keys.remove(fingerprint, actor=admin.userid))
