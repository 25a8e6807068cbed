"""Guesses sent all at once get no more checks than guesses sent one by one.

Each test fires its calls together with `asyncio.gather` through the services: on PostgreSQL
they run on several pooled connections at the same time; on SQLite their transactions queue
for the write lock. Each attempt must be reserved before its secret is checked, so the limits
hold however the calls interleave. The right secret is sent once the limit has certainly been
reached (after as many checks as the limit allows have started) and must be refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from kiosk.clock import FixedClock
from kiosk.errors import Refusal
from kiosk.services.facade import Services
from kiosk.store.models import OutboxEmail
from tests.services.mail import Argon2Work, count_argon2, last_code

RIGHT = "Rinnovo2026!"


async def burst(
    wrong: Sequence[Callable[[], Awaitable[Any]]],
    right: Callable[[], Awaitable[Any]],
    work: Argon2Work,
    after_checks: int,
) -> tuple[list[Any], Any]:
    """Run the wrong calls together, and the right one as soon as `after_checks` argon2
    verifications have started: the outcomes (results or exceptions)."""

    async def late() -> Any:
        await work.started(after_checks)
        return await right()

    outcomes = await asyncio.gather(*(w() for w in wrong), late(), return_exceptions=True)
    return list(outcomes[:-1]), outcomes[-1]


def reasons(outcomes: list[Any]) -> list[str]:
    return sorted(str(o.reason) if isinstance(o, Refusal) else repr(o) for o in outcomes)


async def test_thirty_parallel_passwords_get_three_checks_and_the_right_one_is_refused(
    demo: Services, monkeypatch: pytest.MonkeyPatch, clock: FixedClock
) -> None:
    free = demo.ctx.settings.login_free_failures
    work = count_argon2(demo, monkeypatch)
    wrong = [partial(demo.auth.login, "avv.demo", f"Sbagliata-{n}") for n in range(29)]
    outcomes, right = await burst(wrong, lambda: demo.auth.login("avv.demo", RIGHT), work, free)
    assert work.real_checks == free  # three passwords checked, no more
    assert len(work.calls) == 30  # every try cost one verify all the same
    assert isinstance(right, Refusal) and right.reason == "throttled", right
    assert reasons(outcomes) == sorted(["bad_credentials"] * free + ["throttled"] * (29 - free))
    clock.advance(timedelta(seconds=1))
    assert (await demo.auth.login("avv.demo", RIGHT)).userid == "avv.demo"


async def test_forty_parallel_guesses_of_a_recovery_code_get_five_checks(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    await demo.auth.request_recovery("avv.demo")
    code = await last_code(demo, "avv.demo@example.org")
    work = count_argon2(demo, monkeypatch)
    wrong_codes = [f"{(int(code) + n) % 10**8:08d}" for n in range(1, 40)]
    wrong = [
        partial(demo.auth.reset_password, "avv.demo", c, "Nuova-Password-1") for c in wrong_codes
    ]
    outcomes, right = await burst(
        wrong, lambda: demo.auth.reset_password("avv.demo", code, "Nuova-Password-1"), work, 5
    )
    assert work.real_checks == 5  # RECOVERY_CODE_ATTEMPTS
    assert isinstance(right, Refusal) and right.reason == "bad_code", right
    assert reasons(outcomes) == ["bad_code"] * 39
    assert (await demo.auth.login("avv.demo", RIGHT)).userid == "avv.demo"  # unchanged


async def test_twenty_parallel_recovery_requests_send_three_codes(
    demo: Services, clock: FixedClock
) -> None:
    limit = demo.ctx.settings.recovery_requests_per_hour
    outcomes = await asyncio.gather(
        *(demo.auth.request_recovery("avv.demo") for _ in range(20)), return_exceptions=True
    )
    sent = [o for o in outcomes if isinstance(o, str)]
    assert len(sent) == limit, outcomes
    assert reasons([o for o in outcomes if not isinstance(o, str)]) == ["rate_limited"] * (
        20 - limit
    )
    assert await OutboxEmail.filter(kind="recovery").count() == limit
    clock.advance(timedelta(hours=1))
    await demo.auth.request_recovery("avv.demo")
    assert await OutboxEmail.filter(kind="recovery").count() == limit + 1


async def test_twenty_parallel_registrations_with_one_codice_fiscale_send_three_codes(
    demo: Services, good_user: dict[str, str]
) -> None:
    limit = demo.ctx.settings.recovery_requests_per_hour
    outcomes = await asyncio.gather(
        *(
            demo.registration.start(**{**good_user, "email": f"n{n}@example.org"})
            for n in range(20)
        ),
        return_exceptions=True,
    )
    started = [o for o in outcomes if not isinstance(o, BaseException)]
    assert len(started) == limit, outcomes
    assert await OutboxEmail.filter(kind="registration").count() == limit


async def test_thirty_parallel_exit_pins_get_three_checks(
    demo: Services, monkeypatch: pytest.MonkeyPatch, clock: FixedClock
) -> None:
    await demo.exit_pin.set_pin("97531086", actor="test")
    free = demo.ctx.settings.login_free_failures
    work = count_argon2(demo, monkeypatch)
    wrong = [partial(demo.exit_pin.check, f"{n:08d}") for n in range(29)]
    outcomes, right = await burst(wrong, lambda: demo.exit_pin.check("97531086"), work, free)
    assert work.real_checks == free
    assert isinstance(right, Refusal) and right.reason == "throttled", right
    checked = [
        o for o in outcomes if o is False or (isinstance(o, Refusal) and o.reason != "throttled")
    ]
    assert len(checked) == free
    clock.advance(timedelta(seconds=1))
    assert await demo.exit_pin.check("97531086") is True
