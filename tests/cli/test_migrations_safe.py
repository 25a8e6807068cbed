"""Migrations are safe to start anywhere: eight first starts at once on an empty database all
succeed; a kill -9 during the first migration on PostgreSQL leaves all or nothing; a read-only
command writes nothing (no migration, no reference-data sync when nothing changed)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from kiosk.store.db import known_migrations
from kiosk.store.roles import model_tables
from tests import dbs
from tests.cli.helpers import DEMO_USER, FAST_HASHING, NOW_ARG, RENEWABLE, ROOT, Kiosk
from tests.cli.pgdb import dsn, empty_database, execute, with_user

TABLES = set(model_tables())


def start(url: str, data_dir: Path, *args: str) -> subprocess.Popen[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env = {
        **base,
        **FAST_HASHING,
        "KIOSK_DATA_DIR": str(data_dir),
        "KIOSK_DATABASE_URL": url,
        "KIOSK_ALLOW_CLOCK_OVERRIDE": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--now", NOW_ARG, *args],
        env=env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'first.sqlite3'}"
        return
    yield from empty_database()


async def schema(url: str) -> tuple[set[str], list[str]]:
    """The program's tables present, and the migrations recorded (with repeats, if any)."""
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite://")) as conn:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            names = (
                [r[0] for r in conn.execute("SELECT name FROM tortoise_migrations")]
                if "tortoise_migrations" in tables
                else []
            )
        return tables & TABLES, names
    conn = await asyncpg.connect(dsn(url))
    try:
        tables = {
            r[0]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        }
        names = (
            [r[0] for r in await conn.fetch("SELECT name FROM tortoise_migrations")]
            if "tortoise_migrations" in tables
            else []
        )
    finally:
        await conn.close()
    return tables & TABLES, names


@pytest.mark.serial
def test_eight_first_starts_at_once_on_an_empty_database(empty_url: str, tmp_path: Path) -> None:
    commands = [("db", "migrate", "--json")] * 4 + [("--json", "overview")] * 4
    procs = [start(empty_url, tmp_path / f"d{i}", *args) for i, args in enumerate(commands)]
    results = [(p.wait(timeout=180), *p.communicate()) for p in procs]
    assert [code for code, _out, _err in results] == [0] * 8, results
    tables, names = asyncio.run(schema(empty_url))
    assert tables == TABLES
    assert sorted(names) == sorted(known_migrations())  # each recorded once


@pytest.mark.serial
@pytest.mark.slow
@pytest.mark.postgres
def test_a_kill_during_the_first_migration_leaves_all_or_nothing(tmp_path: Path) -> None:
    base = dbs.pg_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {dbs.PG_ENV}")
    rng = random.Random()
    outcomes = []
    for attempt in range(5):
        url = asyncio.run(dbs.create_empty_pg_database(base))
        try:
            proc = start(url, tmp_path / f"k{attempt}", "db", "migrate")
            name = url.rsplit("/", 1)[1]
            deadline = time.monotonic() + 60
            while not asyncio.run(_connected(base, name)):  # it has begun talking to the server
                assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 6.0))  # the migration takes ~1-4 s here
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            proc.communicate()
            tables, names = asyncio.run(schema(url))
            done = tables == TABLES and sorted(names) == sorted(known_migrations())
            assert done or (not tables and not names), (tables, names)
            outcomes.append(done)
            again = start(url, tmp_path / f"k{attempt}", "db", "migrate")
            assert again.wait(timeout=120) == 0, again.communicate()
            tables, names = asyncio.run(schema(url))
            assert tables == TABLES and sorted(names) == sorted(known_migrations())
        finally:
            asyncio.run(dbs.drop_pg_database(base, url))
    print(f"killed before the commit {outcomes.count(False)} times of {len(outcomes)}")


async def _connected(base: str, database: str) -> bool:
    conn = await asyncpg.connect(dsn(base))
    try:
        return bool(
            await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 "
                "AND application_name = 'pec-kiosk'",
                database,
            )
        )
    finally:
        await conn.close()


READ_ONLY = (
    ("overview",),
    ("account", "show", DEMO_USER),
    ("renewal", "quote", DEMO_USER, RENEWABLE),
    ("db", "check"),
)


def test_read_only_commands_leave_the_sqlite_file_untouched(
    demo_db: Kiosk, sqlite_url: str
) -> None:
    path = Path(sqlite_url.removeprefix("sqlite://"))
    demo_db.ok("account", "topup", DEMO_USER, "--amount", "5", "--reference", "CRO 1")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    for args in READ_ONLY:
        demo_db(*args, expect=0)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


@pytest.mark.postgres
def test_read_only_commands_run_as_a_role_that_cannot_write(
    make_kiosk: object, tmp_path: Path
) -> None:
    """A role with SELECT alone, in read-only transactions: any write would fail (exit 2)."""
    base = dbs.pg_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {dbs.PG_ENV}")
    url = asyncio.run(dbs.create_empty_pg_database(base))
    role = f"kiosk_ro_{uuid.uuid4().hex[:10]}"
    try:
        owner = start(url, tmp_path, "db", "load-demo")
        assert owner.wait(timeout=120) == 0, owner.communicate()
        asyncio.run(
            execute(
                url,
                f"CREATE ROLE {role} LOGIN",
                f"ALTER ROLE {role} SET default_transaction_read_only = on",
                f"GRANT USAGE ON SCHEMA public TO {role}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
            )
        )
        reader = with_user(url, role)
        for args in READ_ONLY:
            proc = start(reader, tmp_path, *args)
            assert proc.wait(timeout=120) == 0, (args, proc.communicate())
    finally:
        asyncio.run(dbs.drop_pg_database(base, url))
        asyncio.run(execute(base, f"DROP ROLE IF EXISTS {role}"))
