"""Log in, recover credentials, unlock a userid.

Nothing here tells whether an account exists: an unknown userid is throttled, delayed and
locked exactly like a known one, gets the same words, and costs the same argon2 work (one verify
per login, one hash per recovery request). Attempts are reserved before the secret is checked
(`kiosk.services.throttle`), so parallel guesses get no more checks than sequential ones.

Login: per userid, the first `login_free_failures` wrong passwords cost no wait, then each try
waits 1, 2, 4 ... s (up to `login_max_delay_seconds`) after the previous failure, and
`max_failed_logins` failures in a row lock the userid for `lockout_minutes` (or until
`pec-kiosk users unlock`). Per terminal (`terminal_id`), the same delays after
`terminal_free_failures`, never a lock, and a success does not wipe them (a valid account of
one's own must not buy more guesses at others').
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from tortoise.expressions import F

from kiosk.domain import validation
from kiosk.domain.model import Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _, _n, get_language, hour
from kiosk.services import throttle
from kiosk.services.codes import CODE_DIGITS, new_nonce
from kiosk.services.context import ServiceContext
from kiosk.services.dto import SessionUser
from kiosk.services.outbox import queue_mail
from kiosk.services.throttle import THROTTLE_KEY, Blocked, Policy, Reserved, key_for
from kiosk.services.tx import audit, guarded
from kiosk.settings import Settings
from kiosk.store.models import RecoveryCode, Subscriber

RECOVERY_CODE_ATTEMPTS = 5
FORGET_USER_FAILURES = timedelta(hours=24)


def session_of(sub: Subscriber) -> SessionUser:
    return SessionUser(sub.userid, sub.nominativo, Role(sub.role), sub.area_id)


def bad_credentials() -> Refusal:
    return Refusal(Reason.BAD_CREDENTIALS, _("Userid o password non corretti."))


def user_policy(settings: Settings, kind: str = "login") -> Policy:
    """A userid's (or the exit PIN's) wrong secrets: delays, then a lock."""
    return Policy(
        kind=kind,
        free=settings.login_free_failures,
        max_delay=settings.login_max_delay_seconds,
        lock_after=settings.max_failed_logins,
        lock_minutes=settings.lockout_minutes,
        forget_after=FORGET_USER_FAILURES,
    )


def terminal_policy(settings: Settings) -> Policy:
    """A terminal's wrong passwords, whoever they were for: delays only."""
    return Policy(
        kind="terminal",
        free=settings.terminal_free_failures,
        max_delay=settings.login_max_delay_seconds,
        lock_after=None,
        lock_minutes=0,
        forget_after=timedelta(minutes=settings.lockout_minutes),
        reset_on_success=False,
    )


def seconds_until(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


def blocked_refusal(blocked: Blocked, now: datetime) -> Refusal:
    """A try refused before any check: locked, or too soon after the last failure."""
    if blocked.locked:
        return Refusal(
            Reason.LOCKED,
            _(
                "Troppi tentativi falliti: accesso bloccato fino alle {time}. "
                "Lo sportello può sbloccarlo prima."
            ).format(time=hour(blocked.until)),
            until=blocked.until,
        )
    wait = seconds_until(blocked.until, now)
    return Refusal(
        Reason.THROTTLED,
        _n(
            "Troppi tentativi falliti: riprovare tra {n} secondo.",
            "Troppi tentativi falliti: riprovare tra {n} secondi.",
            wait,
        ).format(n=wait),
        wait_seconds=wait,
    )


def failed_refusal(reserved: Reserved, now: datetime, wrong: str) -> Refusal:
    """A try that was checked and failed (`wrong` says what was wrong), with what follows."""
    if reserved.locked_until is not None:
        return Refusal(
            Reason.LOCKED,
            _(
                "Troppi tentativi falliti: accesso bloccato fino alle {time}. "
                "Lo sportello può sbloccarlo prima."
            ).format(time=hour(reserved.locked_until)),
            until=reserved.locked_until,
        )
    if reserved.next_at is None:
        return Refusal(Reason.BAD_CREDENTIALS, wrong)
    wait = seconds_until(reserved.next_at, now)
    return Refusal(
        Reason.BAD_CREDENTIALS,
        wrong
        + " "
        + _n(
            "Il prossimo tentativo sarà possibile tra {n} secondo.",
            "Il prossimo tentativo sarà possibile tra {n} secondi.",
            wait,
        ).format(n=wait),
        wait_seconds=wait,
    )


class AuthService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _login_keys(self, uid: str, terminal: str | None) -> list[tuple[str, Policy]]:
        settings = self.ctx.settings
        return [
            (key_for("login", uid), user_policy(settings)),
            (key_for("terminal", terminal or settings.terminal_id), terminal_policy(settings)),
        ]

    @guarded
    async def login(
        self, userid: str, password: str, *, terminal: str | None = None
    ) -> SessionUser:
        """Check the password, after reserving the attempt (see the module's doc)."""
        now = self.ctx.now()
        uid = userid.strip().lower()
        keys = self._login_keys(uid, terminal)
        outcome = await self.ctx.atomic(
            lambda: throttle.reserve(keys, now), retry_on=[THROTTLE_KEY]
        )
        subject = uid if validation.is_userid(uid) else ""
        if isinstance(outcome, Blocked):
            await self.ctx.passwords.verify(None, password)  # the cost of a check, all the same
            await self.ctx.atomic(lambda: audit(now, "login.blocked", subject=subject))
            raise blocked_refusal(outcome, now)
        reserved = outcome
        user = await Subscriber.get_or_none(userid=uid) if subject else None
        if await self.ctx.passwords.verify(user.password_hash if user else None, password):
            assert user is not None
            if user.disabled_at is not None:  # the right password of a disabled account: the
                # same answer as a wrong one (nothing tells a guesser it was right), audited
                await self.ctx.atomic(
                    lambda: audit(now, "login.disabled", actor=user.userid, subject=user.userid)
                )
                raise failed_refusal(reserved, now, _("Userid o password non corretti."))

            lang = get_language()  # the kiosk's language now: the one for their e-mails

            async def succeeded() -> None:
                await throttle.succeeded(keys, reserved)
                await Subscriber.filter(id=user.id).exclude(lang=lang).update(lang=lang)
                await audit(now, "login.ok", actor=user.userid, subject=user.userid)

            await self.ctx.atomic(succeeded)
            return session_of(user)
        await self.ctx.atomic(lambda: audit(now, "login.failed", subject=subject))
        raise failed_refusal(reserved, now, _("Userid o password non corretti."))

    @guarded
    async def unlock(self, userid: str, *, actor: str) -> bool:
        """Lift a userid's delays and lock (an operator, at the desk). True if it was locked
        or delayed. Back office only: it may say that a userid is unknown."""
        uid = validation.userid_ref(userid)
        now = self.ctx.now()

        async def work() -> bool:
            row = await throttle.clear(key_for("login", uid))
            if row is None and not await Subscriber.exists(userid=uid):
                raise Refusal(
                    Reason.UNKNOWN_USER, _("Nessun utente con userid {userid}.").format(userid=uid)
                )
            held = row is not None and any(
                t is not None and t > now for t in (row.locked_until, row.next_allowed_at)
            )
            await audit(now, "login.unlocked", actor=actor[:32], subject=uid, was_held=held)
            return held

        return await self.ctx.atomic(work)

    # --- credential recovery ------------------------------------------------------------

    @staticmethod
    def recovery_sent_message() -> str:
        return _(
            "Se i dati corrispondono a un'iscrizione, riceverà a breve, all'indirizzo e-mail "
            "registrato, un codice di recupero valido {minutes} minuti."
        )

    async def _account_for(self, text: str) -> Subscriber | None:
        """The account a recovery identifier names: an e-mail address (any case) or a userid."""
        if "@" in text:
            return await Subscriber.filter(email=validation.email_key(text)).order_by("id").first()
        if validation.is_userid(text):
            return await Subscriber.get_or_none(userid=text)
        return None

    @guarded
    async def request_recovery(self, identifier: str) -> str:
        """Send a recovery code to the account's e-mail, if there is one. Same answer either way.

        The identifier is a userid or an e-mail address of any legal length; the code is stored
        as a nonce and a hash, and the e-mail renders it at send time (`OutboxService`).
        """
        text = identifier.strip().lower()
        if not text:
            raise InvalidInput("identifier", _("Inserire lo userid o l'indirizzo e-mail."))
        if len(text) > validation.EMAIL_MAX:
            raise InvalidInput(
                "identifier",
                _("Lo userid o l'indirizzo e-mail può avere al massimo {n} caratteri.").format(
                    n=validation.EMAIL_MAX
                ),
            )
        nonce = new_nonce()
        # always hashed, whether or not anybody will get it: the cost does not tell
        code_hash = await self.ctx.passwords.hash(self.ctx.codes.code(nonce))
        now = self.ctx.now()
        settings = self.ctx.settings
        minutes = settings.recovery_code_minutes
        lang = get_language()

        async def work() -> None:
            reopens = await throttle.take_quota(
                key_for("recovery", text),
                "recovery",
                settings.recovery_requests_per_hour,
                timedelta(hours=1),
                now,
            )
            if reopens is not None:
                raise Refusal(
                    Reason.RATE_LIMITED,
                    _("Troppe richieste di recupero: riprovare dopo le {time}.").format(
                        time=hour(reopens)
                    ),
                )
            user = await self._account_for(text)
            if user is None:
                await audit(now, "recovery.unknown", subject=key_for("recovery", text)[:12])
                return
            await self._issue_code(user, code_hash, nonce, now, lang)
            await audit(now, "recovery.requested", actor=user.userid, subject=user.userid)

        await self.ctx.atomic(work, retry_on=[THROTTLE_KEY])
        return self.recovery_sent_message().format(minutes=minutes)

    async def _issue_code(
        self, user: Subscriber, code_hash: str, nonce: str, now: datetime, lang: str
    ) -> None:
        """A new recovery code for `user` (earlier unused ones spent), e-mailed to the address
        on record; call inside the transaction that audits why."""
        minutes = self.ctx.settings.recovery_code_minutes
        await RecoveryCode.filter(subscriber=user, used_at=None).update(used_at=now)
        record = await RecoveryCode.create(
            subscriber=user,
            code_hash=code_hash,
            nonce=nonce,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        await queue_mail(
            self.ctx,
            kind="recovery",
            to=user.email,
            template="recovery",
            params={"code_id": record.id, "minutes": minutes, "lang": lang},
        )

    @guarded
    async def send_recovery(self, userid: str, *, actor: str) -> str:
        """An operator sends a recovery code to a subscriber's e-mail on record (at the desk, on
        the phone): the code is never shown to the operator. The same hourly quota as the
        lawyer's own requests. Back office only: it may say that a userid is unknown. Returns
        the address it went to (the e-mail on record)."""
        uid = validation.userid_ref(userid)
        nonce = new_nonce()
        code_hash = await self.ctx.passwords.hash(self.ctx.codes.code(nonce))
        now = self.ctx.now()
        settings = self.ctx.settings

        async def work() -> str:
            user = await Subscriber.get_or_none(userid=uid)
            if user is None:
                raise Refusal(
                    Reason.UNKNOWN_USER, _("Nessun utente con userid {userid}.").format(userid=uid)
                )
            reopens = await throttle.take_quota(
                key_for("recovery", uid),
                "recovery",
                settings.recovery_requests_per_hour,
                timedelta(hours=1),
                now,
            )
            if reopens is not None:
                raise Refusal(
                    Reason.RATE_LIMITED,
                    _("Troppe richieste di recupero: riprovare dopo le {time}.").format(
                        time=hour(reopens)
                    ),
                )
            await self._issue_code(user, code_hash, nonce, now, user.lang)
            await audit(now, "recovery.sent", actor=actor[:32], subject=uid)
            return user.email

        return await self.ctx.atomic(work, retry_on=[THROTTLE_KEY])

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
            user = await Subscriber.get_or_none(userid=uid) if validation.is_userid(uid) else None
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
        typed = code.strip()
        if reserved is None or len(typed) != CODE_DIGITS:
            await self.ctx.passwords.verify(None, typed)  # the same cost as a real check
            raise invalid
        user, record = reserved
        if not await self.ctx.passwords.verify(record.code_hash, typed):
            raise invalid
        new_hash = await self.ctx.passwords.hash(new_password)

        async def spend() -> bool:
            if not await RecoveryCode.filter(id=record.id, used_at=None).update(used_at=now):
                return False  # used by a concurrent request a moment ago
            await Subscriber.filter(id=user.id).update(password_hash=new_hash, lang=get_language())
            # proving the e-mail on record lifts the userid's delays and lock
            login_key = key_for("login", uid)
            await throttle.succeeded([(login_key, user_policy(self.ctx.settings))], None)
            await audit(now, "recovery.reset", actor=uid, subject=uid)
            return True

        if not await self.ctx.atomic(spend):
            raise invalid
        return session_of(user)
