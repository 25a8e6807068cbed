"""The operator PIN that unlocks the kiosk's exit (kiosk mode).

Stored as an argon2 hash in the database (`kiosk_meta`, key `exit_pin`), set with
`pec-kiosk pin set`; never in a setting or a file. Wrong tries are throttled per terminal like
a userid's passwords (delays, then a lock for `lockout_minutes`), and every wrong try, unlock
and exit is audited with the terminal's id.
"""

from __future__ import annotations

import re

from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _
from kiosk.services import throttle
from kiosk.services.auth import blocked_refusal, failed_refusal, user_policy
from kiosk.services.context import ServiceContext
from kiosk.services.throttle import THROTTLE_KEY, Blocked, Policy, key_for
from kiosk.services.tx import audit, guarded
from kiosk.store.models import AuthThrottle, KioskFact

PIN_FACT = "exit_pin"
PIN_RE = re.compile(r"^[0-9]{6,32}$")


class ExitPinService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _keys(self, terminal: str | None) -> list[tuple[str, Policy]]:
        settings = self.ctx.settings
        return [(key_for("pin", terminal or settings.terminal_id), user_policy(settings, "pin"))]

    @guarded
    async def set_pin(self, pin: str, *, actor: str) -> None:
        """Set (or replace) the PIN; the tries counted against the old one are forgotten."""
        if not PIN_RE.match(pin):
            raise InvalidInput("pin", _("Il PIN deve avere da 6 a 32 cifre."))
        hashed = await self.ctx.passwords.hash(pin)
        now = self.ctx.now()

        async def work() -> None:
            await KioskFact.update_or_create(key=PIN_FACT, defaults={"value": hashed})
            await AuthThrottle.filter(kind="pin").delete()
            await audit(now, "kiosk.pin_set", actor=actor[:32])

        await self.ctx.atomic(work)

    @guarded
    async def is_set(self) -> bool:
        return await KioskFact.exists(key=PIN_FACT)

    @guarded
    async def check(self, pin: str, *, terminal: str | None = None) -> bool:
        """True when `pin` is the PIN (the exit is unlocked); False when it is wrong. Raises
        `Refusal` when no PIN was ever set, or while this terminal must wait or is locked."""
        fact = await KioskFact.get_or_none(key=PIN_FACT)
        if fact is None:
            raise Refusal(
                Reason.NO_PIN,
                _("PIN operatore non impostato: impostarlo con «pec-kiosk pin set»."),
            )
        now = self.ctx.now()
        where = terminal or self.ctx.settings.terminal_id
        keys = self._keys(terminal)
        outcome = await self.ctx.atomic(
            lambda: throttle.reserve(keys, now), retry_on=[THROTTLE_KEY]
        )
        if isinstance(outcome, Blocked):
            await self.ctx.passwords.verify(None, pin)
            await self.ctx.atomic(lambda: audit(now, "kiosk.pin_blocked", subject=where[:254]))
            raise blocked_refusal(outcome, now)
        reserved = outcome
        if await self.ctx.passwords.verify(fact.value, pin):

            async def unlocked() -> None:
                await throttle.succeeded(keys, reserved)
                await audit(now, "kiosk.unlocked", subject=where[:254])

            await self.ctx.atomic(unlocked)
            return True
        await self.ctx.atomic(lambda: audit(now, "kiosk.pin_wrong", subject=where[:254]))
        if reserved.next_at is None and reserved.locked_until is None:
            return False
        raise failed_refusal(reserved, now, _("PIN errato."))

    @guarded
    async def record_exit(self, *, terminal: str | None = None) -> None:
        """The kiosk is leaving (after an unlock): the audit trail says where and when."""
        now = self.ctx.now()
        where = terminal or self.ctx.settings.terminal_id
        await self.ctx.atomic(lambda: audit(now, "kiosk.exit", subject=where[:254]))
