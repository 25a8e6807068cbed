"""Subscriber search on both backends: each field, prefix, case and accents, several words,
limits, bad input, the operator's role, and the terms kept by every path that adds accounts."""

from __future__ import annotations

import pytest

from kiosk.domain.model import Role
from kiosk.domain.search import SearchField, name_terms, normalize, query_words
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.services.facade import Services
from kiosk.store import bulk, search_index
from kiosk.store.models import SearchTerm, Subscriber
from tests.services.conftest import RENEWABLE, ROSSI

HEADER = "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,data_scadenza"
NICOLO = (
    "n.dangelo,Avv. Nicolò D'Angelo,DNGNCL80A01H703L,nicolo@example.org,,"
    "nicolo.dangelo@legalmail.it,legalmail,2024-12-01,2026-12-01"
)


def userids(hits: tuple[object, ...]) -> list[str]:
    return [h.userid for h in hits]  # type: ignore[attr-defined]


def test_terms_are_folded_words_of_the_name() -> None:
    assert normalize("  NICOLÒ   D’Àngelo ") == "nicolo d’angelo"
    assert name_terms("Avv. Nicolò D'Angelo-Rossi") == {
        "nicolo d'angelo-rossi",  # the name from each word on, in a circle
        "d'angelo-rossi nicolo",
        "dangelorossi nicolo",  # without its punctuation
        "angelo nicolo",  # and its parts
        "rossi nicolo",
    }
    assert name_terms("Maria Rosa Bianchi") == {
        "maria rosa bianchi",
        "rosa bianchi maria",
        "bianchi maria rosa",
        "maria bianchi",  # two words that are not neighbours
        "rosa maria",
        "bianchi rosa",
    }
    assert query_words("r") == ()
    assert query_words("  ") == ()
    assert query_words("Ma ROSS ma") == ("ma", "ross")
    with pytest.raises(ValueError, match="too long"):
        query_words("x" * 255)


async def test_each_field_by_prefix(demo: Services) -> None:
    search = demo.search.subscribers
    assert userids(await search("avv.ro")) == ["avv.rossi"]  # userid
    (hit,) = await search("ROSSI")  # a word of the name, any case
    assert (hit.userid, hit.matched) == ("avv.rossi", SearchField.NAME)
    (hit,) = await search("giuseppe.ross")  # a PEC address
    assert (hit.userid, hit.matched, hit.mailboxes) == ("avv.rossi", SearchField.PEC, (ROSSI,))
    (hit,) = await search("rssgpp75")  # a codice fiscale, lower case
    assert (hit.matched, hit.codice_fiscale) == (SearchField.CODICE_FISCALE, "RSSGPP75C12H703W")
    (hit,) = await search("maria.demo@")
    assert hit.userid == "avv.demo"
    assert hit.mailbox_count == 4
    assert hit.mailboxes[0] == RENEWABLE  # the matching box first, at most three shown
    assert len(hit.mailboxes) == 3
    assert (hit.email, hit.area_code, hit.role) == (
        "avv.demo@example.org",
        "avvocatinocera.lextel.it",
        Role.SUBSCRIBER,
    )
    assert await search("zzzz") == ()


async def test_accents_words_and_titles(demo: Services) -> None:
    await demo.imports.import_mailboxes(f"{HEADER}\n{NICOLO}\n", actor="admin.demo")
    search = demo.search.subscribers
    assert userids(await search("nicolo")) == ["n.dangelo"]
    assert userids(await search("NICOLÒ")) == ["n.dangelo"]
    assert userids(await search("dang")) == ["n.dangelo"]  # D'Angelo without the apostrophe
    assert userids(await search("d'ang")) == ["n.dangelo"]
    assert userids(await search("angel")) == ["n.dangelo"]
    assert userids(await search("angelo nic")) == ["n.dangelo"]  # every word must match
    assert userids(await search("nic dang")) == ["n.dangelo"]  # the start of each, any order
    assert userids(await search("dang NIC")) == ["n.dangelo"]
    assert await search("angelo maria") == ()
    assert await search("nic d%") == ()  # LIKE's wildcards are letters here
    assert await search("nic _ang") == ()
    assert await search("n.dangelo nic") == ()  # several words search the name
    assert userids(await search("maria demo")) == ["avv.demo"]
    # "Avv." is a title, not a name: only the userids starting with avv match it
    assert userids(await search("avv")) == ["avv.demo", "avv.rossi"]


async def test_short_long_and_limit(demo: Services) -> None:
    search = demo.search.subscribers
    assert await search("") == ()
    assert await search("r") == ()
    assert await search(" r ") == ()
    with pytest.raises(InvalidInput) as error:
        await search("r" * 255)
    assert error.value.field == "search"
    with pytest.raises(InvalidInput):
        await search("rossi", limit=0)
    assert len(await search("av")) == 2  # avv.demo, avv.rossi
    assert userids(await search("av", limit=1)) == ["avv.demo"]


async def test_limit_counts_subscribers_not_terms(services: Services) -> None:
    """Many terms of one subscriber in the range do not crowd the others out of the page."""
    lines = [HEADER]
    for i in range(30):
        lines.append(
            f"marco.m{i},Avv. Marco Marini Marchi,{_cf(i)},m{i}@example.org,,"
            f"marco.marini{i}@legalmail.it,legalmail,2024-12-01,2026-12-01"
        )
    await services.imports.import_mailboxes("\n".join(lines) + "\n", actor=None)
    hits = await services.search.subscribers("mar", limit=25)
    assert len(hits) == 25
    assert len(set(userids(hits))) == 25


async def test_pages_of_terms_until_enough_subscribers(services: Services) -> None:
    """Over 60 terms of the range belong to a few subscribers: the next pages are read."""
    lines = [HEADER]
    for i in range(4):
        for box in range(20):
            lines.append(
                f"paola.p{i},Avv. Paola Pagani,{_cf(i)},p{i}@example.org,,"
                f"paola.{i}.{box}@legalmail.it,legalmail,2024-12-01,2026-12-01"
            )
    lines.append(
        f"paola.zeta,Avv. Paola Zeta,{_cf(9)},z@example.org,,zeta@legalmail.it,legalmail,"
        "2024-12-01,2026-12-01"
    )
    await services.imports.import_mailboxes("\n".join(lines) + "\n", actor=None)
    hits = await services.search.subscribers("paola.", limit=5)
    assert userids(hits) == ["paola.p0", "paola.p1", "paola.p2", "paola.p3", "paola.zeta"]
    assert hits[0].mailbox_count == 20 and len(hits[0].mailboxes) == 3


async def test_kept_up_to_date_by_registration_and_users_add(
    demo: Services, good_user: dict[str, str]
) -> None:
    user = await demo.registration.create_user(
        userid=good_user["userid"],
        nominativo=good_user["nominativo"],
        codice_fiscale=good_user["codice_fiscale"],
        email=good_user["email"],
        password=good_user["password"],
        actor="admin.demo",
    )
    assert userids(await demo.search.subscribers("nuovo iscr")) == [user.userid]
    assert userids(await demo.search.subscribers(good_user["codice_fiscale"][:6])) == [user.userid]


async def test_reindex_follows_a_change(demo: Services) -> None:
    """A change of name (a future screen's) is followed by `search_index.reindex`."""
    sub = await Subscriber.get(userid="avv.rossi")
    await Subscriber.filter(id=sub.id).update(nominativo="Avv. Giuseppe Verdone")
    await search_index.reindex(bulk.client_for(SearchTerm), [sub.id])
    assert await demo.search.subscribers("rossi") == ()  # the old name is gone
    assert userids(await demo.search.subscribers("verdon")) == ["avv.rossi"]
    assert userids(await demo.search.subscribers("giuseppe.rossi@")) == ["avv.rossi"]


async def test_only_staff_may_search(demo: Services) -> None:
    hits = await demo.search.for_operator("rossi", operator="operatore.demo")
    assert userids(hits) == ["avv.rossi"]
    assert userids(await demo.search.for_operator("rossi", operator="admin.demo")) == ["avv.rossi"]
    for who in ("avv.demo", "nessuno"):
        with pytest.raises(Refusal) as refused:
            await demo.search.for_operator("rossi", operator=who)
        assert refused.value.reason is Reason.NOT_OPERATOR


async def test_staff_are_found_with_their_role(demo: Services) -> None:
    (hit,) = await demo.search.subscribers("operatore.")
    assert (hit.userid, hit.role) == ("operatore.demo", Role.OPERATOR)


def _cf(i: int) -> str:
    from stdnum.it.codicefiscale import calc_check_digit

    body = f"MRNMRC80A{i + 1:02d}H703"
    return body + calc_check_digit(body)
