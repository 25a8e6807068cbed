"""Subscriber search for the help desk: by userid, PEC address, codice fiscale or name.

Prefix, case- and accent-insensitive, as the operator types: one range scan of the
`search_term` index (`kiosk.domain.search`, `kiosk.store.search_index`) ordered by term, then
the hits' details by primary key and owner. A query of several words is first one prefix of
the name's terms ("mario ross"); if that finds too few, the names with a word starting with each
word in any order ("mar ross": the rarest word's terms scanned, up to a bound, and filtered).
Reads only: nothing is written, nothing audited.

The terms are kept by the services that create subscribers and mailboxes: `note_people` and
`note_mailboxes` below, called in their transactions (registration, `users add`, the demo,
the provider's import, the synthetic loader).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kiosk.domain import search as terms
from kiosk.domain.model import Role
from kiosk.domain.search import SearchField, SubscriberHit
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.tx import guarded
from kiosk.store import bulk, search_index
from kiosk.store.models import SearchTerm, Subscriber

__all__ = ["MAX_LIMIT", "SearchService", "SubscriberHit", "note_mailboxes", "note_people"]
MAX_LIMIT = 200
PAGES = 6  # term pages read at most to gather `limit` distinct subscribers
SELECTIVITY_CAP = 2000  # terms counted per word to choose which one drives the scan
SCAN_CAP = 10_000  # the rarest word's name terms read at most for the other words
STAFF = (Role.OPERATOR.value, Role.ADMIN.value)


class SearchService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def subscribers(self, text: str, *, limit: int = 20) -> tuple[SubscriberHit, ...]:
        """The accounts whose userid, codice fiscale, a PEC address or a word of the name starts
        with `text` (each word of it), in the order of the matching term. Fewer than
        `MIN_QUERY` characters: nothing; more than `MAX_QUERY`: `InvalidInput`."""
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInput(
                "limit", _("Numero di risultati non valido: da 1 a {n}.").format(n=MAX_LIMIT)
            )
        try:
            words = terms.query_words(text)
        except ValueError:
            raise InvalidInput(
                "search",
                _("Testo da cercare troppo lungo: al massimo {n} caratteri.").format(
                    n=terms.MAX_QUERY
                ),
            ) from None
        if not words:
            return ()
        client = bulk.client_for(SearchTerm)
        found = await _matching(client, words, limit)
        if not found:
            return ()
        return await _details(client, found, words)

    @guarded
    async def for_operator(
        self, text: str, *, operator: str, limit: int = 20
    ) -> tuple[SubscriberHit, ...]:
        """`subscribers`, for the workspace: only an operator or the administration may ask."""
        role = await Subscriber.filter(userid=operator).values_list("role", flat=True)
        if not role or str(role[0]) not in STAFF:
            raise Refusal(
                Reason.NOT_OPERATOR,
                _("{userid} non è un operatore dello sportello.").format(userid=operator),
            )
        return await self.subscribers(text, limit=limit)


async def _matching(
    client: Any, words: tuple[str, ...], limit: int
) -> dict[int, tuple[str, SearchField]]:
    """Subscriber id → (the first matching term, its field), in term order, at most `limit`.
    Several words: the phrase first (the name's terms hold it from any of its words on), then,
    if that found too few, the names with a word starting with each word, in any order."""
    found = await _scan(client, " ".join(words), limit)
    if len(words) == 1 or len(found) >= limit:
        return found
    ordered = await _most_selective_first(client, words)
    if ordered:
        for sid, match in (await _scan_all_words(client, ordered, limit)).items():
            if len(found) >= limit:
                break
            found.setdefault(sid, match)
    return found


async def _scan(client: Any, prefix: str, limit: int) -> dict[int, tuple[str, SearchField]]:
    """The terms starting with `prefix`, in order, a page at a time, until `limit` subscribers."""
    low, high = terms.prefix_range(prefix)
    page = limit * 3
    found: dict[int, tuple[str, SearchField]] = {}
    after: list[Any] = []
    for _page in range(PAGES):
        where = "term >= {p1} AND term < {p2}"
        if after:
            # (each parameter written once: SQLite's are positional)
            where += " AND (term > {p3} OR (term = {p4} AND subscriber_id > {p5}))"
        rows = await bulk.execute_rows(
            client,
            f"SELECT term, subscriber_id, field FROM search_term WHERE {where} "
            f"ORDER BY term, subscriber_id LIMIT {page}",
            [low, high, *after],
        )
        if _gather(rows, found, limit) or len(rows) < page:
            break
        last = str(rows[-1]["term"])
        after = [last, last, int(rows[-1]["subscriber_id"])]
    return found


async def _scan_all_words(
    client: Any, words: tuple[str, ...], limit: int
) -> dict[int, tuple[str, SearchField]]:
    """The subscribers whose name has a word starting with each word, in any order: the name's
    terms starting with the first word (at most `SCAN_CAP` of them, read in index order, so a
    rare combination of common words costs a bounded time), kept when each other word starts
    one of the term's later words (a name's term holds the whole name, from that word on)."""
    params: list[Any] = [*terms.prefix_range(words[0]), SearchField.NAME.value]
    checks = ""
    for word in words[1:]:
        params.append("% " + _like_escaped(word) + "%")
        checks += f" AND t.term LIKE {{p{len(params)}}} ESCAPE '\\'"
    rows = await bulk.execute_rows(
        client,
        "SELECT t.term, t.subscriber_id, t.field FROM (SELECT term, subscriber_id, field "
        "FROM search_term WHERE term >= {p1} AND term < {p2} ORDER BY term, subscriber_id "
        f"LIMIT {SCAN_CAP}) t WHERE t.field = {{p3}}{checks} "
        f"ORDER BY t.term, t.subscriber_id LIMIT {limit * 3}",
        params,
    )
    found: dict[int, tuple[str, SearchField]] = {}
    _gather(rows, found, limit)
    return found


def _like_escaped(word: str) -> str:
    """`word` as a LIKE pattern matches it literally (`%`, `_` and the escape itself)."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _gather(
    rows: list[dict[str, Any]], found: dict[int, tuple[str, SearchField]], limit: int
) -> bool:
    """Add each row's subscriber once; True when `limit` are found."""
    for row in rows:
        sid = int(row["subscriber_id"])
        if sid not in found:
            found[sid] = (str(row["term"]), SearchField(str(row["field"])))
            if len(found) >= limit:
                return True
    return False


async def _most_selective_first(client: Any, words: tuple[str, ...]) -> tuple[str, ...]:
    """The words ordered by how many terms start with them (counted up to `SELECTIVITY_CAP`):
    the scan is driven by the rarest ("mario ross": "ross", if fewer Rossi than Mario), and the
    others are probed per subscriber. Empty if a word matches nothing."""
    counted = []
    for word in words:
        rows = await bulk.execute_rows(
            client,
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM search_term WHERE term >= {p1} "
            f"AND term < {{p2}} LIMIT {SELECTIVITY_CAP}) AS found",
            list(terms.prefix_range(word)),
        )
        n = int(rows[0]["n"])
        if n == 0:
            return ()
        counted.append((n, -len(word), word))
    return tuple(word for _n, _len, word in sorted(counted))


async def _details(
    client: Any, found: dict[int, tuple[str, SearchField]], words: tuple[str, ...]
) -> tuple[SubscriberHit, ...]:
    ids = list(found)
    people = {
        int(r[0]): r
        for r in await bulk.select_in_tuples(
            client,
            "SELECT id, userid, nominativo, codice_fiscale, email, area_id, role "
            "FROM subscriber WHERE id IN {keys}",
            ids,
        )
    }
    boxes: dict[int, list[str]] = {}
    for owner, address in await bulk.select_in_tuples(
        client, "SELECT owner_id, address FROM mailbox WHERE owner_id IN {keys}", ids
    ):
        boxes.setdefault(int(owner), []).append(str(address))
    hits = []
    for sid, (term, field) in found.items():
        person = people.get(sid)
        if person is None:  # a term left behind by a row gone meanwhile: not a hit
            continue
        _id, userid, name, cf, email, area, role = person
        owned = boxes.get(sid, [])
        hits.append(
            SubscriberHit(
                userid=str(userid),
                nominativo=str(name),
                codice_fiscale=str(cf) if cf else None,
                email=str(email),
                area_code=str(area),
                role=Role(str(role)),
                mailboxes=terms.order_mailboxes(owned, words),
                mailbox_count=len(owned),
                matched=field,
                matched_term=term,
            )
        )
    return tuple(hits)


async def note_people(people: Iterable[Subscriber]) -> None:
    """New accounts' terms, in the caller's transaction."""
    await search_index.add_people(
        bulk.client_for(SearchTerm),
        [(p.id, p.userid, p.nominativo, p.codice_fiscale) for p in people],
    )


async def note_mailboxes(boxes: Iterable[tuple[int, str]]) -> None:
    """New mailboxes' terms, (owner id, address), in the caller's transaction."""
    await search_index.add_mailboxes(bulk.client_for(SearchTerm), list(boxes))
