"""Import subscribers and mailboxes from the provider's CSV.

All or nothing: every bad row is reported with its line number and reason, and then nothing of
the file is written. Three phases, so that the write lock is held only for the writing:

1. parse and check the whole file (`provider_file`), no database;
2. read what the database already has of it (set-based look-ups, no lock) and plan: new
   subscribers and boxes, boxes renewed elsewhere (the provider's expiry is later: ours is
   updated, and audited), boxes whose expiry is ours (later than the provider's: kept), rows
   already here (unchanged), rows that contradict the database (errors: nothing is written);
3. write the plan in one short transaction, many rows to a statement. Each write is guarded
   (`ON CONFLICT DO NOTHING` counted, `UPDATE … WHERE expiry_date = <what was read>`, the
   subscribers created since the look-ups): if anything moved since phase 2 the transaction
   is rolled back and phases 2-3 run again.

Importing the same file twice changes nothing (and takes no write lock at all).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path

from kiosk.domain.model import MailboxFamily, Role
from kiosk.domain.validation import email_key
from kiosk.errors import InvalidInput, unavailable
from kiosk.i18n import _, _n
from kiosk.services.context import ServiceContext
from kiosk.services.dto import BoxExpiryChange, ImportReport
from kiosk.services.provider_file import (
    HEADER,
    ParsedFile,
    ProviderRow,
    decoded_lines,
    open_provider_file,
    parse_lines,
)
from kiosk.services.tx import audit, guarded
from kiosk.store import bulk, search_index
from kiosk.store.models import AuditEvent, Subscriber

__all__ = ["HEADER", "ImportRejected", "ImportService"]
ATTEMPTS = 3  # plan and write again when the database moved in between
SUBSCRIBER = Role.SUBSCRIBER.value
SUBSCRIBER_COLUMNS = (
    *("userid", "nominativo", "codice_fiscale", "email", "area_id", "role"),
    *("password_hash", "cf_proven", "created_at"),
)
MAILBOX_COLUMNS = (
    *("address", "family", "area_id", "owner_id", "anchor_date", "expiry_date", "created_at"),
)


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


class _Stale(Exception):
    """The database changed between the look-ups and the write: plan again."""


@dataclass(slots=True)
class _Plan:
    new_users: dict[str, ProviderRow] = field(default_factory=dict)
    owner_ids: dict[str, int] = field(default_factory=dict)  # existing subscribers
    new_boxes: list[ProviderRow] = field(default_factory=list)
    renewed: list[tuple[int, BoxExpiryChange]] = field(default_factory=list)  # (box id, change)
    kept: list[BoxExpiryChange] = field(default_factory=list)
    unchanged: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    max_subscriber_id: int = 0

    def report(self, parsed: ParsedFile, *, dry_run: bool) -> ImportReport:
        return ImportReport(
            subscribers_created=len(self.new_users),
            mailboxes_created=len(self.new_boxes),
            rows_unchanged=self.unchanged,
            duplicates=len(parsed.duplicates),
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
        for _attempt in range(ATTEMPTS):
            plan = await _plan(parsed.rows)
            if plan.problems:
                raise ImportRejected(sorted(plan.problems))
            report = plan.report(parsed, dry_run=dry_run)
            if dry_run or not (plan.new_users or plan.new_boxes or plan.renewed):
                return report
            try:
                await self.ctx.atomic(lambda: self._write(plan, report, actor))  # noqa: B023
            except _Stale:
                continue
            return report
        raise unavailable(busy=True)

    async def _write(self, plan: _Plan, report: ImportReport, actor: str | None) -> None:
        now = self.ctx.now().astimezone(UTC)
        client = bulk.client_for(Subscriber)
        owner_ids = dict(plan.owner_ids)
        if plan.new_users:
            since = await bulk.execute_rows(
                client,
                "SELECT userid, codice_fiscale FROM subscriber WHERE id > {p1} AND cf_proven",
                [plan.max_subscriber_id],
            )
            new_cfs = {row.codice_fiscale for row in plan.new_users.values()}
            if any(r["userid"] in plan.new_users or r["codice_fiscale"] in new_cfs for r in since):
                raise _Stale
            new_ids: list[int] = []

            def keep(chunk: list[dict[str, object]]) -> None:
                for r in chunk:
                    owner_ids[str(r["userid"])] = int(str(r["id"]))
                    new_ids.append(int(str(r["id"])))

            created = await bulk.insert_rows(
                client,
                "subscriber",
                SUBSCRIBER_COLUMNS,
                [
                    # cf_proven: the provider vouches for the codice fiscale
                    (
                        uid,
                        r.nominativo,
                        r.codice_fiscale,
                        r.email,
                        r.area,
                        SUBSCRIBER,
                        None,
                        True,
                        now,
                    )
                    for uid, r in plan.new_users.items()
                ],
                on_conflict_nothing="userid",
                returning="id, userid",
                on_rows=keep,
            )
            if created != len(plan.new_users):
                raise _Stale
            await bulk.insert_rows(
                client, "prepaid_account", ("subscriber_id", "balance_cents"),
                [(i, 0) for i in new_ids],
            )  # fmt: skip
            await search_index.add_people(
                client,
                [
                    (owner_ids[uid], uid, r.nominativo, r.codice_fiscale)
                    for uid, r in plan.new_users.items()
                ],
            )
        if plan.new_boxes:
            written = await bulk.insert_rows(
                client,
                "mailbox",
                MAILBOX_COLUMNS,
                [
                    (r.pec, r.family.value, r.area, owner_ids[r.userid], r.anchor, r.expiry, now)
                    for r in plan.new_boxes
                ],
                on_conflict_nothing="address",
            )
            if written != len(plan.new_boxes):
                raise _Stale
            await search_index.add_mailboxes(
                client, [(owner_ids[r.userid], r.pec) for r in plan.new_boxes]
            )
        for box_id, change in plan.renewed:
            moved = await bulk.execute(
                client,
                "UPDATE mailbox SET expiry_date = {p1} WHERE id = {p2} AND expiry_date = {p3}",
                [change.provider_expiry, box_id, change.our_expiry],
            )
            if moved != 1:
                raise _Stale
        await AuditEvent.bulk_create(
            [
                AuditEvent(
                    at=now,
                    actor=actor,
                    action="import.renewed_elsewhere",
                    subject=change.pec,
                    details={
                        "from": change.our_expiry.isoformat(),
                        "to": change.provider_expiry.isoformat(),
                    },
                )
                for _id, change in plan.renewed
            ],
            batch_size=500,
        )
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


async def _plan(rows: list[ProviderRow]) -> _Plan:
    """What the file changes, from set-based look-ups (no transaction, no lock)."""
    client = bulk.client_for(Subscriber)
    plan = _Plan()
    top = await bulk.execute_rows(client, "SELECT COALESCE(MAX(id), 0) AS top FROM subscriber")
    plan.max_subscriber_id = int(top[0]["top"])
    in_file: dict[str, ProviderRow] = {}
    for row in rows:
        in_file.setdefault(row.userid, row)
    existing = {
        str(r[1]): r
        for r in await bulk.select_in_tuples(
            client,
            "SELECT id, userid, nominativo, codice_fiscale, email, area_id, role "
            "FROM subscriber WHERE userid IN {keys}",
            list(in_file),
        )
    }
    new_cfs = {r.codice_fiscale for uid, r in in_file.items() if uid not in existing}
    # a self-registration proved an e-mail address, not this codice fiscale: it never stands
    # in the way of the provider's record (cf_proven, migration 0003)
    holders = {
        str(r["codice_fiscale"]): str(r["userid"])
        for r in await bulk.select_in(
            client,
            "SELECT userid, codice_fiscale FROM subscriber "
            "WHERE cf_proven AND codice_fiscale IN {keys}",
            sorted(new_cfs),
        )
    }
    for uid, row in in_file.items():
        user = existing.get(uid)
        if user is None:
            if row.codice_fiscale in holders:
                plan.problems.append((row.line, _cf_taken(holders[row.codice_fiscale])))
            else:
                plan.new_users[uid] = row
            continue
        user_id, _uid, name, cf, mail, area, role = user
        plan.owner_ids[uid] = int(user_id)
        if (name, cf or "", email_key(str(mail)), area) != row.person():
            plan.problems.append((row.line, _user_differs(uid)))
        elif role != Role.SUBSCRIBER.value:
            plan.problems.append((row.line, _user_is_staff(uid)))
    for part in bulk.chunks(rows, 1):  # a chunk at a time: 100,000 boxes read hold ~100 MB
        boxes = {
            str(b[1]): b
            for b in await bulk.select_in_tuples(
                client,
                "SELECT m.id, m.address, m.family, m.area_id, m.anchor_date, m.expiry_date, "
                "s.userid FROM mailbox m JOIN subscriber s ON s.id = m.owner_id "
                "WHERE m.address IN {keys}",
                [r.pec for r in part],
            )
        }
        for row in part:
            _plan_box(row, boxes.get(row.pec), plan)
    return plan


def _plan_box(row: ProviderRow, box: tuple[object, ...] | None, plan: _Plan) -> None:
    if box is None:
        plan.new_boxes.append(row)
        return
    box_id, _address, family, area, anchor, expiry, owner = box
    ours = bulk.as_date(expiry)
    same_box = (owner, MailboxFamily(str(family)), area, bulk.as_date(anchor)) == (
        row.userid,
        row.family,
        row.area,
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
