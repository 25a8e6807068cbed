"""Log in, register, recover credentials.

Recovery never says whether an account exists: the answer and (roughly) the time are the same,
the code is random, single use, hashed at rest, valid `recovery_code_minutes`, and requests are
rate-limited per identifier whether or not it matches anyone.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from tortoise.expressions import F

from kiosk.domain import validation
from kiosk.domain.model import Role
from kiosk.errors import Conflict, InvalidInput, Reason, Refusal
from kiosk.i18n import _, hour
from kiosk.services.context import ServiceContext
from kiosk.services.dto import SessionUser
from kiosk.services.tx import audit, guarded
from kiosk.store.models import (
    Area,
    OutboxEmail,
    PrepaidAccount,
    RecoveryCode,
    RecoveryRequest,
    Subscriber,
)

RECOVERY_CODE_DIGITS = 8
RECOVERY_CODE_ATTEMPTS = 5


def _session(sub: Subscriber) -> SessionUser:
    return SessionUser(sub.userid, sub.nominativo, Role(sub.role), sub.area_id)


def bad_credentials() -> Refusal:
    return Refusal(Reason.BAD_CREDENTIALS, _("Userid o password non corretti."))


class AuthService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def login(self, userid: str, password: str) -> SessionUser:
        """Check the password; 5 failures in a row lock the account for 15 minutes."""
        now = self.ctx.now()
        user = await Subscriber.get_or_none(userid=userid.strip().lower())
        if user is not None and user.locked_until is not None and user.locked_until > now:
            await self.ctx.passwords.verify(None, password)  # same cost as a real attempt
            raise Refusal(
                Reason.LOCKED,
                _("Troppi tentativi falliti: accesso bloccato fino alle {time}.").format(
                    time=hour(user.locked_until)
                ),
            )
        ok = await self.ctx.passwords.verify(user.password_hash if user else None, password)
        if user is None:
            raise bad_credentials()
        if ok:
            await self.ctx.atomic(lambda: self._login_succeeded(user))
            return _session(user)
        locked = await self.ctx.atomic(lambda: self._login_failed(user))
        if locked:
            raise Refusal(
                Reason.LOCKED,
                _("Troppi tentativi falliti: accesso bloccato per {n} minuti.").format(
                    n=self.ctx.settings.lockout_minutes
                ),
            )
        raise bad_credentials()

    async def _login_succeeded(self, user: Subscriber) -> None:
        await Subscriber.filter(id=user.id).update(failed_logins=0, locked_until=None)
        await audit(self.ctx.now(), "login.ok", actor=user.userid)

    async def _login_failed(self, user: Subscriber) -> bool:
        now = self.ctx.now()
        await Subscriber.filter(id=user.id).update(failed_logins=F("failed_logins") + 1)
        fresh = await Subscriber.get(id=user.id)
        await audit(now, "login.failed", actor=user.userid, failures=fresh.failed_logins)
        if fresh.failed_logins >= self.ctx.settings.max_failed_logins:
            until = now + timedelta(minutes=self.ctx.settings.lockout_minutes)
            await Subscriber.filter(id=user.id).update(failed_logins=0, locked_until=until)
            await audit(now, "login.locked", actor=user.userid, until=until.isoformat())
            return True
        return False

    @guarded
    async def register(
        self,
        *,
        userid: str,
        nominativo: str,
        codice_fiscale: str,
        email: str,
        password: str,
        password_confirm: str | None = None,
        area_code: str | None = None,
        role: Role = Role.SUBSCRIBER,
        actor: str | None = None,
    ) -> SessionUser:
        """Iscriviti. Field errors raise `InvalidInput` naming the field."""
        uid = validation.userid(userid)
        name = validation.nominativo(nominativo)
        cf = validation.codice_fiscale(codice_fiscale)
        mail = validation.email(email)
        validation.password(password, uid)
        if password_confirm is not None and password_confirm != password:
            raise InvalidInput("password_confirm", _("Le due password non coincidono."))
        area = area_code or self.ctx.refdata.default_area
        if self.ctx.refdata.area(area) is None:
            raise InvalidInput(
                "area", _("Area di appartenenza sconosciuta: {area}.").format(area=area)
            )
        password_hash = await self.ctx.passwords.hash(password)

        async def work() -> Subscriber:
            if await Subscriber.exists(userid=uid):
                raise InvalidInput(
                    "userid", _("Lo userid {userid} è già in uso.").format(userid=uid)
                )
            if role is Role.SUBSCRIBER and await Subscriber.exists(codice_fiscale=cf):
                raise InvalidInput(
                    "codice_fiscale",
                    _(
                        "Esiste già un'iscrizione con questo codice fiscale: usare il recupero "
                        "credenziali."
                    ),
                )
            sub = await Subscriber.create(
                userid=uid,
                nominativo=name,
                codice_fiscale=cf,
                email=mail,
                area=await Area.get(code=area),
                role=role,
                password_hash=password_hash,
                created_at=self.ctx.now(),
            )
            await PrepaidAccount.create(subscriber=sub, balance_cents=0)
            await audit(
                self.ctx.now(), "register", actor=actor or uid, subject=uid, role=role.value
            )
            return sub

        try:
            return _session(await self.ctx.atomic(work))
        except Conflict as exc:
            if exc.constraint != "subscriber.userid":
                raise
            raise InvalidInput(
                "userid", _("Lo userid {userid} è già in uso.").format(userid=uid)
            ) from None

    # --- credential recovery ------------------------------------------------------------

    @staticmethod
    def recovery_sent_message() -> str:
        return _(
            "Se i dati corrispondono a un'iscrizione, riceverà a breve un'e-mail con un codice "
            "di recupero valido {minutes} minuti."
        )

    @guarded
    async def request_recovery(self, identifier: str) -> str:
        """Send a recovery code to the account's e-mail, if there is one. Same answer either way."""
        key_text = identifier.strip().lower()
        if not key_text:
            raise InvalidInput("identifier", _("Inserire lo userid o l'indirizzo e-mail."))
        key = hashlib.sha256(key_text.encode()).hexdigest()
        code = f"{secrets.randbelow(10**RECOVERY_CODE_DIGITS):0{RECOVERY_CODE_DIGITS}d}"
        code_hash = await self.ctx.passwords.hash(code)  # always hashed: the cost does not tell
        now = self.ctx.now()
        minutes = self.ctx.settings.recovery_code_minutes

        async def work() -> None:
            since = now - timedelta(hours=1)
            recent = await RecoveryRequest.filter(key=key, created_at__gte=since).count()
            if recent >= self.ctx.settings.recovery_requests_per_hour:
                raise Refusal(
                    Reason.RATE_LIMITED,
                    _("Troppe richieste di recupero. Riprovare tra un'ora."),
                )
            await RecoveryRequest.create(key=key, created_at=now)
            user = await Subscriber.get_or_none(userid=key_text)
            if user is None:
                user = await Subscriber.filter(email=key_text).order_by("id").first()
            if user is None:
                await audit(now, "recovery.unknown", subject=key[:12])
                return
            await RecoveryCode.filter(subscriber=user, used_at=None).update(used_at=now)
            await RecoveryCode.create(
                subscriber=user,
                code_hash=code_hash,
                created_at=now,
                expires_at=now + timedelta(minutes=minutes),
            )
            await OutboxEmail.create(
                kind="recovery",
                to_address=user.email,
                subject=_("Recupero credenziali PEC"),
                body=_(
                    "Gentile {name},\n\nil suo userid è {userid}.\nCodice di recupero: {code}\n"
                    "Il codice vale {minutes} minuti e si può usare una sola volta.\n\n"
                    "Se non ha chiesto lei il recupero, ignori questo messaggio."
                ).format(name=user.nominativo, userid=user.userid, code=code, minutes=minutes),
                created_at=now,
            )
            await audit(now, "recovery.requested", actor=user.userid, subject=user.userid)

        await self.ctx.atomic(work)
        return self.recovery_sent_message().format(minutes=minutes)

    @guarded
    async def reset_password(
        self, userid: str, code: str, new_password: str, password_confirm: str | None = None
    ) -> SessionUser:
        """Set a new password with a valid recovery code; the code is then spent.

        Each try is counted (in its own transaction, before the code is checked), so that no
        number of parallel guesses gets more than `RECOVERY_CODE_ATTEMPTS` checks of one code.
        """
        uid = userid.strip().lower()
        validation.password(new_password, uid)
        if password_confirm is not None and password_confirm != new_password:
            raise InvalidInput("password_confirm", _("Le due password non coincidono."))
        now = self.ctx.now()
        invalid = Refusal(Reason.BAD_CODE, _("Codice non valido o scaduto. Richiederne uno nuovo."))

        async def reserve() -> tuple[Subscriber, RecoveryCode] | None:
            user = await Subscriber.get_or_none(userid=uid)
            if user is None:
                return None
            record = (
                await RecoveryCode.filter(subscriber=user, used_at=None, expires_at__gt=now)
                .order_by("-created_at")
                .first()
            )
            if record is None or not await RecoveryCode.filter(
                id=record.id, used_at=None, attempts__lt=RECOVERY_CODE_ATTEMPTS
            ).update(attempts=F("attempts") + 1):
                return None
            return user, record

        reserved = await self.ctx.atomic(reserve)
        if reserved is None:
            await self.ctx.passwords.verify(None, code)  # the same cost as a real check
            raise invalid
        user, record = reserved
        if not await self.ctx.passwords.verify(record.code_hash, code.strip()):
            raise invalid
        new_hash = await self.ctx.passwords.hash(new_password)

        async def spend() -> bool:
            if not await RecoveryCode.filter(id=record.id, used_at=None).update(used_at=now):
                return False  # used by a concurrent request a moment ago
            await Subscriber.filter(id=user.id).update(
                password_hash=new_hash, failed_logins=0, locked_until=None
            )
            await audit(now, "recovery.reset", actor=uid, subject=uid)
            return True

        if not await self.ctx.atomic(spend):
            raise invalid
        return _session(user)
