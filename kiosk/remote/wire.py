"""The control channel between `pec-kiosk serve ssh` and each kiosk it starts.

A Unix socket pair: the server keeps one end, the kiosk gets the other as an inherited file
descriptor (`KIOSK_SSH_CONTROL_FD`). One JSON object per line, each with an `op`:

kiosk -> server: `assist-code` (a lawyer asks for an assistance code), `allow-typing` (`on`),
`assist-end` (the lawyer ends the assistance), `join` (`code`: an operator joins a session),
`session` (`userid`, or null: who logged in or out at a kiosk terminal; no answer);
requests carry an `id` that the answer repeats.
server -> kiosk: `code` (`code`, `minutes`), `joined` / `left` (`by`: the operator's name, to
the lawyer's kiosk), `join-refused` (`message`), `join-ok`, `returned` (the operator is back on
their own kiosk), `error` (`message`).
"""

from __future__ import annotations

import json
from typing import Any

MAX_LINE = 4096  # bytes: every message is far smaller; a longer line is a broken peer


def encode(op: str, **fields: Any) -> bytes:
    return (json.dumps({"op": op, **fields}, ensure_ascii=True) + "\n").encode("ascii")


def decode(line: bytes) -> dict[str, Any] | None:
    """A message, or None for anything malformed (ignored, never trusted)."""
    if len(line) > MAX_LINE:
        return None
    try:
        value = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(value, dict) or not isinstance(value.get("op"), str):
        return None
    return value
