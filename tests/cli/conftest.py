"""Fixtures for the CLI tests: `pec-kiosk` in process or in a subprocess, on a fresh database."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import dbs
from tests.cli.helpers import FAST_HASHING, Kiosk
from tests.templates import demo_database

OPERATOR_OF_RECORD = "admin.demo"  # the demo's administrator (on an empty database: bootstrap)


def _subprocess_everywhere() -> bool:
    return os.environ.get("KIOSK_CLI_SUBPROCESS", "") not in ("", "0")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk-data"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    """A database of this test's, already migrated (a copy of the session's template): each
    command still checks the migrations, as it does at every start, but the suite does not pay
    ~2 s per test to run them all from nothing (the tests of migrating itself start from
    nothing: test_migrations_safe.py, test_db_check.py, the first `db migrate` here)."""
    return dbs.clone_sqlite(sqlite_template, tmp_path / "cli.sqlite3")


@pytest.fixture
def make_kiosk(data_dir: Path) -> Callable[..., Kiosk]:
    def make(*, subprocess_mode: bool = False, prefix: tuple[str, ...] = (), **env: str) -> Kiosk:
        return Kiosk(
            # the suite pins the clock (--now) for every command, as a rehearsal would
            {
                "KIOSK_DATA_DIR": str(data_dir),
                "KIOSK_ALLOW_CLOCK_OVERRIDE": "1",
                "KIOSK_AS": OPERATOR_OF_RECORD,  # who runs the back-office commands
                **FAST_HASHING,
                **env,
            },
            subprocess_mode=subprocess_mode or _subprocess_everywhere(),
            prefix=prefix,
        )

    return make


@pytest.fixture
def cli(make_kiosk: Callable[..., Kiosk], sqlite_url: str) -> Kiosk:
    """In process, on a fresh SQLite database of this test (KIOSK_DATABASE_URL)."""
    return make_kiosk(KIOSK_DATABASE_URL=sqlite_url)


@pytest.fixture
def proc(make_kiosk: Callable[..., Kiosk], sqlite_url: str) -> Kiosk:
    """The real command in a subprocess, on a fresh SQLite database of this test."""
    return make_kiosk(subprocess_mode=True, KIOSK_DATABASE_URL=sqlite_url)


def copy_sqlite(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


@pytest.fixture(scope="session")
def demo_template() -> Path:
    """The demo database on NOW (tests/templates.py); copy it with `copy_sqlite`."""
    return demo_database()


@pytest.fixture
def demo(make_kiosk: Callable[..., Kiosk], data_dir: Path, demo_template: Path) -> Kiosk:
    """In process, with `--demo`: the demo database of this test (a copy of the template)."""
    copy_sqlite(demo_template, data_dir / "demo.sqlite3")
    return make_kiosk(prefix=("--demo",))


@pytest.fixture
def demo_db(cli: Kiosk, sqlite_url: str, demo_template: Path) -> Kiosk:
    """The demo dataset (as of NOW) in this test's own database, where the clock can move on.

    (With `--demo`, a clock on another day rebuilds the demo database for that day.)
    """
    copy_sqlite(demo_template, Path(sqlite_url.removeprefix("sqlite://")))
    return cli


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    from tests.cli.helpers import GOOD_CSV

    path = tmp_path / "caselle.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    return path
