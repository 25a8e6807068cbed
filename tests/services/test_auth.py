"""Log in, lockout, registration, credential recovery."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import cast

import pytest

from kiosk.clock import FixedClock
from kiosk.domain.model import Role
from kiosk.errors import InvalidInput, Refusal
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, OutboxEmail, RecoveryCode, Subscriber

GOOD = {
    "userid": "avv.nuovo",
    "nominativo": "Avv. Nuovo Iscritto",
    "codice_fiscale": "NVISCR80A01H501X",
    "email": "nuovo@example.org",
    "password": "Sicura-2026x",
}


@pytest.fixture
def good() -> dict[str, str]:
    from stdnum.it import codicefiscale

    data = dict(GOOD)
    data["codice_fiscale"] = "NVISCR80A01H501" + codicefiscale.calc_check_digit("NVISCR80A01H501")
    return data


async def test_login_ok_and_wrong_password_say_the_same_for_unknown_users(demo: Services) -> None:
    user = await demo.auth.login("AVV.DEMO", "Rinnovo2026!")
    assert (user.userid, user.role) == ("avv.demo", Role.SUBSCRIBER)
    with pytest.raises(Refusal) as wrong:
        await demo.auth.login("avv.demo", "Rinnovo2026?")
    with pytest.raises(Refusal) as unknown:
        await demo.auth.login("nessuno", "Rinnovo2026!")
    assert wrong.value.message == unknown.value.message
    assert wrong.value.reason == unknown.value.reason == "bad_credentials"


async def test_imported_account_without_password_cannot_log_in(demo: Services) -> None:
    with pytest.raises(Refusal) as err:
        await demo.auth.login("avv.rossi", "")
    assert err.value.reason == "bad_credentials"


async def test_five_failures_lock_for_fifteen_minutes(demo: Services, clock: FixedClock) -> None:
    for _ in range(4):
        with pytest.raises(Refusal) as err:
            await demo.auth.login("avv.demo", "sbagliata")
        assert err.value.reason == "bad_credentials"
    with pytest.raises(Refusal) as err:
        await demo.auth.login("avv.demo", "sbagliata")
    assert err.value.reason == "locked"
    with pytest.raises(Refusal) as err:  # even the right password is refused while locked
        await demo.auth.login("avv.demo", "Rinnovo2026!")
    assert err.value.reason == "locked"
    clock.advance(timedelta(minutes=14, seconds=59))
    with pytest.raises(Refusal):
        await demo.auth.login("avv.demo", "Rinnovo2026!")
    clock.advance(timedelta(seconds=2))
    assert (await demo.auth.login("avv.demo", "Rinnovo2026!")).userid == "avv.demo"
    assert await AuditEvent.filter(action="login.locked").count() == 1
    assert (await Subscriber.get(userid="avv.demo")).failed_logins == 0


async def test_success_resets_the_failure_count(demo: Services) -> None:
    for _ in range(4):
        with pytest.raises(Refusal):
            await demo.auth.login("avv.demo", "sbagliata")
    await demo.auth.login("avv.demo", "Rinnovo2026!")
    for _ in range(4):
        with pytest.raises(Refusal) as err:
            await demo.auth.login("avv.demo", "sbagliata")
        assert err.value.reason == "bad_credentials"


async def test_register_then_log_in(demo: Services, good: dict[str, str]) -> None:
    user = await demo.auth.register(
        **good,  # type: ignore[arg-type]
        password_confirm=good["password"],
        area_code="avvocatinocera.lextel.it",
    )
    assert user.userid == "avv.nuovo" and user.area_code == "avvocatinocera.lextel.it"
    assert (
        await demo.auth.login("avv.nuovo", good["password"])
    ).nominativo == "Avv. Nuovo Iscritto"
    stored = await Subscriber.get(userid="avv.nuovo")
    assert stored.password_hash is not None and stored.password_hash.startswith("$argon2id$")
    assert (await demo.accounts.overview("avv.nuovo")).balance_cents == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"userid": "x"}, "userid"),
        ({"userid": "avv.demo"}, "userid"),
        ({"nominativo": " "}, "nominativo"),
        ({"codice_fiscale": "RSSMRA80A01H501A"}, "codice_fiscale"),
        ({"codice_fiscale": "DMEMRA80A41F912A"}, "codice_fiscale"),  # already registered
        ({"email": "non-una-mail"}, "email"),
        ({"password": "corta1!A"}, "password"),
        ({"password": "senzamaiuscole1!"}, "password"),
        ({"password": "Avv.Nuovo-2026"}, "password"),  # contains the userid
        ({"password_confirm": "Diversa-2026x"}, "password_confirm"),
        ({"area_code": "www.altrove.it"}, "area"),
    ],
)
async def test_register_field_errors(
    demo: Services, good: dict[str, str], change: dict[str, str], field: str
) -> None:
    data: dict[str, str] = {**good, "password_confirm": good["password"], **change}
    if "password" in change and "password_confirm" not in change:
        data["password_confirm"] = change["password"]
    before = await Subscriber.all().count()
    with pytest.raises(InvalidInput) as err:
        await demo.auth.register(**data)  # type: ignore[arg-type]
    assert err.value.field == field
    assert err.value.message
    assert await Subscriber.all().count() == before


async def _last_code(to: str) -> str:
    mail = await OutboxEmail.filter(kind="recovery", to_address=to).order_by("-id").first()
    assert mail is not None
    found = re.search(r"Codice di recupero: (\d{8})", mail.body)
    assert found
    return found.group(1)


async def test_recovery_answers_the_same_whether_or_not_the_account_exists(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    work: list[str] = []  # the expensive steps each path takes (their timing is in bench/)
    hash_ = demo.ctx.passwords.hash

    async def counted_hash(secret: str) -> str:
        work.append("hash")
        return await hash_(secret)

    monkeypatch.setattr(demo.ctx.passwords, "hash", counted_hash)
    known = await demo.auth.request_recovery("avv.demo")
    known_work, work[:] = list(work), []
    unknown = await demo.auth.request_recovery("nessuno.qui")
    assert known == unknown
    assert work == known_work == ["hash"]  # an unknown identifier costs an argon2 hash too
    assert await OutboxEmail.filter(kind="recovery").count() == 1
    stored = cast(list[str], await RecoveryCode.all().values_list("code_hash", flat=True))
    code = await _last_code("avv.demo@example.org")
    assert stored and code not in stored[0] and stored[0].startswith("$argon2id$")


async def test_recovery_by_email_and_reset(demo: Services) -> None:
    await demo.auth.request_recovery("AVV.DEMO@example.org")
    code = await _last_code("avv.demo@example.org")
    user = await demo.auth.reset_password("avv.demo", code, "Nuova-Password-1", "Nuova-Password-1")
    assert user.userid == "avv.demo"
    assert (await demo.auth.login("avv.demo", "Nuova-Password-1")).userid == "avv.demo"
    with pytest.raises(Refusal):
        await demo.auth.login("avv.demo", "Rinnovo2026!")
    with pytest.raises(Refusal) as err:  # single use
        await demo.auth.reset_password("avv.demo", code, "Altra-Password-2")
    assert err.value.reason == "bad_code"


async def test_recovery_lets_an_imported_user_set_a_password_and_unlocks(demo: Services) -> None:
    await demo.auth.request_recovery("avv.rossi")
    code = await _last_code("g.rossi@example.org")
    await demo.auth.reset_password("avv.rossi", code, "Prima-Password-1")
    assert (await demo.auth.login("avv.rossi", "Prima-Password-1")).userid == "avv.rossi"


async def test_recovery_code_expires_and_wrong_codes_are_limited(
    demo: Services, clock: FixedClock
) -> None:
    await demo.auth.request_recovery("avv.demo")
    code = await _last_code("avv.demo@example.org")
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for _ in range(5):
        with pytest.raises(Refusal):
            await demo.auth.reset_password("avv.demo", wrong, "Nuova-Password-1")
    with pytest.raises(Refusal):  # too many attempts: even the right code is spent
        await demo.auth.reset_password("avv.demo", code, "Nuova-Password-1")
    clock.advance(timedelta(hours=2))
    await demo.auth.request_recovery("avv.demo")
    code = await _last_code("avv.demo@example.org")
    clock.advance(timedelta(minutes=15, seconds=1))
    with pytest.raises(Refusal) as err:
        await demo.auth.reset_password("avv.demo", code, "Nuova-Password-1")
    assert err.value.reason == "bad_code"


async def test_a_new_code_replaces_the_old_one(demo: Services) -> None:
    await demo.auth.request_recovery("avv.demo")
    first = await _last_code("avv.demo@example.org")
    await demo.auth.request_recovery("avv.demo")
    second = await _last_code("avv.demo@example.org")
    if first != second:
        with pytest.raises(Refusal):
            await demo.auth.reset_password("avv.demo", first, "Nuova-Password-1")
    await demo.auth.reset_password("avv.demo", second, "Nuova-Password-1")


async def test_recovery_is_rate_limited_for_any_identifier(
    demo: Services, clock: FixedClock
) -> None:
    for who in ("avv.demo", "nessuno.qui"):
        for _ in range(3):
            await demo.auth.request_recovery(who)
        with pytest.raises(Refusal) as err:
            await demo.auth.request_recovery(who)
        assert err.value.reason == "rate_limited"
    clock.advance(timedelta(hours=1, seconds=1))
    await demo.auth.request_recovery("avv.demo")
    assert await OutboxEmail.filter(kind="recovery").count() == 4


async def test_weak_new_password_is_refused_before_the_code_is_spent(demo: Services) -> None:
    await demo.auth.request_recovery("avv.demo")
    code = await _last_code("avv.demo@example.org")
    with pytest.raises(InvalidInput):
        await demo.auth.reset_password("avv.demo", code, "debole")
    await demo.auth.reset_password("avv.demo", code, "Robusta-Password-9")
