"""Shared fixtures: a fixed clock, settings, and services on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk import heap
from kiosk.clock import ROME, FixedClock
from kiosk.i18n import set_language
from kiosk.services.facade import Services
from kiosk.services.runtime import open_services
from kiosk.settings import Settings
from tests import dbs

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
# a Wednesday morning, well inside 2026: far from year ends and DST changes
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ROME)
LOG_TAIL = 20_000  # characters of a kiosk.log shown with a failure
# argon2id still, at a cost the suite can afford; test_mode: such weak hashing is refused otherwise
CHEAP_HASHING: dict[str, Any] = {
    "password_time_cost": 1,
    "password_memory_kib": 1024,
    "test_mode": True,
}


def pytest_collection_finish(session: pytest.Session) -> None:
    """The test processes collect garbage as the kiosk does (`kiosk.heap.tune`, also for the
    service, CLI and unit tests that start no app): with CPython's default threshold the
    collector took a third of a Pilot test's CPU (7.5 of 22.4 CPU-s for 31 Pilot and snapshot
    tests; 2.4 s tuned; peak memory 150 -> 185 MB). Nothing under test depends on when the
    collector runs. (`gc.freeze()` here as well saved little more, and hides frozen referrers
    from `gc.get_referrers`, which Hypothesis's `register_random` check relies on.)"""
    heap.tune()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test's report carries the kiosk's own log (`kiosk.log`, written by the kiosk
    processes a test starts: SSH children, real terminals, the CLI): the temporary directory it
    lies in may be gone by the time anyone reads the failure (a clean CI clone)."""
    report: pytest.TestReport = yield
    tmp_path = getattr(item, "funcargs", {}).get("tmp_path")
    if report.failed and isinstance(tmp_path, Path):
        for log in sorted(tmp_path.rglob("kiosk.log")):
            try:
                tail = log.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL:]
            except OSError as exc:  # the report of the failure itself must not fail
                tail = f"(not readable: {exc})"
            report.sections.append((f"{log.relative_to(tmp_path)} (last lines)", tail))
    return report


def pytest_report_header() -> str:
    url = dbs.pg_base_url()
    return f"PostgreSQL tests: {'on ' + url if url else 'skipped (KIOSK_TEST_POSTGRES_URL unset)'}"


@pytest.fixture(autouse=True)
def _italian() -> Iterator[None]:
    set_language("it")
    yield
    set_language("it")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Nothing a test does may read or write the real user data directory or config."""
    for var in ("KIOSK_DATABASE_URL", "KIOSK_DEMO", "KIOSK_NOW", "KIOSK_CONFIG", "KIOSK_LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "kiosk-data"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture(scope="session")
def sqlite_template() -> Path:
    """The migrated SQLite database; copy it, never write to it (shared by every process)."""
    return dbs.make_sqlite_template()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    base = dbs.pg_base_url()
    if base is None:
        pytest.skip(f"PostgreSQL not configured: set {dbs.PG_ENV} to run these variants")
    dbs.make_pg_template(base)  # fails loudly if the server is unreachable
    yield base
    dbs.drop_pg_template(base)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def template(backend: str, request: pytest.FixtureRequest) -> Path | str:
    """The migrated template of this backend (built once per session, outside any loop)."""
    value = request.getfixturevalue("sqlite_template" if backend == "sqlite" else "pg_template")
    assert isinstance(value, Path | str)
    return value


@pytest.fixture
async def db_url(backend: str, template: Path | str, tmp_path: Path) -> AsyncIterator[str]:
    if isinstance(template, Path):
        yield dbs.clone_sqlite(template, tmp_path / "kiosk.sqlite3")
        return
    url = dbs.with_database(template, dbs.PG_TEMPLATE)
    await dbs.clear_pg(url)
    yield url


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "kiosk-data",
        database_url=db_url,
        refdata_dir=DATA,
        **CHEAP_HASHING,
    )


@pytest.fixture
async def services(settings: Settings, clock: FixedClock) -> AsyncIterator[Services]:
    async with open_services(settings, clock) as svc:
        yield svc
