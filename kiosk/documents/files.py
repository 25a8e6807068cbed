"""Writing documents where only their owner can read them: directories 0700, files 0600.

A file is written beside its final name and renamed over it, so a reader (a printer spooler, a
second kiosk process making the same document) never sees half a file; a file that already
holds the same bytes is left alone.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path, *, enforce: bool = False) -> Path:
    """Create `path` and its missing parents, each 0700. An existing `path` keeps its mode
    (someone chose it) unless `enforce` (a directory of our own, such as the documents')."""
    missing = []
    current = path
    while not current.exists() and current.parent != current:
        missing.append(current)
        current = current.parent
    for directory in reversed(missing):
        with contextlib.suppress(FileExistsError):  # made by another process a moment ago
            directory.mkdir(mode=DIR_MODE)
        os.chmod(directory, DIR_MODE)  # whatever the umask
    if not path.is_dir():
        raise NotADirectoryError(str(path))
    if enforce:
        os.chmod(path, DIR_MODE)
    return path


def write_private(path: Path, data: bytes) -> bool:
    """`data` at `path`, mode 0600, replaced atomically; False when it was already there."""
    try:
        if path.read_bytes() == data:
            os.chmod(path, FILE_MODE)
            return False
    except FileNotFoundError:
        pass
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(temporary, FILE_MODE)  # whatever the umask
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True
