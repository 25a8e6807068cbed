"""Import subscribers and mailboxes from the provider's CSV.

All or nothing: every bad row is reported with its line number and reason, and then nothing of
the file is written. Phases, so that the write lock is held only for the writing:

1. parse and check the whole file (`provider_file`), no database;
2. read what the database already has of it (set-based look-ups a chunk at a time, no lock) and
   plan: new subscribers and boxes, boxes renewed elsewhere (the provider's expiry is later:
   ours is updated, and audited), boxes whose expiry is ours (later than the provider's:
   kept), rows already here (unchanged), rows that contradict the database (errors: nothing is
   written);
3. stage what the plan writes in temporary tables and apply it in one short transaction
   (`import_write`: on SQLite the stage is written before the transaction, without the lock).
   Each write is guarded: if anything moved since phase 2 the transaction is rolled back and
   phases 2-3 run again.

Importing the same file twice changes nothing (and takes no write lock at all).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from tortoise.backends.base.client import BaseDBAsyncClient

from kiosk.domain.model import MailboxFamily, Role
from kiosk.domain.validation import email_key
from kiosk.errors import InvalidInput, unavailable
from kiosk.i18n import _, _n
from kiosk.services import import_write
from kiosk.services.context import ServiceContext
from kiosk.services.dto import BoxExpiryChange, ImportReport
from kiosk.services.provider_file import HEADER, decoded_lines, open_provider_file, parse_lines
from kiosk.services.provider_rows import Box, ParsedFile, Person
from kiosk.services.tx import audit, guarded
from kiosk.store import bulk, search_index
from kiosk.store.models import KioskFact, Subscriber

__all__ = ["HEADER", "ImportRejected", "ImportService"]
log = logging.getLogger("kiosk.imports")
ATTEMPTS = 3  # plan and write again when the database moved in between
LOOKUP_CHUNK = 2_000  # keys to a look-up: what the rows read back hold at a time


class ImportRejected(InvalidInput):
    """The file has errors; `errors` lists (line, reason). Nothing was imported."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__(
            "file",
            _n(
                "Il file contiene {n} riga non valida: nessuna riga importata.",
                "Il file contiene {n} righe non valide: nessuna riga importata.",
                len(errors),
            ).format(n=len(errors)),
        )
        self.errors = errors


@dataclass(slots=True)
class _Plan:
    new_people: array[int] = field(default_factory=lambda: array("l"))  # in parsed.people
    new_boxes: array[int] = field(default_factory=lambda: array("l"))  # in parsed.boxes
    renewed: list[tuple[int, BoxExpiryChange]] = field(default_factory=list)  # (box id, change)
    kept: list[BoxExpiryChange] = field(default_factory=list)
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    def report(self, parsed: ParsedFile, *, dry_run: bool) -> ImportReport:
        return ImportReport(
            subscribers_created=len(self.new_people),
            mailboxes_created=len(self.new_boxes),
            rows_unchanged=self.unchanged,
            duplicates=parsed.duplicates,
            mailboxes_updated=len(self.renewed),
            renewed_elsewhere=tuple(change for _id, change in self.renewed),
            kept_ours=tuple(self.kept),
            dry_run=dry_run,
            encoding=parsed.encoding,
        )


class ImportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def import_mailboxes(
        self, text: str, *, actor: str | None = None, dry_run: bool = False
    ) -> ImportReport:
        """The provider's file given as text."""
        parsed = parse_lines(io.StringIO(text, newline=""), self.ctx.refdata)
        return await self._import(parsed, actor, dry_run)

    @guarded
    async def import_file(
        self,
        path: Path,
        *,
        encoding: str | None = None,
        actor: str | None = None,
        dry_run: bool = False,
    ) -> ImportReport:
        """The provider's file, read as it streams (encoding detected unless given)."""
        handle, name = open_provider_file(path, encoding)
        with handle:
            parsed = parse_lines(decoded_lines(handle, name), self.ctx.refdata, name)
        return await self._import(parsed, actor, dry_run)

    async def _import(self, parsed: ParsedFile, actor: str | None, dry_run: bool) -> ImportReport:
        if parsed.errors:
            raise ImportRejected(sorted(parsed.errors))
        if not dry_run:  # an earlier import died before its search terms were all written
            await self.ctx.atomic(repair_search_index)
        for _attempt in range(ATTEMPTS):
            plan = await _plan(parsed)
            if plan.problems:
                raise ImportRejected(sorted(plan.problems))
            report = plan.report(parsed, dry_run=dry_run)
            if dry_run or not (plan.new_people or plan.new_boxes or plan.renewed):
                return report
            try:
                await self._write(parsed, plan, report, actor)
            except import_write.Stale:
                continue
            return report
        raise unavailable(busy=True)

    async def _write(
        self, parsed: ParsedFile, plan: _Plan, report: ImportReport, actor: str | None
    ) -> None:
        """The plan staged and applied in one transaction (see `import_write`)."""
        now = self.ctx.now().astimezone(UTC)
        outside = import_write.stage_outside_transaction(bulk.client_for(Subscriber))
        prepared: import_write.Staged | None = None

        async def write() -> None:
            client = bulk.client_for(Subscriber)  # the transaction's
            staged = prepared or await _stage(client, parsed, plan)
            await import_write.apply(client, staged, now, actor)
            # the search terms follow in short transactions of their own (below); until they
            # are all written, the marker says the index must be made again after a crash
            await KioskFact.update_or_create(key=SEARCH_PENDING, defaults={"value": "1"})
            await audit(
                now,
                "import.mailboxes",
                actor=actor,
                subscribers=report.subscribers_created,
                mailboxes=report.mailboxes_created,
                updated=report.mailboxes_updated,
                unchanged=report.rows_unchanged,
                duplicates=report.duplicates,
            )

        try:
            if outside:
                prepared = await _stage(bulk.client_for(Subscriber), parsed, plan)
            await self.ctx.atomic(write)
        finally:
            if outside:
                await import_write.drop(bulk.client_for(Subscriber))
        try:
            await self._index_created(parsed, plan)
        except Exception:  # the import itself is committed: say so, repair at the next one
            log.exception("search terms of the import not all written: repaired next time")

    async def _index_created(self, parsed: ParsedFile, plan: _Plan) -> None:
        """The search terms of the subscribers and boxes the import created, `INDEX_CHUNK` at a
        time, each chunk a short transaction of its own: on SQLite a kiosk's login gets in
        between (writing them with the import's rows held the lock for seconds at 100,000
        rows). Searches find the new rows a moment after the import's commit."""
        people, boxes = parsed.people, parsed.boxes
        new_people = set(plan.new_people)
        boxes_of: dict[int, list[int]] = {}  # a new subscriber's new boxes: indexed with them
        others: list[int] = []  # new boxes of subscribers already there
        for b in plan.new_boxes:
            if boxes[b].owner in new_people:
                boxes_of.setdefault(boxes[b].owner, []).append(b)
            else:
                others.append(b)
        for part in bulk.batched(plan.new_people, INDEX_CHUNK):

            async def add_people(part: list[int] = part) -> None:
                client = bulk.client_for(Subscriber)
                ids = await _ids(client, [people[i].userid for i in part])
                chosen = [people[i] for i in part]
                rows = search_index.person_rows(
                    (ids[p.userid], p.userid, p.nominativo, p.codice_fiscale) for p in chosen
                )
                rows += search_index.mailbox_rows(
                    (ids[people[i].userid], boxes[b].pec) for i in part for b in boxes_of.get(i, ())
                )
                await search_index.add_rows(client, rows)

            await self.ctx.atomic(add_people)
            await _let_others_write()
        for part in bulk.batched(others, INDEX_CHUNK):

            async def add_boxes(part: list[int] = part) -> None:
                client = bulk.client_for(Subscriber)
                owners = [people[boxes[i].owner].userid for i in part]
                ids = await _ids(client, owners)
                await search_index.add_mailboxes(
                    client, ((ids[o], boxes[i].pec) for o, i in zip(owners, part, strict=True))
                )

            await self.ctx.atomic(add_boxes)
            await _let_others_write()
        await self.ctx.atomic(lambda: KioskFact.filter(key=SEARCH_PENDING).update(value="0"))


INDEX_CHUNK = 5000  # subscribers or boxes indexed per transaction (a short one)
INDEX_PAUSE = 0.12  # seconds between two of those transactions on SQLite
SEARCH_PENDING = "search_index_pending"  # kiosk_meta: an import's terms not all written yet


async def _let_others_write() -> None:
    """Between two of the index's transactions on SQLite, a pause longer than SQLite's longest
    busy-handler sleep (100 ms): a kiosk's login waiting for the lock gets it, instead of
    sleeping through the moment the next chunk begins."""
    if bulk.client_for(Subscriber).capabilities.dialect == "sqlite":
        await asyncio.sleep(INDEX_PAUSE)


async def _ids(client: BaseDBAsyncClient, userids: list[str]) -> dict[str, int]:
    rows = await bulk.select_in_tuples(
        client, "SELECT userid, id FROM subscriber WHERE userid IN {keys}", sorted(set(userids))
    )
    return {str(userid): int(sid) for userid, sid in rows}


async def repair_search_index() -> bool:
    """After an import that died before all its search terms were written: make the whole
    index again (one transaction; rare). True if it had to."""
    fact = await KioskFact.get_or_none(key=SEARCH_PENDING)
    if fact is None or fact.value != "1":
        return False
    client = bulk.client_for(Subscriber)
    await client.execute_query("DELETE FROM search_term")
    await search_index.backfill(client)
    await KioskFact.filter(key=SEARCH_PENDING).update(value="0")
    return True


async def _stage(client: BaseDBAsyncClient, parsed: ParsedFile, plan: _Plan) -> import_write.Staged:
    """The plan's rows into the stage, generated as they go (never all held as rows)."""
    people, boxes = parsed.people, parsed.boxes

    def new_people() -> Iterator[tuple[object, ...]]:
        for i in plan.new_people:
            p = people[i]
            yield (i, p.userid, p.nominativo, p.codice_fiscale, p.email, p.area)

    def new_boxes() -> Iterator[tuple[object, ...]]:
        for i in plan.new_boxes:
            b = boxes[i]
            owner = people[b.owner]
            yield (i, b.pec, b.family.value, owner.area, owner.userid, b.anchor, b.expiry)

    def renewals() -> Iterator[tuple[object, ...]]:
        for seq, (box_id, c) in enumerate(plan.renewed):
            changed = {"from": c.our_expiry.isoformat(), "to": c.provider_expiry.isoformat()}
            details = json.dumps(changed, separators=(",", ":"))
            yield (seq, box_id, c.pec, c.our_expiry, c.provider_expiry, details)

    return await import_write.stage(client, new_people(), new_boxes(), renewals())


async def _plan(parsed: ParsedFile) -> _Plan:
    """What the file changes, from set-based look-ups a chunk at a time (no transaction, no
    lock)."""
    client = bulk.client_for(Subscriber)
    plan = _Plan()
    people = parsed.people
    for start in range(0, len(people), LOOKUP_CHUNK):
        part = people[start : start + LOOKUP_CHUNK]
        existing = {
            str(r[0]): r
            for r in await bulk.select_in_tuples(
                client,
                "SELECT userid, nominativo, codice_fiscale, email, area_id, role "
                "FROM subscriber WHERE userid IN {keys}",
                [p.userid for p in part],
            )
        }
        fresh = [i for i, p in enumerate(part, start) if not _known(p, existing, plan)]
        # a self-registration proved an e-mail address, not this codice fiscale: it never
        # stands in the way of the provider's record (cf_proven, migration 0003)
        holders = {
            str(r[1]): str(r[0])
            for r in await bulk.select_in_tuples(
                client,
                "SELECT userid, codice_fiscale FROM subscriber "
                "WHERE cf_proven AND codice_fiscale IN {keys}",
                sorted({people[i].codice_fiscale for i in fresh}),
            )
        }
        for i in fresh:
            holder = holders.get(people[i].codice_fiscale)
            if holder is None:
                plan.new_people.append(i)
            else:
                plan.problems.append((people[i].line, _cf_taken(holder)))
    boxes = parsed.boxes
    for start in range(0, len(boxes), LOOKUP_CHUNK):
        chunk = [boxes[i] for i in range(start, min(start + LOOKUP_CHUNK, len(boxes)))]
        found = {
            str(b[1]): b
            for b in await bulk.select_in_tuples(
                client,
                "SELECT m.id, m.address, m.family, m.area_id, m.anchor_date, m.expiry_date, "
                "s.userid FROM mailbox m JOIN subscriber s ON s.id = m.owner_id "
                "WHERE m.address IN {keys}",
                [b.pec for b in chunk],
            )
        }
        for i, box in enumerate(chunk, start):
            _plan_box(i, box, people[box.owner], found.get(box.pec), plan)
    return plan


def _known(person: Person, existing: dict[str, tuple[object, ...]], plan: _Plan) -> bool:
    """Whether the subscriber is in the database already (a problem if not as the file says)."""
    user = existing.get(person.userid)
    if user is None:
        return False
    _uid, name, cf, mail, area, role = user
    if (name, cf or "", email_key(str(mail)), area) != person.data():
        plan.problems.append((person.line, _user_differs(person.userid)))
    elif role != Role.SUBSCRIBER.value:
        plan.problems.append((person.line, _user_is_staff(person.userid)))
    return True


def _plan_box(
    index: int, row: Box, person: Person, box: tuple[object, ...] | None, plan: _Plan
) -> None:
    if box is None:
        plan.new_boxes.append(index)
        return
    box_id, _address, family, area, anchor, expiry, owner = box
    ours = bulk.as_date(expiry)
    same_box = (owner, MailboxFamily(str(family)), area, bulk.as_date(anchor)) == (
        person.userid,
        row.family,
        person.area,
        row.anchor,
    )
    if not same_box:
        plan.problems.append((row.line, _box_differs(row.pec)))
    elif row.expiry > ours:  # renewed at the provider since our last import
        change = BoxExpiryChange(row.line, row.pec, ours, row.expiry)
        plan.renewed.append((int(str(box_id)), change))
    else:
        plan.unchanged += 1
        if row.expiry < ours:  # renewed here since the provider's file was written
            plan.kept.append(BoxExpiryChange(row.line, row.pec, ours, row.expiry))


def _cf_taken(userid: str) -> str:
    return _("codice fiscale già registrato per {userid}").format(userid=userid)


def _user_differs(userid: str) -> str:
    return _("lo userid {userid} esiste già con dati diversi").format(userid=userid)


def _user_is_staff(userid: str) -> str:
    return _("lo userid {userid} appartiene a un operatore").format(userid=userid)


def _box_differs(pec: str) -> str:
    return _("la casella {pec} esiste già con dati diversi").format(pec=pec)
