"""The administration manages the help desk's accounts: list, add, disable or enable, reset.

Nobody but the person an account belongs to ever knows its password. A new operator, and one
whose access is reset, gets a single-use code by e-mail at the address on record (the same
hashed, expiring recovery code as "Recupero credenziali", which is where it is used): the
administrator never sees a password or a code, so none can be read off the desk's screen, an
SSH session or a remote-assistance viewer, and the audit trail's "who did it" stays true. A
reset also voids the old password at once (the reason for a reset is often that it leaked).

Staff accounts are disabled, never deleted (the audit trail names them). An administrator
cannot disable or reset their own account, and the last enabled administrator stays enabled.
Every change is one transaction with its audit record, the acting administrator as actor.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.domain import validation
from kiosk.domain.model import Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _
from kiosk.services.admin import require_admin
from kiosk.services.admin_dto import StaffAccess, StaffMember
from kiosk.services.codes import new_nonce
from kiosk.services.context import ServiceContext
from kiosk.services.outbox import queue_mail
from kiosk.services.throttle import clear, key_for
from kiosk.services.tx import audit, guarded
from kiosk.store.models import RecoveryCode, Subscriber

STAFF_ROLES = (Role.OPERATOR, Role.ADMIN)


async def require_staff(operator: str) -> tuple[str, Role]:
    """The operator's userid and role; `Refusal(NOT_OPERATOR)` for anyone else (unknown, a
    lawyer, a disabled account: the same words, so the answer reveals nothing about accounts)."""
    userid = validation.userid_ref(operator, "operator")
    row = await Subscriber.get_or_none(userid=userid)
    if row is None or Role(row.role) not in STAFF_ROLES or row.disabled_at is not None:
        raise Refusal(
            Reason.NOT_OPERATOR,
            _("{userid} non è un operatore dello sportello.").format(userid=userid),
        )
    return row.userid, Role(row.role)


def member_view(user: Subscriber) -> StaffMember:
    return StaffMember(
        userid=user.userid,
        nominativo=user.nominativo,
        email=user.email,
        role=Role(user.role),
        created_at=user.created_at,
        disabled_at=user.disabled_at,
        has_password=user.password_hash is not None,
    )


class StaffService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def members(self, *, actor: str) -> tuple[StaffMember, ...]:
        """Every operator and administrator, by userid."""
        await require_admin(actor)
        rows = await Subscriber.filter(role__in=STAFF_ROLES).order_by("userid")
        return tuple(member_view(row) for row in rows)

    @guarded
    async def add(
        self,
        *,
        actor: str,
        userid: str,
        nominativo: str,
        email: str,
        role: Role,
        codice_fiscale: str = "",
    ) -> StaffAccess:
        """A new operator or administrator, without a password: the code to choose one goes to
        `email` in the same transaction as the account."""
        from kiosk.services.registration import RegistrationService

        await require_admin(actor)
        if role not in STAFF_ROLES:
            raise InvalidInput("role", _("Il ruolo di un operatore è operatore o amministrazione."))
        code_hash, nonce = await self._new_code()
        now = self.ctx.now()

        async def then(user: Subscriber) -> None:
            await self._send_code(user, code_hash, nonce, now)

        await RegistrationService(self.ctx).create_user(
            userid=userid,
            nominativo=nominativo,
            codice_fiscale=codice_fiscale,
            email=email,
            password=None,
            role=role,
            actor=actor,
            then=then,
        )
        user = await Subscriber.get(userid=validation.userid(userid))
        return StaffAccess(member_view(user), self.ctx.settings.recovery_code_minutes)

    @guarded
    async def set_enabled(self, userid: str, enabled: bool, *, actor: str) -> StaffMember:
        """Disable (no login, no action, its pending codes void) or enable again. Asking for
        the state it already has changes nothing and records nothing."""
        admin = await require_admin(actor)
        target = await self._member(userid)
        if not enabled and target.id == admin.id:
            raise Refusal(Reason.SELF, _("Non si può disabilitare il proprio account."))
        now = self.ctx.now()

        async def work() -> Subscriber:
            if enabled:
                changed = await Subscriber.filter(
                    id=target.id, disabled_at__not_isnull=True
                ).update(disabled_at=None)
            else:
                if Role(target.role) is Role.ADMIN:
                    # the enabled administrators, locked: two disabling each other at once
                    # cannot leave none
                    admins = await Subscriber.filter(
                        role=Role.ADMIN, disabled_at=None
                    ).select_for_update()
                    if not any(a.id != target.id for a in admins):
                        raise Refusal(
                            Reason.LAST_ADMIN,
                            _("È l'ultimo account dell'amministrazione attivo: resta attivo."),
                        )
                changed = await Subscriber.filter(id=target.id, disabled_at=None).update(
                    disabled_at=now
                )
                if changed:
                    await RecoveryCode.filter(subscriber_id=target.id, used_at=None).update(
                        used_at=now
                    )
            if changed:
                await audit(
                    now,
                    "staff.enabled" if enabled else "staff.disabled",
                    actor=admin.userid,
                    subject=target.userid,
                    role=str(target.role),
                )
            return await Subscriber.get(id=target.id)

        return member_view(await self.ctx.atomic(work))

    @guarded
    async def reset(self, userid: str, *, actor: str) -> StaffAccess:
        """Void the password (and any earlier code, and any login lock) and e-mail a new code
        to the address on record (see the module's doc for why not a password on screen)."""
        admin = await require_admin(actor)
        target = await self._member(userid)
        if target.id == admin.id:
            raise Refusal(
                Reason.SELF,
                _("Il proprio accesso si reimposta con «Recupero credenziali», non da qui."),
            )
        code_hash, nonce = await self._new_code()
        now = self.ctx.now()

        async def work() -> Subscriber:
            await Subscriber.filter(id=target.id).update(password_hash=None)
            await clear(key_for("login", target.userid))
            await self._send_code(target, code_hash, nonce, now)
            await audit(now, "staff.reset", actor=admin.userid, subject=target.userid)
            return await Subscriber.get(id=target.id)

        user = await self.ctx.atomic(work)
        return StaffAccess(member_view(user), self.ctx.settings.recovery_code_minutes)

    async def _member(self, userid: str) -> Subscriber:
        user = await Subscriber.get_or_none(userid=validation.userid_ref(userid))
        if user is None or Role(user.role) not in STAFF_ROLES:
            raise Refusal(
                Reason.UNKNOWN_USER,
                _("Nessun operatore con userid {userid}.").format(userid=userid.strip().lower()),
            )
        return user

    async def _new_code(self) -> tuple[str, str]:
        """A code's hash and nonce (hashed before the transaction: argon2 takes a while)."""
        nonce = new_nonce()
        return await self.ctx.passwords.hash(self.ctx.codes.code(nonce)), nonce

    async def _send_code(self, user: Subscriber, code_hash: str, nonce: str, now: datetime) -> None:
        """Void the account's unused codes, store the new one, queue its e-mail (in the
        caller's transaction). The e-mail renders the code at send time from the nonce."""
        minutes = self.ctx.settings.recovery_code_minutes
        await RecoveryCode.filter(subscriber_id=user.id, used_at=None).update(used_at=now)
        record = await RecoveryCode.create(
            subscriber_id=user.id,
            code_hash=code_hash,
            nonce=nonce,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        await queue_mail(
            self.ctx,
            kind="recovery",
            to=user.email,
            template="staff_access",
            params={"code_id": record.id, "minutes": minutes, "lang": user.lang},
        )
