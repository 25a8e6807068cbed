"""Subscriber search, the pure part: how text becomes search terms, and what a hit says.

Every searchable value of a subscriber becomes one or more *terms* (`search_term` rows): the
userid, the codice fiscale, every PEC address, and every word of the name (with and without its
apostrophes and hyphens: "D'Angelo" → "d'angelo", "dangelo", "angelo"). A term is the value
case-folded with its accents taken off ("Nicolò" → "nicolo"), so that a query normalised the
same way finds it by prefix: `term >= q AND term < q || MAX_CHAR`, one index range scan.

A query of several words is first a prefix of the name's terms, which hold the name from each
of its words on ("mario ross", "rossi mar"); if that finds too few, the names with a word
starting with each word, in any order ("mar ross"). Fewer than `MIN_QUERY` characters (spaces
not counted) find nothing; more than `MAX_QUERY` are bad input.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.model import Role

MIN_QUERY = 2  # characters, spaces not counted: "r" would list half the register
MAX_QUERY = 254  # the longest searchable value (a PEC address)
MAX_WORDS = 4  # words of a query beyond these are ignored (each one is an index probe)
PAIRS_UP_TO = 5  # names of 3 to 5 words also get their pairs of words that are not neighbours
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
    if text.isascii() and text.isprintable():  # userids, addresses, codici fiscali: at C speed
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        c
        for c in decomposed
        if not unicodedata.combining(c) and c != MAX_CHAR and unicodedata.category(c)[0] != "C"
    )
    return " ".join(kept.casefold().split())


@functools.lru_cache(maxsize=65_536)  # a register repeats its names: loaders make each once
def name_terms(nominativo: str) -> frozenset[str]:
    """The name's terms: from each of its words on, the whole name in a circle ("mario rossi",
    "rossi mario"), so that several words typed in the name's order, or starting from any of
    its words, are one prefix ("mario ross", "rossi m"); each word also without its
    punctuation and as its parts ("dangelo nicolo", "angelo nicolo"); and, for longer names,
    every two words that are not neighbours ("maria bianchi" for "Maria Rosa Bianchi")."""
    words: list[list[str]] = []  # each word's forms, the word as written first
    for word in normalize(nominativo).split(" "):
        parts = _PARTS.findall(word)
        if not parts or "".join(parts) in TITLES:
            continue
        forms = [word, "".join(parts)]
        if len(parts) > 1:
            forms += [p for p in parts if len(p) > 1]
        words.append(list(dict.fromkeys(forms)))
    plain = [forms[0] for forms in words]
    count = len(words)
    terms: set[str] = set()
    for i, forms in enumerate(words):
        rest = plain[i + 1 :] + plain[:i]
        terms.update(" ".join([form, *rest]) for form in forms)
        if 3 <= count <= PAIRS_UP_TO:
            terms.update(
                f"{plain[i]} {plain[j]}" for j in range(count) if j not in (i, (i + 1) % count)
            )
    return frozenset(t[:TERM_MAX] for t in terms if t)


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
    """The words of a query, normalised, in the order typed (repeats dropped); empty when the
    query is too short to search. Raises ValueError when it is too long."""
    if len(text) > MAX_QUERY:
        raise ValueError("query too long")
    words = [w for w in normalize(text).split(" ") if w]
    if sum(len(w) for w in words) < MIN_QUERY:
        return ()
    return tuple(dict.fromkeys(words))[:MAX_WORDS]


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
