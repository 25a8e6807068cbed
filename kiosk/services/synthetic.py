"""A synthetic register for rehearsals and benchmarks (`pec-kiosk db load-synthetic`).

N mailboxes, one to three per subscriber: Italian names (with their accents and apostrophes),
codici fiscali of valid form and check character, the areas and families of the reference data,
expiries spread over two years either side of today (every state and window occurs), each
subscriber with an empty prepaid account and the search's terms.

Set-based, in one transaction: batches of rows generated in memory and written with
`executemany` (SQLite) or `COPY` (PostgreSQL); nothing is read back per row. Every generated
subscriber's e-mail address is in the `.invalid` domain (RFC 2606: never deliverable), which is
also how a synthetic subscriber is told from a real one: the loader refuses a database holding
any other subscriber (staff accounts do not count) unless forced.
"""

from __future__ import annotations

import functools
import random
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from kiosk.domain.dates import expiry_after
from kiosk.domain.model import MailboxFamily, Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.tx import audit, guarded
from kiosk.store import bulk, search_index
from kiosk.store.models import Subscriber

SYNTHETIC_DOMAIN = "sintetico.invalid"
MAX_MAILBOXES = 5_000_000
BATCH = 50_000  # subscribers generated and written at a time (memory stays flat)
SQLITE_CACHE_KIB = 512 * 1024


def _words(text: str) -> tuple[str, ...]:
    """Names written one after the other; `_` stands for a space inside a name."""
    return tuple(w.replace("_", " ") for w in text.split())


FIRST_NAMES = _words(
    "Mario Giuseppe Luca Marco Andrea Francesco Alessandro Lorenzo Matteo Davide Simone Paolo "
    "Nicolò Niccolò Gabriele Riccardo Stefano Antonio Giovanni Roberto Salvatore Vincenzo "
    "Pasquale Gennaro Raffaele Carmine Ciro Domenico Michele Fabrizio Massimo Sergio Enzo "
    "Anna Maria Lucia Giulia Chiara Francesca Sara Martina Valentina Elena Federica Alessia "
    "Silvia Laura Paola Rosa Carmela Teresa Concetta Assunta Immacolata Annunziata Raffaella "
    "Noemi Aurora Beatrice Ilaria Daniela Cristina Monica Rossella Simona Patrizia Antonella"
)
SURNAMES = _words(
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
    "De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani "
    "Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra "
    "Coppola De_Santis D'Angelo Marchetti Parisi Villa Conte Ferraro Ferri Fabbri Bianco "
    "Marini Grasso Valentini Messina Sala De_Angelis Gatti Pellegrini Palumbo Sanna Farina "
    "Rizzi Monti Cattaneo Morelli Amato Silvestri Mazza Testa Grassi Pellegrino Carbone "
    "Giuliani Benedetti Barone Rossetti Caputo Montanari Guerra Palmieri Bernardi Martino "
    "Fiore De_Rosa Ferretti Bellini Basile Riva Donati Piras Vitali Battaglia Sartori Neri "
    "Costantini Milani Pagano Ruggiero Sorrentino D'Amico Orlando Damico Negri Cirillo "
    "Nicolì Fortunà Papà Cantù Forlì Canè Mosè Lucà Cosentino D'Urso Dell'Aquila Lo_Russo"
)
MONTHS = "ABCDEHLMPRST"
CONSONANTS = "BCDFGHJKLMNPQRSTVWXZ"
TOWNS = ("H703", "F912", "H501", "F839", "A091", "B963", "C361", "G813", "L245", "E791")


@dataclass(frozen=True, slots=True)
class SyntheticReport:
    subscribers: int
    mailboxes: int
    terms: int
    seconds: float


@functools.lru_cache(maxsize=4096)
def ascii_word(text: str) -> str:
    """Lower-case letters and digits only ("D'Angelo" → "dangelo", "Nicolò" → "nicolo")."""
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded.casefold() if c.isascii() and c.isalnum())


def codice_fiscale(surname: str, name: str, rng: random.Random) -> str:
    """A codice fiscale of valid form and check character (not computed from a real birth)."""
    from stdnum.it.codicefiscale import calc_check_digit

    day = rng.randint(1, 28) + rng.choice((0, 40))
    body = (
        f"{_cf_letters(surname)}{_cf_letters(name)}{rng.randint(45, 99):02d}"
        f"{rng.choice(MONTHS)}{day:02d}{rng.choice(TOWNS)}"
    )
    return body + calc_check_digit(body)


@functools.lru_cache(maxsize=4096)
def _cf_letters(word: str) -> str:
    """A name's three letters: its consonants, then its vowels, then X."""
    up = ascii_word(word).upper()
    cons = [c for c in up if c in CONSONANTS]
    vows = [c for c in up if c not in CONSONANTS]
    return "".join((cons + vows + ["X", "X", "X"])[:3])


class SyntheticService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def load(
        self, mailboxes: int, *, force: bool = False, actor: str | None = None, seed: int = 1
    ) -> SyntheticReport:
        """Add `mailboxes` synthetic mailboxes (and their subscribers), all or nothing."""
        if not 1 <= mailboxes <= MAX_MAILBOXES:
            raise InvalidInput(
                "mailboxes",
                _("Numero di caselle non valido: da 1 a {n}.").format(n=MAX_MAILBOXES),
            )
        started = time.monotonic()  # elapsed time for the report, never stored
        report: list[int] = [0, 0, 0]

        async def work() -> None:
            if not force:
                await self._refuse_real_data()
            await self._write(mailboxes, random.Random(seed), report)
            await audit(
                self.ctx.now(),
                "db.load_synthetic",
                actor=actor,
                subscribers=report[0],
                mailboxes=report[1],
                forced=force,
            )

        await self.ctx.atomic(work)
        await _vacuum()
        seconds = time.monotonic() - started
        return SyntheticReport(report[0], report[1], report[2], round(seconds, 1))

    async def _refuse_real_data(self) -> None:
        real = await (
            Subscriber.filter(role=Role.SUBSCRIBER)
            .exclude(email__endswith="@" + SYNTHETIC_DOMAIN)
            .count()
        )
        if real:
            raise Refusal(
                Reason.REAL_DATA,
                _(
                    "Il database contiene già {n} iscritti non sintetici: i dati sintetici vanno "
                    "caricati in un database di prova (o con --force)."
                ).format(n=real),
            )

    async def _write(self, wanted: int, rng: random.Random, report: list[int]) -> None:
        client = bulk.client_for(Subscriber)
        if client.capabilities.dialect == "sqlite":
            # the indexes are written in random order: a page cache that holds them (this
            # connection's, for as long as it lives) instead of SQLite's default 2 MB
            await client.execute_query(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        now = self.ctx.now()
        today = self.ctx.clock.today()
        areas = [
            (a.code, [(f, a.domains_for(f)) for f in a.prices if a.domains_for(f)])
            for a in self.ctx.refdata.areas
        ]
        top = await bulk.execute_rows(client, "SELECT COALESCE(MAX(id), 0) AS top FROM subscriber")
        serial = int(top[0]["top"])  # userids and addresses carry it: unique across loads
        written = 0
        while written < wanted:
            people: list[tuple[Any, ...]] = []
            boxes: list[tuple[str, list[tuple[Any, ...]]]] = []  # (userid, its boxes)
            while written < wanted and len(people) < BATCH:
                serial += 1
                person, owned = _subscriber(serial, rng, areas, today, now)
                owned = owned[: wanted - written]
                people.append(person)
                boxes.append((person[0], owned))
                written += len(owned)
            ids = await _insert_people(client, people)
            await _copy(
                client,
                "prepaid_account",
                ("subscriber_id", "balance_cents"),
                [(ids[p[0]], 0) for p in people],
            )
            box_rows = [(*b, ids[uid], now) for uid, owned in boxes for b in owned]
            await _copy(client, "mailbox", MAILBOX_COLUMNS, box_rows)
            terms = search_index.person_rows(
                (ids[p[0]], p[0], p[1], p[2]) for p in people
            ) + search_index.mailbox_rows((row[5], row[0]) for row in box_rows)
            terms.sort()  # neighbours in the index: fewer pages touched per batch
            await _copy(client, "search_term", search_index.COLUMNS, terms)
            report[0] += len(people)
            report[1] += len(box_rows)
            report[2] += len(terms)


SUBSCRIBER_COLUMNS = (
    *("userid", "nominativo", "codice_fiscale", "email", "area_id", "role"),
    *("password_hash", "cf_proven", "created_at", "lang"),
)
MAILBOX_COLUMNS = (
    *("address", "family", "area_id", "anchor_date", "expiry_date", "owner_id", "created_at"),
)


def _subscriber(
    serial: int,
    rng: random.Random,
    areas: list[tuple[str, list[tuple[MailboxFamily, tuple[str, ...]]]]],
    today: date,
    now: datetime,
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """One subscriber's row and its one to three mailboxes' (address, family, area, anchor,
    expiry)."""
    name = rng.choice(FIRST_NAMES)
    if rng.random() < 0.15:
        name += " " + rng.choice(FIRST_NAMES)
    surname = rng.choice(SURNAMES)
    first, last = ascii_word(name.split()[0]), ascii_word(surname)
    userid = f"{first[0]}.{last}.{serial}"[:32]
    area, families = rng.choice(areas)
    person = (
        userid,
        f"Avv. {name} {surname}",
        codice_fiscale(surname, name, rng),
        f"{userid}@{SYNTHETIC_DOMAIN}",
        area,
        Role.SUBSCRIBER.value,
        None,
        True,
        now,
        "it",
    )
    owned = []
    for k in range(rng.choice((1, 1, 1, 2, 2, 3))):
        family, domains = rng.choice(families)
        local = (f"{first}.{last}", f"studio.{last}", f"{first[0]}{last}")[k]
        expiry = today + timedelta(days=rng.randint(-730, 730))
        years = rng.randint(1, 6)
        anchor = expiry.replace(year=expiry.year - years, day=min(expiry.day, 28))
        owned.append(
            (
                f"{local}.{serial}@{rng.choice(domains)}",
                family.value,
                area,
                anchor,
                expiry_after(anchor, years),
            )
        )
    return person, owned


async def _vacuum() -> None:
    """PostgreSQL: the new rows' visibility and statistics at once, rather than whenever
    autovacuum comes by (until then every index-only scan of the search reads the table too).
    Only the tables' owner may: for anyone else PostgreSQL skips them with a warning."""
    client = bulk.client_for(Subscriber)
    if client.capabilities.dialect == "postgres":
        for table in ("search_term", "subscriber", "mailbox", "prepaid_account"):
            await client.execute_script(f"VACUUM (ANALYZE) {table}")


async def _insert_people(client: Any, people: list[tuple[Any, ...]]) -> dict[str, int]:
    """Write the subscribers; their ids by userid (read back in one range query)."""
    top = await bulk.execute_rows(client, "SELECT COALESCE(MAX(id), 0) AS top FROM subscriber")
    await _copy(client, "subscriber", SUBSCRIBER_COLUMNS, people)
    rows = await bulk.execute_rows(
        client, "SELECT id, userid FROM subscriber WHERE id > {p1}", [int(top[0]["top"])]
    )
    return {str(r["userid"]): int(r["id"]) for r in rows}


async def _copy(
    client: Any, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Many rows into `table`: COPY on PostgreSQL, executemany on SQLite (in the caller's
    transaction either way)."""
    if not rows:
        return
    if client.capabilities.dialect == "postgres":
        async with client.acquire_connection() as connection:
            await connection.copy_records_to_table(table, records=rows, columns=list(columns))
        return
    marks = ", ".join("?" * len(columns))
    names = ", ".join(f'"{c}"' for c in columns)
    await client.execute_many(
        f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [list(r) for r in rows]
    )
