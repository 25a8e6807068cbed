"""What the program writes is its owner's alone: umask 077, data directory 0700, files 0600.

The data directory holds the SQLite database (with its -wal and -shm), the log, the secret key
and the documents (names, codici fiscali, invoices). The umask is set first thing, so that every
file made afterwards (by SQLite, the log handler, a library) is private whatever the user's
shell umask; what already exists looser than that (a directory made by hand, a database copied
in) is tightened when the program starts on it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

UMASK = 0o077
DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def restrict_umask() -> None:
    """Files and directories made from now on by this process: owner only."""
    os.umask(UMASK)


def private_data_dir(path: Path) -> Path:
    """Create the data directory 0700 (parents too), or tighten it if it is open to others."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    tighten(path, DIR_MODE)
    return path


def tighten(path: Path, mode: int) -> None:
    """Take group and others' bits off `path` (missing, or not ours to change: left alone)."""
    with contextlib.suppress(OSError):
        current = path.stat().st_mode & 0o777
        if current & 0o077:
            os.chmod(path, current & mode)


def private_sqlite(path: Path) -> None:
    """A SQLite database and its companions 0600 (SQLite gives -wal and -shm the database's
    own mode, so a private database keeps them private)."""
    if str(path) == ":memory:":
        return
    if not path.parent.exists():
        private_data_dir(path.parent)
    for suffix in SQLITE_SUFFIXES:
        tighten(Path(f"{path}{suffix}"), FILE_MODE)
