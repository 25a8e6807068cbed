"""The provider's import at scale and against what the database holds, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.imports import generate
from kiosk.services.facade import Services
from kiosk.services.imports import ImportRejected
from kiosk.store.models import AuditEvent, Mailbox, PrepaidAccount, Subscriber

HEADER = "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,data_scadenza"
ONE = "avv.uno,Avv. Uno,RSSGPP75C12H703W,uno@example.org,,uno@legalmail.it,legalmail,2024-12-01,"


async def test_more_rows_than_a_statement_takes_parameters(
    services: Services, tmp_path: Path
) -> None:
    """33,000 subscribers: one `IN (...)` of their userids would pass asyncpg's 32,767
    parameters (it did: the import failed on PostgreSQL). All in, once; again, nothing."""
    path = tmp_path / "grande.csv"
    subscribers = generate(path, 33_000, seed=3)
    assert subscribers > 32_767 // 2
    report = await services.imports.import_file(path, actor="admin.demo")
    assert (report.subscribers_created, report.mailboxes_created) == (subscribers, 33_000)
    assert report.encoding == "cp1252"
    assert await Subscriber.filter(cf_proven=True).count() == subscribers
    assert await PrepaidAccount.all().count() == subscribers
    assert await Mailbox.all().count() == 33_000

    again = await services.imports.import_file(path, actor="admin.demo")
    assert (again.subscribers_created, again.mailboxes_created, again.rows_unchanged) == (
        0,
        0,
        33_000,
    )
    assert await AuditEvent.filter(action="import.mailboxes").count() == 1


async def test_a_later_expiry_at_the_provider_updates_ours_and_is_audited(
    services: Services,
) -> None:
    await services.imports.import_mailboxes(f"{HEADER}\n{ONE}2025-12-01\n", actor="admin.demo")
    report = await services.imports.import_mailboxes(
        f"{HEADER}\n{ONE}2027-12-01\n", actor="admin.demo"
    )
    assert report.mailboxes_updated == 1
    (change,) = report.renewed_elsewhere
    assert (change.line, change.pec, str(change.our_expiry), str(change.provider_expiry)) == (
        2,
        "uno@legalmail.it",
        "2025-12-01",
        "2027-12-01",
    )
    box = await Mailbox.get(address="uno@legalmail.it")
    assert str(box.expiry_date) == "2027-12-01"
    event = await AuditEvent.get(action="import.renewed_elsewhere")
    assert (event.actor, event.subject, event.details) == (
        "admin.demo",
        "uno@legalmail.it",
        {"from": "2025-12-01", "to": "2027-12-01"},
    )
    # an older file afterwards: ours is later, ours stays (and is reported)
    older = await services.imports.import_mailboxes(f"{HEADER}\n{ONE}2026-12-01\n")
    assert (older.mailboxes_updated, older.rows_unchanged, len(older.kept_ours)) == (0, 1, 1)
    assert str((await Mailbox.get(address="uno@legalmail.it")).expiry_date) == "2027-12-01"


async def test_dry_run_writes_nothing(services: Services) -> None:
    report = await services.imports.import_mailboxes(f"{HEADER}\n{ONE}2025-12-01\n", dry_run=True)
    assert (report.dry_run, report.subscribers_created, report.mailboxes_created) == (True, 1, 1)
    assert await Subscriber.filter(userid="avv.uno").count() == 0
    assert await Mailbox.all().count() == 0


async def test_a_self_registered_holder_of_the_cf_does_not_block_the_import(
    services: Services,
) -> None:
    """cf_proven false (a self-registration proved an address, not the CF): the provider's
    subscriber is created, vouched for; the self-registered account is left as it is."""
    area = "www.lextel.it"
    await Subscriber.create(
        userid="abusivo", nominativo="Tizio", codice_fiscale="RSSGPP75C12H703W",
        email="x@example.org", area_id=area, role="subscriber", cf_proven=False,
        created_at=services.ctx.now(),
    )  # fmt: skip
    report = await services.imports.import_mailboxes(f"{HEADER}\n{ONE}2025-12-01\n")
    assert report.subscribers_created == 1
    assert (await Subscriber.get(userid="avv.uno")).cf_proven is True
    assert (await Subscriber.get(userid="abusivo")).cf_proven is False
    # a vouched-for holder does block it
    await Subscriber.filter(userid="abusivo").update(cf_proven=True)
    other = ONE.replace("avv.uno", "avv.altro").replace("uno@legalmail", "altro@legalmail")
    with pytest.raises(ImportRejected) as caught:
        await services.imports.import_mailboxes(f"{HEADER}\n{other}2025-12-01\n")
    assert "codice fiscale già registrato" in caught.value.errors[0][1]
