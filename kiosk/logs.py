"""Where the program's own log goes: `kiosk.log` in the data directory, never the terminal.

The terminal belongs to the kiosk's screen, or to the CLI's messages for people; what an operator
needs to diagnose (a database refusing connections, an unexpected error) is written to the file,
created 0600 like everything else in the data directory.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from kiosk.privacy import tighten

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(data_dir: Path, level: int = logging.INFO) -> None:
    """Send every record to `data_dir/kiosk.log` (idempotent); nothing reaches stderr."""
    root = logging.getLogger()
    path = data_dir / "kiosk.log"
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        tighten(path, 0o600)  # a log made before, by a looser umask
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:  # a read-only data directory must not stop the program: log nowhere
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
