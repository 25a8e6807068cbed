"""Fixtures for the CLI tests: `pec-kiosk` in process or in a subprocess, on a fresh database."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.helpers import Kiosk


def _subprocess_everywhere() -> bool:
    return os.environ.get("KIOSK_CLI_SUBPROCESS", "") not in ("", "0")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk-data"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'cli.sqlite3'}"


@pytest.fixture
def make_kiosk(data_dir: Path) -> Callable[..., Kiosk]:
    def make(*, subprocess_mode: bool = False, prefix: tuple[str, ...] = (), **env: str) -> Kiosk:
        return Kiosk(
            {"KIOSK_DATA_DIR": str(data_dir), **env},
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


@pytest.fixture
def demo(make_kiosk: Callable[..., Kiosk]) -> Kiosk:
    """In process, with `--demo`: the demo database in KIOSK_DATA_DIR, built on first use."""
    return make_kiosk(prefix=("--demo",))


@pytest.fixture
def demo_db(cli: Kiosk) -> Kiosk:
    """The demo dataset loaded (on NOW) into this test's own database: the clock can move on."""
    cli("db", "load-demo", expect=0)
    return cli


@pytest.fixture
def good_csv(tmp_path: Path) -> Path:
    from tests.cli.helpers import GOOD_CSV

    path = tmp_path / "caselle.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    return path
