"""The PostgreSQL runtime role (`pec-kiosk db grant ROLE --apply`): the owner migrates, the
runtime role runs every main flow, and cannot rewrite history or the schema."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import asyncpg
import asyncssh
import pytest

from kiosk.clock import FixedClock
from kiosk.domain.model import PaymentMethod
from kiosk.errors import Refusal
from kiosk.mail.sender import send_due_once
from kiosk.services.facade import Services
from kiosk.services.runtime import open_services
from kiosk.services.setup import load_demo
from kiosk.services.synthetic import SyntheticService
from kiosk.settings import Settings
from kiosk.store import bulk, search_index
from kiosk.store.db import migrate
from kiosk.store.models import SearchTerm, Subscriber
from tests import dbs
from tests.bank import free_port, pay, running_bank, running_shop, wired
from tests.cli.helpers import FAST_HASHING, GOOD_CSV, ROOT
from tests.cli.pgdb import dsn, execute, with_user
from tests.conftest import DATA
from tests.services.conftest import RENEWABLE, ROSSI, SOSPESA, TOO_EARLY
from tests.smtp import smtp_server, smtp_settings
from tests.statements import camt, credit

pytestmark = pytest.mark.postgres


@pytest.fixture
async def owner_url() -> AsyncIterator[str]:
    base = dbs.pg_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {dbs.PG_ENV}")
    url = await dbs.create_empty_pg_database(base)
    try:
        yield url
    finally:
        await dbs.drop_pg_database(base, url)


@pytest.fixture
async def runtime_role(owner_url: str) -> AsyncIterator[str]:
    role = f"kiosk_rt_{uuid.uuid4().hex[:10]}"
    await execute(owner_url, f"CREATE ROLE {role} LOGIN")
    try:
        yield role
    finally:
        await dbs.drop_pg_database(str(dbs.pg_base_url()), owner_url)  # its grants go with it
        await execute(owner_url.rsplit("/", 1)[0] + "/postgres", f"DROP ROLE IF EXISTS {role}")


def pec_kiosk(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env = {**base, **FAST_HASHING, "KIOSK_DATA_DIR": str(tmp_path), "KIOSK_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def settings_for(url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "kiosk-data",
        database_url=url,
        refdata_dir=DATA,
        password_time_cost=1,
        password_memory_kib=1024,
        test_mode=True,
    )


async def test_the_runtime_role_runs_the_kiosk_and_cannot_rewrite_history(
    owner_url: str, runtime_role: str, tmp_path: Path, clock: FixedClock
) -> None:
    assert await migrate(owner_url)  # the owner migrates
    granted = pec_kiosk(owner_url, tmp_path, "db", "grant", runtime_role, "--apply", "--json")
    assert granted.returncode == 0, granted.stderr
    runtime_url = with_user(owner_url, runtime_role)

    async with open_services(settings_for(runtime_url, tmp_path), clock) as svc:
        await load_demo(svc.ctx)
        # step 4: the search's terms are written, read, and made again after a change
        found = await svc.search.for_operator("rossi", operator="operatore.demo")
        assert [h.userid for h in found] == ["avv.rossi"]
        rossi = await Subscriber.get(userid="avv.rossi")
        await search_index.reindex(bulk.client_for(SearchTerm), [rossi.id])
        await SyntheticService(svc.ctx).load(30, force=True, actor="admin.demo")  # COPY
        assert await svc.search.subscribers("giuseppe.rossi@")
        assert (await svc.renewals.quote("avv.demo", SOSPESA)).total_cents == 3050
        prepaid = await svc.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
        order = await svc.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
        await svc.payments.confirm(order.code, order.total_cents, "CRO 1", actor="admin.demo")
        stale = await svc.renewals.place_order("avv.rossi", ROSSI, PaymentMethod.BOLLETTINO)
        await svc.accounts.top_up("avv.rossi", 5000, actor="admin.demo", reference="CRO 2")
        await svc.accounts.adjust("avv.rossi", -1000, actor="admin.demo", reason="doppia")
        assert (await svc.auth.login("avv.demo", "Rinnovo2026!")).userid == "avv.demo"
        with pytest.raises(Refusal):  # the failure is counted: the throttle's row is written
            await svc.auth.login("avv.demo", "sbagliata-123")
        await svc.auth.unlock("avv.demo", actor="admin.demo")
        await svc.auth.request_recovery("avv.demo")
        # the help desk's subscriber page: a recovery code, a mailbox linked to the same
        # person's second account (the mailbox's holder changes)
        await svc.subscribers.send_recovery("avv.demo", operator="operatore.demo")
        first = await Subscriber.get(userid="avv.demo")
        await Subscriber.create(
            userid="maria.bis",
            nominativo=first.nominativo,
            codice_fiscale=first.codice_fiscale,
            email="maria.bis@example.org",
            area_id=first.area_id,
            created_at=clock.now(),
        )
        await svc.subscribers.link_mailbox("maria.bis", TOO_EARLY, operator="operatore.demo")
        assert (await svc.subscribers.page("maria.bis", operator="admin.demo")).account.mailboxes
        await svc.exit_pin.set_pin("97531086", actor="admin.demo")
        assert not await svc.exit_pin.check("11111111")
        assert await svc.exit_pin.check("97531086")
        clock.advance(timedelta(days=11))
        run = await svc.payments.activate_due(actor="admin.demo")
        assert {a.order_code for a in run.activated} == {prepaid.code, order.code}
        assert await svc.payments.cancel_stale(actor="admin.demo") == [stale.code]
        assert await svc.consistency.check() == []

        # step 3 as the runtime role: a statement line, a card payment, reminders, mail sent
        imported = await svc.reconcile.import_statement(
            camt(credit("E2E-1", "14.64", "RINNOVO PEC SENZA CODICE")), actor="admin.demo"
        )
        assert len(imported.lines) == 1  # recorded for a person
        # step 4's administration as the runtime role: a line resolved, an operator managed
        line = (await svc.admin.exceptions(actor="admin.demo"))[0]
        await svc.admin.refund_exception(line.id, actor="admin.demo", note="restituire")
        await svc.staff.set_enabled("operatore.demo", False, actor="admin.demo")
        await svc.staff.set_enabled("operatore.demo", True, actor="admin.demo")
        await svc.staff.reset("operatore.demo", actor="admin.demo")
        await card_payment(svc, "avv.rossi", ROSSI)
        await svc.reminders.queue_due()
        with smtp_server() as (port, inbox):
            mailer = Services(replace(svc.ctx, settings=smtp_settings(svc.ctx.settings, port)))
            report = await send_due_once(mailer)
            assert report.sent and not report.failed and inbox.messages
        assert await svc.consistency.check() == []

        # step 4: an operator's SSH key added and withdrawn, the SSH server's audit
        key = asyncssh.generate_private_key("ssh-ed25519").export_public_key().decode()
        added = await svc.ssh.add("operatore.demo", key, actor="admin.demo")
        await svc.ssh.record("ssh.login", actor="operatore.demo", subject="127.0.0.1")
        await svc.ssh.remove(added.fingerprint, actor="admin.demo")

    # a read-only command as the runtime role starts (the schema is up to date) and answers
    shown = pec_kiosk(runtime_url, tmp_path, "account", "show", "avv.demo", "--json")
    assert shown.returncode == 0, shown.stderr

    conn = await asyncpg.connect(dsn(runtime_url))
    try:
        for statement in (
            "UPDATE audit_event SET action = 'x'",
            "DELETE FROM audit_event",
            "UPDATE prepaid_entry SET amount_cents = 0",
            "DELETE FROM prepaid_entry",
            "UPDATE invoice SET total_cents = 0",
            "DELETE FROM invoice",
            "UPDATE payment SET amount_cents = 0",
            "DELETE FROM renewal_order",
            "UPDATE renewal_order SET total_cents = 0",
            "UPDATE subscriber SET role = 'admin'",
            "DELETE FROM tortoise_migrations",
            "TRUNCATE audit_event",
            "TRUNCATE auth_throttle",
            "DROP TABLE invoice",
            "ALTER TABLE prepaid_account DROP CONSTRAINT balance_not_negative",
            "CREATE TABLE intruder (id int)",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)
    finally:
        await conn.close()


async def test_the_runtime_role_imports_the_providers_file(
    owner_url: str, runtime_role: str, tmp_path: Path, clock: FixedClock
) -> None:
    """The import stages its rows in temporary tables (PostgreSQL's default TEMPORARY right)
    and updates only `mailbox.expiry_date`: the runtime role's grants are enough."""
    assert await migrate(owner_url)
    granted = pec_kiosk(owner_url, tmp_path, "db", "grant", runtime_role, "--apply", "--json")
    assert granted.returncode == 0, granted.stderr
    async with open_services(
        settings_for(with_user(owner_url, runtime_role), tmp_path), clock
    ) as svc:
        report = await svc.imports.import_mailboxes(GOOD_CSV, actor="admin.demo")
        assert (report.subscribers_created, report.mailboxes_created) == (2, 4)
        later = GOOD_CSV.replace("2020-12-10,2026-12-10", "2020-12-10,2027-12-10")
        renewed = await svc.imports.import_mailboxes(later, actor="admin.demo")
        assert (renewed.mailboxes_updated, renewed.rows_unchanged) == (1, 3)
        assert await svc.consistency.check() == []


async def card_payment(svc: Services, userid: str, box: str) -> None:
    """A card order paid at the sandbox bank, its notification received through `serve`."""
    async with running_bank(svc.ctx.settings) as (_bank, bank_url):
        port = free_port()
        wired_svc = wired(svc, bank_url, f"http://127.0.0.1:{port}/notify")
        async with running_shop(wired_svc, port):
            order = await wired_svc.renewals.place_order(userid, box, PaymentMethod.CARTA)
            checkout = await wired_svc.cards.checkout(order.code)
            status, _page = await pay(checkout.payment_url)
            assert status == 200
            for _ in range(200):
                if (await wired_svc.renewals.order(order.code)).status.value == "paid":
                    return
                await asyncio.sleep(0.05)
    raise AssertionError("the card payment was not recorded")


def test_a_role_name_that_is_not_an_identifier_is_bad_input(tmp_path: Path) -> None:
    for bad in ('kiosk"; DROP TABLE invoice; --', "Kiosk", "pg_monitor", "1abc", "a" * 64):
        result = pec_kiosk("sqlite://:memory:", tmp_path, "db", "grant", bad)
        assert result.returncode == 2, result
        assert "Nome di ruolo non valido" in result.stderr and "Traceback" not in result.stderr
    printed = pec_kiosk("sqlite://:memory:", tmp_path, "db", "grant", "kiosk_app")
    assert printed.returncode == 0
    assert 'GRANT UPDATE (expiry_date, owner_id) ON mailbox TO "kiosk_app";' in printed.stdout
    assert "prepaid_entry TO" in printed.stdout
    assert "UPDATE" not in "".join(
        line for line in printed.stdout.splitlines() if " ON prepaid_entry " in line
    )
