"""Databases the tests copy, built once for given sources and shared by every pytest process.

Building a migrated or a demo database takes 7-9 s of CPU here (Tortoise renders its migration
state); each xdist worker and each pass (`make test` runs three) used to build its own, four at a
time on two cores. Now the first process that needs one builds it under a lock, the others wait
for it and copy it. Its name carries a hash of everything it is made of (the kiosk's sources and
reference data, the test files that build it, the database packages' versions, Python's), so a
change to any of them builds a new one; the old one is removed then.

SQLite files live in `.pytest_cache/kiosk-templates/` (ignored by git); the PostgreSQL database
is `kiosk_test_base_<checkout>_<hash>` on the test server, which each worker's template clones.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import importlib.metadata
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".pytest_cache" / "kiosk-templates"
# what a template is made of besides the files that ask for it
SOURCES = ("kiosk", "data")
PACKAGES = ("tortoise-orm", "pypika-tortoise", "aiosqlite", "asyncpg", "argon2-cffi")


def _files(base: Path) -> Iterator[Path]:
    for path in sorted(base.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path


def content_key(*makers: Path) -> str:
    """A short hash of the sources, the files in `makers` and the package versions."""
    digest = hashlib.sha256()
    paths = [p for base in SOURCES for p in _files(ROOT / base)]
    # this file, and the suite's conftest (its NOW is the day the demo databases are built for)
    for path in [*paths, *makers, Path(__file__), ROOT / "tests" / "conftest.py"]:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    for package in PACKAGES:
        digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()[:12]


@contextmanager
def _locked(name: str) -> Iterator[None]:
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def shared_sqlite(
    name: str, filename: str, makers: tuple[Path, ...], build: Callable[[Path], None]
) -> Path:
    """The template `filename` that `build(directory)` writes, built once for these sources.

    Whatever `build` writes beside it (`-wal`, `-shm`) is kept with it: the directory is moved
    into place whole, so no process ever sees half a template."""
    done = CACHE / f"{name}-{content_key(*makers)}"
    if not (done / filename).exists():
        with _locked(name):
            if not (done / filename).exists():
                for stale in CACHE.glob(f"{name}-*"):
                    if len(stale.name) == len(done.name):  # another hash, not another name
                        shutil.rmtree(stale, ignore_errors=True)
                work = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=CACHE))
                try:
                    build(work)
                    if not (work / filename).exists():
                        raise RuntimeError(f"{name}: {build} wrote no {filename}")
                    os.replace(work, done)
                finally:
                    shutil.rmtree(work, ignore_errors=True)
    return done / filename


def demo_database() -> Path:
    """The demo database for the suite's day (NOW) as the kiosk builds it at its first demo
    start, with the suite's cheap hashing: what the Pilot, CLI and SSH tests copy (`demo.sqlite3`).
    The tests of building it (`--demo` on a missing database, `--reset`, `db load-demo`) build
    their own."""
    from kiosk.clock import FixedClock
    from kiosk.services.runtime import open_services
    from kiosk.settings import Settings
    from tests.conftest import CHEAP_HASHING, DATA, NOW

    async def open_once(directory: Path) -> None:
        settings = Settings(
            data_dir=directory,
            demo=True,
            refdata_dir=DATA,
            **CHEAP_HASHING,
        )
        async with open_services(settings, FixedClock(NOW)):
            pass

    def build(directory: Path) -> None:
        asyncio.run(open_once(directory))

    return shared_sqlite("demo", "demo.sqlite3", (), build)
