"""Iscriviti in two steps, without telling who is registered and without taking anyone over.

1. `start`: the form is checked for format only; every request makes a pending registration
   (all the data, the password's argon2 hash, a code's hash and nonce, an expiry) and queues an
   e-mail; the answer is the same whatever exists. Where the code goes depends on the codice
   fiscale, which nobody is told:
   - nobody vouched for it (or only self-registrations hold it): to the address typed (`new`);
   - it belongs to a subscriber imported by the provider (or added by the back office) without
     a password: to the address ON RECORD (`bind`): proving it sets that subscriber's password,
     keeping its userid and mailboxes. A stranger typing someone's codice fiscale gets nothing;
   - that subscriber has a password (or the same person registered before with the same
     address): the address on record is told so, and no code completes the request (`already`).
2. `complete`: the code (attempts reserved before the check, as for recovery codes). Only now,
   to someone who proved an e-mail address, is a taken userid told ("choose another").

A pending registration holds no claim on the codice fiscale; a completed self-registration
holds it unproven (`cf_proven = false`), so the provider's import of that codice fiscale is
never refused because of it.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

from tortoise.expressions import F

from kiosk.domain import validation
from kiosk.domain.model import Role
from kiosk.errors import Conflict, InvalidInput, Reason, Refusal
from kiosk.i18n import _, get_language, hour
from kiosk.services import throttle
from kiosk.services.auth import session_of, user_policy
from kiosk.services.codes import CODE_DIGITS, new_nonce
from kiosk.services.context import ServiceContext
from kiosk.services.dto import RegistrationStarted, SessionUser
from kiosk.services.outbox import queue_mail
from kiosk.services.search import note_people
from kiosk.services.throttle import THROTTLE_KEY, key_for
from kiosk.services.tx import audit, guarded
from kiosk.store.models import (
    Area,
    PendingRegistration,
    PrepaidAccount,
    Subscriber,
)

REGISTRATION_CODE_ATTEMPTS = 5
KEEP_EXPIRED = timedelta(days=1)  # pending rows (personal data) are deleted this long after


def _userid_taken(uid: str) -> InvalidInput:
    return InvalidInput(
        "userid",
        _("Lo userid {userid} non è disponibile: sceglierne un altro.").format(userid=uid),
    )


class RegistrationService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @staticmethod
    def sent_message() -> str:
        return _(
            "Abbiamo inviato un codice di conferma all'indirizzo e-mail indicato o, se il codice "
            "fiscale risulta già iscritto, a quello registrato. Inserirlo qui sotto per "
            "completare l'iscrizione: vale {minutes} minuti."
        )

    def _area(self, area_code: str | None) -> str:
        area = area_code or self.ctx.refdata.default_area
        if self.ctx.refdata.area(area) is None:
            raise InvalidInput(
                "area", _("Area di appartenenza sconosciuta: {area}.").format(area=area)
            )
        return area

    @guarded
    async def start(
        self,
        *,
        userid: str,
        nominativo: str,
        codice_fiscale: str,
        email: str,
        password: str,
        password_confirm: str | None = None,
        area_code: str | None = None,
    ) -> RegistrationStarted:
        """Step one (see the module's doc). Field errors are about format only."""
        uid = validation.userid(userid)
        name = validation.nominativo(nominativo)
        cf = validation.codice_fiscale(codice_fiscale)
        mail = validation.email(email)
        validation.password(password, uid)
        if password_confirm is not None and password_confirm != password:
            raise InvalidInput("password_confirm", _("Le due password non coincidono."))
        area = self._area(area_code)
        # the same two hashes on every path: the time does not tell which one was taken
        password_hash = await self.ctx.passwords.hash(password)
        nonce = new_nonce()
        code_hash = await self.ctx.passwords.hash(self.ctx.codes.code(nonce))
        handle = secrets.token_urlsafe(16)
        now = self.ctx.now()
        settings = self.ctx.settings
        minutes = settings.recovery_code_minutes

        async def work() -> None:
            for kind, identifier in (("register-cf", cf), ("register-mail", mail)):
                reopens = await throttle.take_quota(
                    key_for(kind, identifier),
                    kind,
                    settings.recovery_requests_per_hour,
                    timedelta(hours=1),
                    now,
                )
                if reopens is not None:
                    raise Refusal(
                        Reason.RATE_LIMITED,
                        _("Troppe richieste di iscrizione: riprovare dopo le {time}.").format(
                            time=hour(reopens)
                        ),
                    )
            await PendingRegistration.filter(expires_at__lt=now - KEEP_EXPIRED).delete()
            holder = await self._holder(cf, mail)
            if holder is None:
                kind, to = "new", mail
            elif holder.password_hash is None:
                kind, to = "bind", holder.email
            else:
                kind, to = "already", holder.email
            pending = await PendingRegistration.create(
                handle=handle,
                kind=kind,
                subscriber=holder,
                userid=uid,
                nominativo=name,
                codice_fiscale=cf,
                email=mail,
                area_id=area,
                password_hash=password_hash,
                code_hash=code_hash,
                nonce=nonce,
                created_at=now,
                expires_at=now + timedelta(minutes=minutes),
            )
            await queue_mail(
                self.ctx,
                kind="registration",
                to=to,
                template="registration_already" if kind == "already" else "registration_code",
                params={"registration_id": pending.id, "minutes": minutes, "lang": get_language()},
            )
            await audit(now, "register.requested", subject=handle[:8], kind=kind)

        await self.ctx.atomic(work, retry_on=[THROTTLE_KEY])
        return RegistrationStarted(handle, self.sent_message().format(minutes=minutes), minutes)

    @staticmethod
    async def _holder(cf: str, mail: str) -> Subscriber | None:
        """Who already answers for this codice fiscale: a vouched-for subscriber, or the same
        person's own earlier self-registration (same codice fiscale, same address)."""
        vouched = (
            await Subscriber.filter(codice_fiscale=cf, cf_proven=True, role=Role.SUBSCRIBER)
            .order_by("id")
            .first()
        )
        if vouched is not None:
            return vouched
        return (
            await Subscriber.filter(codice_fiscale=cf, email=mail, role=Role.SUBSCRIBER)
            .order_by("id")
            .first()
        )

    @guarded
    async def complete(self, handle: str, code: str, *, userid: str | None = None) -> SessionUser:
        """Step two: the e-mailed code completes the registration (and logs in). `userid`
        replaces the one asked for, when that one turned out to be taken."""
        uid = validation.userid(userid) if userid is not None else None
        now = self.ctx.now()
        typed = code.strip()
        invalid = Refusal(Reason.BAD_CODE, _("Codice non valido o scaduto. Ripetere l'iscrizione."))

        async def reserve() -> PendingRegistration | None:
            pending = await PendingRegistration.get_or_none(handle=handle[:32])
            if pending is None or not await PendingRegistration.filter(
                id=pending.id,
                used_at=None,
                expires_at__gt=now,
                attempts__lt=REGISTRATION_CODE_ATTEMPTS,
            ).update(attempts=F("attempts") + 1):
                return None
            return pending

        pending = await self.ctx.atomic(reserve)
        if pending is None or len(typed) != CODE_DIGITS:
            await self.ctx.passwords.verify(None, typed)  # the same cost as a real check
            raise invalid
        if not await self.ctx.passwords.verify(pending.code_hash, typed):
            raise invalid
        if pending.kind == "already":  # no code was ever sent for it
            raise invalid
        try:
            outcome = await self.ctx.atomic(lambda: self._finish(pending, uid))
        except Conflict as exc:
            if exc.constraint != "subscriber.userid":
                raise
            raise _userid_taken(uid or pending.userid) from None
        if isinstance(outcome, str):
            raise _userid_taken(outcome)
        if outcome is None:
            raise invalid
        return session_of(outcome)

    async def _finish(
        self, pending: PendingRegistration, uid: str | None
    ) -> Subscriber | str | None:
        """Spend the code and make (or bind) the account. A taken userid: that userid (the code
        was right: its attempt is given back); a code spent meanwhile: None."""
        now = self.ctx.now()
        fresh = await PendingRegistration.select_for_update().get(id=pending.id)
        if fresh.used_at is not None:
            return None
        if fresh.kind == "bind":
            assert fresh.subscriber_id is not None
            await Subscriber.filter(id=fresh.subscriber_id).update(
                password_hash=fresh.password_hash, lang=get_language()
            )
            sub = await Subscriber.get(id=fresh.subscriber_id)
            keys = [(key_for("login", sub.userid), user_policy(self.ctx.settings))]
            await throttle.succeeded(keys, None)
            await audit(now, "register.bound", actor=sub.userid, subject=sub.userid)
        else:
            wanted = uid or fresh.userid
            if await Subscriber.exists(userid=wanted):
                await PendingRegistration.filter(id=fresh.id).update(attempts=F("attempts") - 1)
                return wanted
            sub = await Subscriber.create(
                userid=wanted,
                nominativo=fresh.nominativo,
                codice_fiscale=fresh.codice_fiscale,
                email=fresh.email,
                area=await Area.get(code=fresh.area_id),
                role=Role.SUBSCRIBER,
                password_hash=fresh.password_hash,
                cf_proven=False,  # an e-mail address was proven, not the codice fiscale
                created_at=now,
                lang=get_language(),
            )
            await PrepaidAccount.create(subscriber=sub, balance_cents=0)
            await note_people([sub])
            await audit(now, "register", actor=wanted, subject=wanted, role=Role.SUBSCRIBER.value)
        await PendingRegistration.filter(id=fresh.id).update(used_at=now)
        return sub

    @guarded
    async def create_user(
        self,
        *,
        userid: str,
        nominativo: str,
        codice_fiscale: str,
        email: str,
        password: str | None,
        area_code: str | None = None,
        role: Role = Role.SUBSCRIBER,
        actor: str,
        then: Callable[[Subscriber], Awaitable[None]] | None = None,
    ) -> SessionUser:
        """The back office adds an account directly (`pec-kiosk users add`): it vouches for the
        codice fiscale, and may be told what is taken.

        Staff accounts (operator, admin) may come without a codice fiscale (""), and without a
        password (None: the administration's screen, which e-mails a code to choose one, in
        `then`, run inside the same transaction)."""
        uid = validation.userid(userid)
        name = validation.nominativo(nominativo)
        staff = role is not Role.SUBSCRIBER
        cf = validation.codice_fiscale(codice_fiscale) if codice_fiscale or not staff else None
        mail = validation.email(email)
        if password is not None:
            validation.password(password, uid)
        area = self._area(area_code)
        password_hash = await self.ctx.passwords.hash(password) if password is not None else None
        now = self.ctx.now()

        async def work() -> Subscriber:
            if await Subscriber.exists(userid=uid):
                raise InvalidInput(
                    "userid", _("Lo userid {userid} è già in uso.").format(userid=uid)
                )
            if role is Role.SUBSCRIBER and await Subscriber.exists(
                codice_fiscale=cf, cf_proven=True, role=Role.SUBSCRIBER
            ):
                raise InvalidInput(
                    "codice_fiscale",
                    _("Esiste già un iscritto con questo codice fiscale."),
                )
            sub = await Subscriber.create(
                userid=uid,
                nominativo=name,
                codice_fiscale=cf,
                email=mail,
                area=await Area.get(code=area),
                role=role,
                password_hash=password_hash,
                created_at=now,
            )
            await PrepaidAccount.create(subscriber=sub, balance_cents=0)
            await note_people([sub])
            await audit(now, "register", actor=actor, subject=uid, role=role.value)
            if then is not None:
                await then(sub)
            return sub

        try:
            return session_of(await self.ctx.atomic(work))
        except Conflict as exc:
            if exc.constraint != "subscriber.userid":
                raise
            raise InvalidInput(
                "userid", _("Lo userid {userid} è già in uso.").format(userid=uid)
            ) from None
