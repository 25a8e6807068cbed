"""The import's write: staged in temporary tables, applied in one transaction, guarded.

On SQLite the stage is written before the write transaction, so a kiosk can write (a login)
meanwhile; whatever fails, nothing of the file is written and the stage is gone; anything that
moved since the look-ups makes the import plan again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest

from kiosk.services import import_write, imports
from kiosk.services.facade import Services
from kiosk.settings import Settings
from kiosk.store import bulk, search_index
from kiosk.store.models import (
    AuditEvent,
    KioskFact,
    Mailbox,
    PrepaidAccount,
    SearchTerm,
    Subscriber,
)
from tests.cli.helpers import GOOD_CSV, GOOD_ROWS, HEADER

NEW_EXPIRY = {  # GOOD_ROWS' boxes renewed at the provider: one year later each
    "mario.bianchi@pec.avvocatinocera.it": "2027-12-10",
    "m.bianchi@legalmail.it": "15/03/2028",
    "lucia.verdi@pec.studilegaliassociati.it": "2027-10-01",
    "l.verdi@legalmail.it": "30/04/2027",
}


def renewed_file() -> str:
    rows = []
    for row in GOOD_ROWS:
        cells = row.split(",")
        cells[-1] = NEW_EXPIRY[cells[5]]
        rows.append(",".join(cells))
    return "\n".join((HEADER, *rows)) + "\n"


async def stage_tables(services: Services, backend: str) -> list[str]:
    """The stage's tables that exist now (PostgreSQL: in any session of the database)."""
    client = bulk.client_for(Subscriber)
    sql = (
        "SELECT name FROM sqlite_temp_master WHERE type = 'table'"
        if backend == "sqlite"
        else "SELECT relname AS name FROM pg_class WHERE relname LIKE 'import_stage%'"
    )
    return [str(r["name"]) for r in await client.execute_query_dict(sql)]


async def written() -> tuple[int, int, int, int]:
    return (
        await Subscriber.all().count(),
        await PrepaidAccount.all().count(),
        await Mailbox.all().count(),
        await AuditEvent.filter(action__startswith="import.").count(),
    )


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_the_stage_is_written_without_taking_the_write_lock(
    services: Services, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the rows are staged another process can begin a write at once (a kiosk's login
    does): only the short apply holds SQLite's lock."""
    path = str(settings.database_url).removeprefix("sqlite://")
    real_fill = bulk.fill
    free: list[bool] = []

    async def fill(*args: Any, **kwargs: Any) -> int:
        count = await real_fill(*args, **kwargs)
        if not str(args[1]).startswith("import_stage"):  # the search terms: in the apply
            return count
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if held
            other.execute("ROLLBACK")
            free.append(True)
        except sqlite3.OperationalError:
            free.append(False)
        finally:
            other.close()
        return count

    monkeypatch.setattr(bulk, "fill", fill)
    report = await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
    assert (report.subscribers_created, report.mailboxes_created) == (2, 4)
    assert free == [True, True, True]  # people, boxes, renewals
    assert await stage_tables(services, "sqlite") == []


async def test_a_failure_while_applying_writes_nothing_and_leaves_no_stage(
    services: Services, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_apply = import_write.apply

    async def apply_then_fail(*args: Any) -> None:
        await real_apply(*args)  # everything written in the transaction, then a fault
        raise RuntimeError("guasto simulato")

    monkeypatch.setattr(import_write, "apply", apply_then_fail)
    with pytest.raises(RuntimeError):
        await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
    assert await written() == (0, 0, 0, 0)
    assert await stage_tables(services, backend) == []

    monkeypatch.setattr(import_write, "apply", real_apply)
    report = await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
    assert (report.subscribers_created, report.mailboxes_created) == (2, 4)
    assert await written() == (2, 2, 4, 1)
    again = await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
    assert (again.subscribers_created, again.mailboxes_created, again.rows_unchanged) == (0, 0, 4)
    assert await written() == (2, 2, 4, 1)
    assert await stage_tables(services, backend) == []


def after_first_plan(
    monkeypatch: pytest.MonkeyPatch, meanwhile: Callable[[], Awaitable[None]]
) -> list[int]:
    """Run `meanwhile` (another writer) between the first look-ups and the write."""
    real_plan = imports._plan
    calls: list[int] = []

    async def plan(parsed: Any) -> Any:
        result = await real_plan(parsed)
        calls.append(1)
        if len(calls) == 1:
            await meanwhile()
        return result

    monkeypatch.setattr(imports, "_plan", plan)
    return calls


async def test_a_subscriber_created_meanwhile_makes_the_import_plan_again(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def someone_imports_lucia() -> None:
        await Subscriber.create(
            userid="lucia.verdi", nominativo="Avv. Lucia Verdi", codice_fiscale="VRDLCU82D45H703Q",
            email="lucia.verdi@example.org", area_id="www.lextel.it", role="subscriber",
            cf_proven=True, created_at=services.ctx.now(),
        )  # fmt: skip

    calls = after_first_plan(monkeypatch, someone_imports_lucia)
    report = await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
    assert len(calls) == 2  # the guard saw lucia.verdi: rolled back, planned again
    assert (report.subscribers_created, report.mailboxes_created) == (1, 4)
    assert await Subscriber.filter(userid="lucia.verdi").count() == 1
    lucia = await Subscriber.get(userid="lucia.verdi")
    assert await Mailbox.filter(owner_id=lucia.id).count() == 2
    assert await AuditEvent.filter(action="import.mailboxes").count() == 1


async def test_an_expiry_changed_meanwhile_is_not_overwritten(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the look-ups and the write the kiosk renews a box further than the provider:
    the guarded update misses it, the import plans again and keeps ours."""
    await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")

    async def kiosk_renews() -> None:
        await Mailbox.filter(address="l.verdi@legalmail.it").update(expiry_date=date(2028, 4, 30))

    calls = after_first_plan(monkeypatch, kiosk_renews)
    report = await services.imports.import_mailboxes(renewed_file(), actor="admin.demo")
    assert len(calls) == 2
    assert report.mailboxes_updated == 3
    assert [c.pec for c in report.kept_ours] == ["l.verdi@legalmail.it"]
    box = await Mailbox.get(address="l.verdi@legalmail.it")
    assert str(box.expiry_date) == "2028-04-30"
    assert await AuditEvent.filter(action="import.renewed_elsewhere").count() == 3


async def test_rows_go_in_batches_and_renewals_are_audited_from_the_stage(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of two (stage) and look-ups of two keys: every row once, in the file's order."""
    monkeypatch.setattr(bulk, "FILL_ROWS", 2)
    monkeypatch.setattr(imports, "LOOKUP_CHUNK", 2)
    report = await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
    assert (report.subscribers_created, report.mailboxes_created) == (2, 4)
    ids = [b.address for b in await Mailbox.all().order_by("id")]
    assert ids == [row.split(",")[5] for row in GOOD_ROWS]
    mario = await Subscriber.get(userid="mario.bianchi")
    assert (mario.cf_proven, mario.password_hash, mario.role.value) == (True, None, "subscriber")
    assert await PrepaidAccount.filter(subscriber_id=mario.id, balance_cents=0).count() == 1

    renewed = await services.imports.import_mailboxes(renewed_file(), actor="admin.demo")
    assert renewed.mailboxes_updated == 4
    events = await AuditEvent.filter(action="import.renewed_elsewhere").order_by("id")
    assert {e.actor for e in events} == {"admin.demo"}
    assert [(e.subject, e.details["from"], e.details["to"]) for e in events] == [
        ("mario.bianchi@pec.avvocatinocera.it", "2026-12-10", "2027-12-10"),
        ("m.bianchi@legalmail.it", "2027-03-15", "2028-03-15"),
        ("lucia.verdi@pec.studilegaliassociati.it", "2026-10-01", "2027-10-01"),
        ("l.verdi@legalmail.it", "2026-04-30", "2027-04-30"),
    ]
    assert all(len(e.details) == 2 for e in events)
    assert events[0].at == services.ctx.now()
    box = await Mailbox.get(address="m.bianchi@legalmail.it")
    assert str(box.expiry_date) == "2028-03-15"
    again = await services.imports.import_mailboxes(renewed_file(), actor="admin.demo")
    assert (again.mailboxes_updated, again.rows_unchanged) == (0, 4)


async def test_search_terms_follow_the_import_and_are_repaired_after_a_crash(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terms are written after the import's commit, in short transactions; if the process
    dies in between, the next import makes the index again (nothing is found twice or lost)."""
    real = search_index.add_rows

    async def dies(*args: Any) -> None:
        raise RuntimeError("guasto simulato")

    monkeypatch.setattr(search_index, "add_rows", dies)
    report = await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
    assert report.mailboxes_created == 4  # committed: the terms are not part of the import
    assert (await KioskFact.get(key="search_index_pending")).value == "1"
    box = await Mailbox.filter(address__contains="@").order_by("-id").first()
    assert box is not None
    assert not await services.search.subscribers(box.address)  # not yet in the index
    monkeypatch.setattr(search_index, "add_rows", real)
    again = await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
    assert again.mailboxes_created == 0
    assert (await KioskFact.get(key="search_index_pending")).value == "0"
    hits = await services.search.subscribers(box.address)
    assert [h.userid for h in hits] == [(await box.owner).userid]
    total = await SearchTerm.all().count()
    await services.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
    assert await SearchTerm.all().count() == total  # a clean index is left alone
