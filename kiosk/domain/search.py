"""Subscriber search, the pure part: how text becomes search terms, and what a hit says.

Every searchable value of a subscriber becomes one or more *terms* (`search_term` rows): the
userid, the codice fiscale, every PEC address, and every word of the name (with and without its
apostrophes and hyphens: "D'Angelo" → "d'angelo", "dangelo", "angelo"). A term is the value
case-folded with its accents taken off ("Nicolò" → "nicolo"), so that a query normalised the
same way finds it by prefix: `term >= q AND term < q || MAX_CHAR`, one index range scan.

A query of several words ("mario ross") finds the subscribers with a term starting with each
word. Fewer than `MIN_QUERY` characters (spaces not counted) find nothing; more than
`MAX_QUERY` are bad input.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.model import Role

MIN_QUERY = 2  # characters, spaces not counted: "r" would list half the register
MAX_QUERY = 254  # the longest searchable value (a PEC address)
MAX_WORDS = 4  # words of a query beyond these are ignored (each one is an index probe)
TERM_MAX = 254
# sorts after every character a term can hold (terms never contain it): the range's end
MAX_CHAR = "\U0010ffff"
_PARTS = re.compile(r"[^\W_]+")  # runs of letters and digits
# titles before a name ("Avv. Maria Demo"): not words of the name ("av" would list everyone)
TITLES = frozenset(
    {"avv", "avvto", "avvocato", "avvocatessa", "dott", "dottssa", "dr", "prof", "profssa"}
)


class SearchField(StrEnum):
    """What a term was made from (the hit says which one matched)."""

    USERID = "userid"
    CODICE_FISCALE = "cf"
    PEC = "pec"
    NAME = "name"


def normalize(text: str) -> str:
    """Case-folded, accents off, compatibility forms folded ("ﬁ" → "fi"), spaces made one;
    characters no term may hold (controls, the range's end) dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        c
        for c in decomposed
        if not unicodedata.combining(c) and c != MAX_CHAR and unicodedata.category(c)[0] != "C"
    )
    return " ".join(kept.casefold().split())


def name_terms(nominativo: str) -> set[str]:
    """Every word of the name, as typed and without its punctuation, and its parts."""
    terms: set[str] = set()
    for word in normalize(nominativo).split(" "):
        parts = _PARTS.findall(word)
        if not parts or "".join(parts) in TITLES:
            continue
        terms.add(word)
        terms.add("".join(parts))
        if len(parts) > 1:
            terms.update(p for p in parts if len(p) > 1)
    return {t[:TERM_MAX] for t in terms if t}


def subscriber_terms(
    userid: str, nominativo: str, codice_fiscale: str | None
) -> set[tuple[str, SearchField]]:
    """A subscriber's own terms (the mailboxes' come from `pec_term`). One field per term: a
    name word equal to the userid counts as the userid."""
    found: dict[str, SearchField] = {}
    for term in name_terms(nominativo):
        found[term] = SearchField.NAME
    if codice_fiscale:
        found[normalize(codice_fiscale).replace(" ", "")] = SearchField.CODICE_FISCALE
    found[normalize(userid)] = SearchField.USERID
    return {(t[:TERM_MAX], f) for t, f in found.items() if t}


def pec_term(address: str) -> str:
    return normalize(address)[:TERM_MAX]


def query_words(text: str) -> tuple[str, ...]:
    """The words of a query, normalised, longest first (the first drives the index scan);
    empty when the query is too short to search. Raises ValueError when it is too long."""
    if len(text) > MAX_QUERY:
        raise ValueError("query too long")
    words = normalize(text).split(" ")
    words = [w for w in words if w]
    if sum(len(w) for w in words) < MIN_QUERY:
        return ()
    unique = list(dict.fromkeys(words))
    unique.sort(key=len, reverse=True)
    return tuple(unique[:MAX_WORDS])


def prefix_range(word: str) -> tuple[str, str]:
    """The terms starting with `word` are exactly those in [low, high)."""
    return word, word + MAX_CHAR


@dataclass(frozen=True, slots=True)
class SubscriberHit:
    """One subscriber found: who, which of their values matched, their mailboxes.

    `mailboxes` lists up to `MAILBOXES_SHOWN` addresses, the matching ones first;
    `mailbox_count` says how many there are in all. The e-mail address on record is given in
    full: only operators and the back office search, and they need it to talk to the person."""

    userid: str
    nominativo: str
    codice_fiscale: str | None
    email: str
    area_code: str
    role: Role
    mailboxes: tuple[str, ...]
    mailbox_count: int
    matched: SearchField
    matched_term: str

    @property
    def first_mailbox(self) -> str | None:
        return self.mailboxes[0] if self.mailboxes else None


MAILBOXES_SHOWN = 3


def order_mailboxes(addresses: Iterable[str], words: tuple[str, ...]) -> tuple[str, ...]:
    """The addresses matching a word of the query first, then the others, each alphabetically;
    at most `MAILBOXES_SHOWN`."""
    ranked = sorted(
        addresses,
        key=lambda a: (not any(pec_term(a).startswith(w) for w in words), a),
    )
    return tuple(ranked[:MAILBOXES_SHOWN])
