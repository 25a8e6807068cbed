"""The operator PIN that unlocks the kiosk's exit: hashed, throttled, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.errors import InvalidInput, Refusal
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, KioskFact

PIN = "97531086"


async def test_the_pin_is_stored_hashed_and_checked(services: Services) -> None:
    assert await services.exit_pin.is_set() is False
    with pytest.raises(Refusal) as err:
        await services.exit_pin.check(PIN)
    assert err.value.reason == "no_pin"
    await services.exit_pin.set_pin(PIN, actor="cli:mario")
    stored = await KioskFact.get(key="exit_pin")
    assert stored.value.startswith("$argon2id$") and PIN not in stored.value
    assert await services.exit_pin.is_set() is True
    assert await services.exit_pin.check("11111111") is False
    assert await services.exit_pin.check(PIN) is True
    await services.exit_pin.record_exit()
    actions = (
        await AuditEvent.filter(action__startswith="kiosk.")
        .order_by("id")
        .values_list("action", "actor", "subject")
    )
    terminal = services.ctx.settings.terminal_id
    assert actions == [
        ("kiosk.pin_set", "cli:mario", ""),
        ("kiosk.pin_wrong", None, terminal),
        ("kiosk.unlocked", None, terminal),
        ("kiosk.exit", None, terminal),
    ]


@pytest.mark.parametrize("pin", ["12345", "abcdefgh", "1234 5678", "1" * 33, ""])
async def test_a_pin_is_six_to_thirty_two_digits(services: Services, pin: str) -> None:
    with pytest.raises(InvalidInput) as err:
        await services.exit_pin.set_pin(pin, actor="cli")
    assert err.value.field == "pin"
    assert await services.exit_pin.is_set() is False


async def test_wrong_pins_slow_down_lock_and_a_new_pin_forgets_them(
    services: Services, clock: FixedClock
) -> None:
    await services.exit_pin.set_pin(PIN, actor="cli")
    assert await services.exit_pin.check("00000001") is False
    assert await services.exit_pin.check("00000002") is False
    with pytest.raises(Refusal) as third:
        await services.exit_pin.check("00000003")
    assert third.value.message == "PIN errato. Il prossimo tentativo sarà possibile tra 1 secondo."
    with pytest.raises(Refusal) as soon:
        await services.exit_pin.check(PIN)
    assert soon.value.reason == "throttled"
    for n in range(17):  # up to twenty wrong tries in a row: locked
        clock.advance(timedelta(minutes=1))
        with pytest.raises(Refusal) as err:
            await services.exit_pin.check(f"{n + 10:08d}")
    assert err.value.reason == "locked"
    clock.advance(timedelta(minutes=1))
    with pytest.raises(Refusal) as locked:
        await services.exit_pin.check(PIN)
    assert locked.value.reason == "locked"
    assert await services.exit_pin.check(PIN, terminal="altro-sportello") is True
    await services.exit_pin.set_pin("24681357", actor="cli")
    assert await services.exit_pin.check("24681357") is True
