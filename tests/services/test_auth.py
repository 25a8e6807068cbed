"""Log in (delays, lock, unlock, the same for unknown userids), credential recovery."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.model import Role
from kiosk.errors import InvalidInput, Refusal
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, OutboxEmail, Subscriber
from tests.conftest import NOW
from tests.services.mail import count_argon2, last_code, mails_to

RIGHT = "Rinnovo2026!"


async def add_user(services: Services, data: dict[str, str], **change: str) -> None:
    """The back office adds a subscriber (`pec-kiosk users add`)."""
    values = {**data, **change}
    await services.registration.create_user(
        userid=values["userid"],
        nominativo=values["nominativo"],
        codice_fiscale=values["codice_fiscale"],
        email=values["email"],
        password=values["password"],
        actor="cli",
    )


async def login_refusal(
    services: Services, userid: str, password: str, terminal: str | None = None
) -> Refusal:
    with pytest.raises(Refusal) as err:
        await services.auth.login(userid, password, terminal=terminal)
    return err.value


async def test_login_ok_and_wrong_password_say_the_same_for_unknown_users(demo: Services) -> None:
    user = await demo.auth.login("AVV.DEMO", RIGHT)
    assert (user.userid, user.role) == ("avv.demo", Role.SUBSCRIBER)
    wrong = await login_refusal(demo, "avv.demo", "Rinnovo2026?")
    unknown = await login_refusal(demo, "nessuno", RIGHT)
    assert wrong.message == unknown.message == "Userid o password non corretti."
    assert wrong.reason == unknown.reason == "bad_credentials"


async def test_imported_account_without_password_cannot_log_in(demo: Services) -> None:
    assert (await login_refusal(demo, "avv.rossi", "")).reason == "bad_credentials"


async def failures_seen(
    services: Services, userid: str, clock: FixedClock, n: int, terminal: str | None = None
) -> list[str]:
    """`n` wrong passwords, each as soon as it is allowed: the messages, in order."""
    messages = []
    for _ in range(n):
        refusal = await login_refusal(services, userid, "Sbagliata-1", terminal)
        while refusal.reason == "throttled":
            clock.advance(timedelta(seconds=int(refusal.details["wait_seconds"])))
            refusal = await login_refusal(services, userid, "Sbagliata-1", terminal)
        messages.append(refusal.message)
    return messages


async def test_wrong_passwords_slow_down_then_lock_and_say_how_long(
    demo: Services, clock: FixedClock
) -> None:
    messages = await failures_seen(demo, "avv.demo", clock, 6)
    assert messages[:2] == ["Userid o password non corretti."] * 2
    assert messages[2:] == [
        "Userid o password non corretti. Il prossimo tentativo sarà possibile tra "
        f"{n} {'secondo' if n == 1 else 'secondi'}."
        for n in (1, 2, 4, 8)
    ]
    # too soon: refused before any check, with the wait
    refusal = await login_refusal(demo, "avv.demo", RIGHT)
    assert refusal.reason == "throttled"
    assert refusal.message == "Troppi tentativi falliti: riprovare tra 8 secondi."
    clock.advance(timedelta(seconds=8))
    assert (await demo.auth.login("avv.demo", RIGHT)).userid == "avv.demo"  # and forgiven
    assert (await failures_seen(demo, "avv.demo", clock, 1)) == ["Userid o password non corretti."]


async def test_the_delay_is_capped_and_twenty_failures_lock_until_time_or_unlock(
    demo: Services, clock: FixedClock
) -> None:
    messages = await failures_seen(demo, "avv.demo", clock, 19)
    assert messages[-1].endswith("tra 60 secondi.")  # 1, 2, 4 ... capped at a minute
    last = await failures_seen(demo, "avv.demo", clock, 1)
    # the twentieth failure came 12 min 3 s in (3 free, then 1+2+4+8+16+32 s and 11 minutes)
    assert clock.now() - NOW == timedelta(minutes=12, seconds=3)
    assert last == [
        "Troppi tentativi falliti: accesso bloccato fino alle 10:27. "
        "Lo sportello può sbloccarlo prima."
    ]
    clock.advance(timedelta(minutes=14))
    locked = await login_refusal(demo, "avv.demo", RIGHT)  # even the right password
    assert (locked.reason, locked.message) == ("locked", last[0])
    assert await demo.auth.unlock("AVV.DEMO", actor="cli:mario") is True
    assert (await demo.auth.login("avv.demo", RIGHT)).userid == "avv.demo"
    unlocked = await AuditEvent.get(action="login.unlocked")
    assert (unlocked.actor, unlocked.subject, unlocked.details) == (
        "cli:mario",
        "avv.demo",
        {"was_held": True},
    )


async def test_a_lock_is_lifted_by_time(demo: Services, clock: FixedClock) -> None:
    await failures_seen(demo, "avv.demo", clock, 20)
    clock.advance(timedelta(minutes=14, seconds=59))
    assert (await login_refusal(demo, "avv.demo", RIGHT)).reason == "locked"
    clock.advance(timedelta(seconds=1))
    assert (await demo.auth.login("avv.demo", RIGHT)).userid == "avv.demo"


async def test_an_unknown_userid_is_delayed_and_locked_in_the_same_words_and_work(
    demo: Services, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = count_argon2(demo, monkeypatch)
    known = await failures_seen(demo, "avv.demo", clock, 20, terminal="t1")
    known_work = work.take()
    clock.set(NOW)  # the other name from the same start, on a terminal of its own
    unknown = await failures_seen(demo, "avv.nessuno", clock, 20, terminal="t2")
    unknown_work = work.take()
    assert unknown == known
    assert unknown[-1].startswith("Troppi tentativi falliti: accesso bloccato fino alle")
    # one argon2 verify per try, refused or not, account or not
    assert len(known_work) == len(unknown_work)
    assert all(c.startswith("verify") for c in known_work + unknown_work)
    blocked_known = await login_refusal(demo, "avv.demo", RIGHT, "t3")
    blocked_unknown = await login_refusal(demo, "avv.nessuno", RIGHT, "t3")
    assert blocked_known.reason == blocked_unknown.reason == "locked"
    assert blocked_known.message == blocked_unknown.message
    assert work.take() == ["verify-dummy", "verify-dummy"]
    # the back office may learn what the kiosk never says
    with pytest.raises(Refusal) as err:
        await demo.auth.unlock("mai.visto", actor="cli")
    assert err.value.reason == "unknown_user"
    assert await demo.auth.unlock("avv.nessuno", actor="cli") is True


async def test_a_terminal_slows_down_after_many_wrong_passwords_for_anyone(
    demo: Services, clock: FixedClock
) -> None:
    for n in range(9):  # one wrong password each for nine userids: no userid is delayed
        refusal = await login_refusal(demo, f"avv.prova{n}", "Sbagliata-1")
        assert refusal.message == "Userid o password non corretti.", n
    tenth = await login_refusal(demo, "avv.prova9", "Sbagliata-1")
    assert tenth.message.endswith("tra 1 secondo.")  # but this terminal now is
    assert (await login_refusal(demo, "avv.demo", RIGHT)).reason == "throttled"
    # another terminal (the SSH server gives each its own) is not slowed by this one
    assert (await demo.auth.login("avv.demo", RIGHT, terminal="ssh-2")).userid == "avv.demo"
    # a success here does not wipe the terminal's record: its next failure waits longer
    clock.advance(timedelta(seconds=1))
    assert (await demo.auth.login("avv.demo", RIGHT)).userid == "avv.demo"
    twelfth = await login_refusal(demo, "avv.altro", "Sbagliata-1")
    assert twelfth.message.endswith("tra 2 secondi.")


@pytest.mark.parametrize("userid", ["a" * 33, "x" * 500, "non valido!", ""])
async def test_impossible_userids_are_just_wrong_credentials(demo: Services, userid: str) -> None:
    refusal = await login_refusal(demo, userid, RIGHT)
    assert refusal.reason == "bad_credentials"


async def test_unlock_refuses_an_overlong_userid_as_bad_input(demo: Services) -> None:
    with pytest.raises(InvalidInput) as err:
        await demo.auth.unlock("a" * 33, actor="cli")
    assert err.value.field == "userid"


# --- credential recovery --------------------------------------------------------------------


async def test_recovery_answers_the_same_whether_or_not_the_account_exists(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = count_argon2(demo, monkeypatch)
    known = await demo.auth.request_recovery("avv.demo")
    known_work = work.take()
    unknown = await demo.auth.request_recovery("nessuno.qui")
    assert known == unknown
    assert work.take() == known_work == ["hash"]  # an unknown identifier costs a hash too
    assert await OutboxEmail.filter(kind="recovery").count() == 1
    code = await last_code(demo, "avv.demo@example.org")
    assert len(code) == 8


async def test_recovery_by_email_in_any_case_and_reset(demo: Services) -> None:
    await demo.auth.request_recovery("AVV.Demo@EXAMPLE.org")
    code = await last_code(demo, "avv.demo@example.org")
    user = await demo.auth.reset_password("avv.demo", code, "Nuova-Password-1", "Nuova-Password-1")
    assert user.userid == "avv.demo"
    assert (await demo.auth.login("avv.demo", "Nuova-Password-1")).userid == "avv.demo"
    assert (await login_refusal(demo, "avv.demo", RIGHT)).reason == "bad_credentials"
    with pytest.raises(Refusal) as err:  # single use
        await demo.auth.reset_password("avv.demo", code, "Altra-Password-2")
    assert err.value.reason == "bad_code"


async def test_an_address_stored_with_capitals_is_found_and_stored_lower_case(
    demo: Services, good_user: dict[str, str]
) -> None:
    await add_user(demo, good_user, email="Avv.Nuovo@Example.ORG")
    assert (await Subscriber.get(userid=good_user["userid"])).email == "avv.nuovo@example.org"
    await demo.auth.request_recovery("avv.nuovo@example.org")
    assert await last_code(demo, "avv.nuovo@example.org")


async def test_recovery_takes_an_address_of_any_legal_length(
    demo: Services, good_user: dict[str, str]
) -> None:
    long_address = "studio.legale.associato.avvocati1@example.org"
    assert len(long_address) == 45  # longer than any userid: it used to crash the look-up
    await add_user(demo, good_user, email=long_address)
    answer = await demo.auth.request_recovery(long_address.upper())
    assert "riceverà a breve" in answer
    assert await last_code(demo, long_address)
    local = "a" * 64
    longest = f"{local}@{'b' * 63}.{'c' * 63}.{'d' * 58}.it"
    assert len(longest) == 254
    assert await demo.auth.request_recovery(longest) == answer
    with pytest.raises(InvalidInput) as err:
        await demo.auth.request_recovery("x" * 255)
    assert err.value.field == "identifier"
    assert "254" in err.value.message


async def test_recovery_lets_an_imported_user_set_a_password_and_unlocks(
    demo: Services, clock: FixedClock
) -> None:
    await failures_seen(demo, "avv.rossi", clock, 20, "altrove")  # someone guessing, elsewhere
    await demo.auth.request_recovery("avv.rossi")
    code = await last_code(demo, "g.rossi@example.org")
    await demo.auth.reset_password("avv.rossi", code, "Prima-Password-1")
    assert (await demo.auth.login("avv.rossi", "Prima-Password-1")).userid == "avv.rossi"


async def test_recovery_code_expires_and_wrong_codes_are_limited(
    demo: Services, clock: FixedClock
) -> None:
    await demo.auth.request_recovery("avv.demo")
    code = await last_code(demo, "avv.demo@example.org")
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for _ in range(5):
        with pytest.raises(Refusal):
            await demo.auth.reset_password("avv.demo", wrong, "Nuova-Password-1")
    with pytest.raises(Refusal):  # too many attempts: even the right code is spent
        await demo.auth.reset_password("avv.demo", code, "Nuova-Password-1")
    clock.advance(timedelta(hours=2))
    await demo.auth.request_recovery("avv.demo")
    code = await last_code(demo, "avv.demo@example.org")
    clock.advance(timedelta(minutes=15, seconds=1))
    with pytest.raises(Refusal) as err:
        await demo.auth.reset_password("avv.demo", code, "Nuova-Password-1")
    assert err.value.reason == "bad_code"


async def test_a_new_code_replaces_the_old_one(demo: Services) -> None:
    await demo.auth.request_recovery("avv.demo")
    first = await last_code(demo, "avv.demo@example.org")
    await demo.auth.request_recovery("avv.demo")
    second = await last_code(demo, "avv.demo@example.org")
    if first != second:
        with pytest.raises(Refusal):
            await demo.auth.reset_password("avv.demo", first, "Nuova-Password-1")
    await demo.auth.reset_password("avv.demo", second, "Nuova-Password-1")


async def test_recovery_is_rate_limited_for_any_identifier(
    demo: Services, clock: FixedClock
) -> None:
    for who in ("avv.demo", "nessuno.qui", "AVV.DEMO@example.org"):
        for _ in range(3):
            await demo.auth.request_recovery(who)
        with pytest.raises(Refusal) as err:
            await demo.auth.request_recovery(who)
        assert err.value.reason == "rate_limited"
        assert err.value.message == "Troppe richieste di recupero: riprovare dopo le 11:00."
    clock.advance(timedelta(hours=1))
    await demo.auth.request_recovery("avv.demo")
    assert len(await mails_to(demo, "avv.demo@example.org")) == 7


async def test_weak_new_password_is_refused_before_the_code_is_spent(demo: Services) -> None:
    await demo.auth.request_recovery("avv.demo")
    code = await last_code(demo, "avv.demo@example.org")
    with pytest.raises(InvalidInput):
        await demo.auth.reset_password("avv.demo", code, "debole")
    await demo.auth.reset_password("avv.demo", code, "Robusta-Password-9")
