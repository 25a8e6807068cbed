"""Iscriviti in two steps: nothing told before an e-mail is proven, nobody taken over."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from kiosk.clock import FixedClock
from kiosk.errors import InvalidInput, Refusal
from kiosk.i18n import set_language
from kiosk.services.facade import Services
from kiosk.store.models import AuditEvent, OutboxEmail, PendingRegistration, Subscriber
from tests.services.mail import count_argon2, last_code, mails_to

DEMO_CF = "DMEMRA80A41F912A"  # avv.demo's (has a password)
ROSSI_CF = "RSSGPP75C12H703W"  # avv.rossi's: imported, no password yet
SENT = (
    "Abbiamo inviato un codice di conferma all'indirizzo e-mail indicato o, se il codice "
    "fiscale risulta già iscritto, a quello registrato. Inserirlo qui sotto per completare "
    "l'iscrizione: vale 15 minuti."
)


def form(good_user: dict[str, str], **change: str) -> dict[str, Any]:
    return {**good_user, "password_confirm": good_user["password"], **change}


async def test_a_new_subscriber_proves_the_address_then_is_logged_in(
    demo: Services, good_user: dict[str, str]
) -> None:
    started = await demo.registration.start(**form(good_user, area_code="avvocatinocera.lextel.it"))
    assert started.message == SENT
    assert not await Subscriber.exists(userid="avv.nuovo")  # nothing until the code
    code = await last_code(demo, "nuovo@example.org")
    user = await demo.registration.complete(started.handle, code)
    assert (user.userid, user.area_code) == ("avv.nuovo", "avvocatinocera.lextel.it")
    stored = await Subscriber.get(userid="avv.nuovo")
    assert stored.password_hash and stored.password_hash.startswith("$argon2id$")
    assert stored.cf_proven is False  # an address was proven, not the codice fiscale
    assert (await demo.auth.login("avv.nuovo", good_user["password"])).userid == "avv.nuovo"
    assert (await demo.accounts.overview("avv.nuovo")).balance_cents == 0
    with pytest.raises(Refusal) as err:  # the code is spent
        await demo.registration.complete(started.handle, code)
    assert err.value.reason == "bad_code"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"userid": "x"}, "userid"),
        ({"nominativo": " "}, "nominativo"),
        ({"codice_fiscale": "RSSMRA80A01H501A"}, "codice_fiscale"),
        ({"email": "non-una-mail"}, "email"),
        ({"email": "a" * 250 + "@x.it"}, "email"),
        ({"password": "corta1!A", "password_confirm": "corta1!A"}, "password"),
        ({"password": "Avv.Nuovo-2026", "password_confirm": "Avv.Nuovo-2026"}, "password"),
        ({"password_confirm": "Diversa-2026x"}, "password_confirm"),
        ({"area_code": "www.altrove.it"}, "area"),
    ],
)
async def test_field_errors_are_about_format_only(
    demo: Services, good_user: dict[str, str], change: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        await demo.registration.start(**form(good_user, **change))
    assert err.value.field == field
    assert await PendingRegistration.all().count() == 0
    assert await OutboxEmail.all().count() == 0


@pytest.mark.parametrize(
    "change",
    [
        {},  # nobody
        {"userid": "avv.demo"},  # a userid in use
        {"codice_fiscale": DEMO_CF},  # a registered codice fiscale
        {"codice_fiscale": ROSSI_CF},  # an imported one without a password
        {"email": "avv.demo@example.org"},  # an address on record
    ],
    ids=["new", "userid-taken", "cf-registered", "cf-imported", "email-on-record"],
)
async def test_the_answer_and_the_work_are_the_same_whatever_exists(
    demo: Services,
    good_user: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    change: dict[str, str],
) -> None:
    work = count_argon2(demo, monkeypatch)
    started = await demo.registration.start(**form(good_user, **change))
    assert started.message == SENT
    assert work.take() == ["hash", "hash"]  # the password and the code, on every path
    assert await OutboxEmail.filter(kind="registration").count() == 1


async def test_a_taken_userid_is_told_only_after_the_code_and_another_can_be_chosen(
    demo: Services, good_user: dict[str, str]
) -> None:
    started = await demo.registration.start(**form(good_user, userid="avv.demo"))
    code = await last_code(demo, "nuovo@example.org")
    with pytest.raises(Refusal):  # a wrong code learns nothing about the userid
        await demo.registration.complete(started.handle, "00000000")
    with pytest.raises(InvalidInput) as err:
        await demo.registration.complete(started.handle, code)
    assert err.value.field == "userid"
    assert err.value.message == "Lo userid avv.demo non è disponibile: sceglierne un altro."
    with pytest.raises(InvalidInput):  # still taken: the right code costs no attempt
        await demo.registration.complete(started.handle, code, userid="avv.rossi")
    with pytest.raises(InvalidInput) as bad:
        await demo.registration.complete(started.handle, code, userid="x")
    assert bad.value.field == "userid"
    user = await demo.registration.complete(started.handle, code, userid="avv.nuovo2")
    assert user.userid == "avv.nuovo2"
    assert (await Subscriber.get(userid="avv.demo")).email == "avv.demo@example.org"


async def test_an_imported_subscriber_is_bound_only_by_the_address_on_record(
    demo: Services, good_user: dict[str, str]
) -> None:
    stranger = await demo.registration.start(
        **form(good_user, codice_fiscale=ROSSI_CF, email="ladro@example.org")
    )
    assert await OutboxEmail.filter(to_address="ladro@example.org").count() == 0
    mails = await mails_to(demo, "g.rossi@example.org")  # the address on record
    assert len(mails) == 1 and "Avv. Giuseppe Rossi" in mails[0][1]
    for guess in ("00000000", "12345678"):
        with pytest.raises(Refusal):
            await demo.registration.complete(stranger.handle, guess)
    assert (await Subscriber.get(userid="avv.rossi")).password_hash is None
    # the real Rossi reads his mail: his account gets the password, keeps userid and mailboxes
    code = await last_code(demo, "g.rossi@example.org")
    user = await demo.registration.complete(stranger.handle, code)
    assert user.userid == "avv.rossi"
    rossi = await Subscriber.get(userid="avv.rossi")
    assert (rossi.email, rossi.nominativo, rossi.cf_proven) == (
        "g.rossi@example.org",
        "Avv. Giuseppe Rossi",
        True,
    )
    assert len((await demo.accounts.overview("avv.rossi")).mailboxes) == 1
    assert (await demo.auth.login("avv.rossi", good_user["password"])).userid == "avv.rossi"
    assert not await Subscriber.exists(userid="avv.nuovo")
    assert await AuditEvent.filter(action="register.bound", subject="avv.rossi").count() == 1


async def test_a_registered_codice_fiscale_gets_a_notice_on_record_and_no_code(
    demo: Services, good_user: dict[str, str]
) -> None:
    started = await demo.registration.start(**form(good_user, codice_fiscale=DEMO_CF))
    ((_subject, body),) = await mails_to(demo, "avv.demo@example.org")
    assert "risulta già iscritto con lo userid avv.demo" in body
    assert "Codice" not in body
    for guess in ("00000000", "12345678"):
        with pytest.raises(Refusal):
            await demo.registration.complete(started.handle, guess)
    assert await Subscriber.filter(codice_fiscale=DEMO_CF).count() == 1


async def test_registering_twice_with_the_same_address_is_told_it_is_registered(
    demo: Services, good_user: dict[str, str]
) -> None:
    first = await demo.registration.start(**form(good_user))
    await demo.registration.complete(first.handle, await last_code(demo, "nuovo@example.org"))
    await demo.registration.start(**form(good_user, userid="avv.nuovo.bis"))
    last = (await mails_to(demo, "nuovo@example.org"))[-1][1]
    assert "risulta già iscritto con lo userid avv.nuovo" in last


async def test_someone_elses_codice_fiscale_blocks_neither_its_owner_nor_the_import(
    demo: Services, good_user: dict[str, str]
) -> None:
    """A squatter proves their own address with a stranger's codice fiscale: the account holds
    it unproven; the owner can still register, and the provider's file imports it."""
    squatter = await demo.registration.start(**form(good_user, email="abusivo@example.org"))
    await demo.registration.complete(squatter.handle, await last_code(demo, "abusivo@example.org"))
    owner = await demo.registration.start(
        **form(good_user, userid="avv.vero", email="vero@example.org")
    )
    await demo.registration.complete(owner.handle, await last_code(demo, "vero@example.org"))
    cf = good_user["codice_fiscale"]
    report = await demo.imports.import_mailboxes(
        "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,"
        f"data_scadenza\navv.gestore,Avv. Nuovo Iscritto,{cf},vero@example.org,,"
        "nuovo@legalmail.it,legalmail,2024-12-20,2026-12-20\n"
    )
    assert (report.subscribers_created, report.mailboxes_created) == (1, 1)
    assert (await Subscriber.get(userid="avv.gestore")).cf_proven is True


async def test_a_pending_registration_holds_no_claim_on_the_codice_fiscale(
    demo: Services, good_user: dict[str, str]
) -> None:
    await demo.registration.start(**form(good_user))  # never completed
    cf = good_user["codice_fiscale"]
    report = await demo.imports.import_mailboxes(
        "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,"
        f"data_scadenza\navv.nuovo,Avv. Nuovo Iscritto,{cf},nuovo@example.org,,"
        "nuovo@legalmail.it,legalmail,2024-12-20,2026-12-20\n"
    )
    assert report.subscribers_created == 1
    # the provider's record now answers for that codice fiscale: a new request binds to it
    await demo.registration.start(**form(good_user, userid="avv.altro", email="x@example.org"))
    assert len(await mails_to(demo, "nuovo@example.org")) == 2


async def test_registration_codes_expire_and_wrong_ones_are_limited(
    demo: Services, good_user: dict[str, str], clock: FixedClock
) -> None:
    started = await demo.registration.start(**form(good_user))
    code = await last_code(demo, "nuovo@example.org")
    for guess in range(5):
        with pytest.raises(Refusal):
            await demo.registration.complete(started.handle, f"{guess:08d}")
    with pytest.raises(Refusal):  # five wrong: even the right code no longer works
        await demo.registration.complete(started.handle, code)
    again = await demo.registration.start(**form(good_user))
    code = await last_code(demo, "nuovo@example.org")
    clock.advance(timedelta(minutes=15, seconds=1))
    with pytest.raises(Refusal) as err:
        await demo.registration.complete(again.handle, code)
    assert err.value.reason == "bad_code"
    with pytest.raises(Refusal):
        await demo.registration.complete("non-esiste", code)


async def test_requests_are_rate_limited_per_codice_fiscale_and_per_address(
    demo: Services, good_user: dict[str, str], clock: FixedClock
) -> None:
    for n in range(3):
        await demo.registration.start(**form(good_user, email=f"n{n}@example.org"))
    with pytest.raises(Refusal) as err:
        await demo.registration.start(**form(good_user, email="n9@example.org"))
    assert err.value.reason == "rate_limited"
    clock.advance(timedelta(hours=1))
    await demo.registration.start(**form(good_user, email="n9@example.org"))


async def test_expired_pending_registrations_are_deleted_a_day_later(
    demo: Services, good_user: dict[str, str], clock: FixedClock
) -> None:
    await demo.registration.start(**form(good_user))
    clock.advance(timedelta(days=1, minutes=16))
    await demo.registration.start(**form(good_user, email="altro@example.org"))
    assert await PendingRegistration.all().count() == 1


async def test_the_email_speaks_the_language_of_whoever_asked(
    demo: Services, good_user: dict[str, str]
) -> None:
    set_language("en")
    try:
        await demo.registration.start(**form(good_user))
    finally:
        set_language("it")
    ((subject, body),) = await mails_to(demo, "nuovo@example.org")  # rendered later, in Italian
    assert subject == "Registration for the PEC renewal service"
    assert "Confirmation code: " in body and await last_code(demo, "nuovo@example.org")
