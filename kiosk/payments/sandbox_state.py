"""The sandbox bank's payments in a JSON file (0600, written atomically), so that a restarted
demo still knows the pages it handed out and still delivers what it had not yet notified."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger("kiosk.sandbox_bank")


def load(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        log.warning("sandbox bank state not read (%s): starting empty", type(exc).__name__)
        return []
    return [p for p in data.get("payments", []) if isinstance(p, dict)]


def save(path: Path, payments: list[dict[str, Any]]) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sandbox-bank-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:  # mkstemp: 0600
                json.dump({"payments": payments}, out)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:  # the sandbox carries on in memory
        log.warning("sandbox bank state not saved (%s)", exc.strerror or exc)
