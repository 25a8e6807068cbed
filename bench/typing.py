"""Keystroke echo: from a key written to the pty to pyte showing it in the login form's userid.

Both programs run side by side on 80x24 ptys, each on its login form (Enter on Accedi) with the
userid input focused. Keys go one at a time, in blocks that alternate between the two programs;
for each key the clock runs from just before the write to the chunk of output after which the
field shows exactly what was typed so far. The next key waits until that echo was seen plus an
idle gap (random in [gap, 2*gap], so keys do not lock in step with Textual's 60 fps refresh).
Each block starts from an empty field (Ctrl+U, not timed); 20 keys fit the field without
scrolling. The kiosk gets a moment to open its database, and both get an unrecorded warm-up
block, before anything counts.

    python -m bench.typing --keys 200
"""

from __future__ import annotations

import argparse
import json
import random
import string
import time
from contextlib import ExitStack
from typing import Any

from bench.apps import DemoDatabase, bare_app, field_shows, kiosk_app, on_login_screen
from bench.stats import ms, ratio, summarize
from bench.terminal import CTRL_U, Terminal, precise_switching

NAMES = ("kiosk", "bare")
ALPHABET = string.ascii_lowercase + string.digits
BLOCK = 20  # keys per block: the typed text stays within the field's 40 visible columns


def clear(term: Terminal, typed: str) -> None:
    """Empty the field (Ctrl+U deletes everything left of the cursor)."""
    if typed:
        term.press(CTRL_U, field_shows(""))


def type_block(term: Terminal, keys: str, gap: float, rng: random.Random) -> list[float]:
    """Type `keys` one at a time into the (empty) field; the echo time of each, in ms."""
    echoes = []
    for i, key in enumerate(keys):
        time.sleep(rng.uniform(gap, 2 * gap))  # the screen is idle when the key arrives
        echoes.append(ms(term.press(key, field_shows(keys[: i + 1]), timeout=10.0)))
    term.wait_for(field_shows(keys))
    clear(term, keys)
    return echoes


def run(
    keys: int = 200,
    demo: DemoDatabase | None = None,
    gap: float = 0.03,
    settle: float = 1.5,
    seed: int = 2026,
) -> dict[str, Any]:
    """At least `keys` keystrokes per app, in alternating blocks; samples in ms and summaries."""
    precise_switching()
    rng = random.Random(seed)
    blocks = max(1, -(-keys // BLOCK))
    echoes: dict[str, list[float]] = {n: [] for n in NAMES}
    with ExitStack() as stack:
        if demo is None:
            demo = stack.enter_context(DemoDatabase())
        terms = {
            "kiosk": stack.enter_context(on_login_screen(kiosk_app(demo))),
            "bare": stack.enter_context(on_login_screen(bare_app())),
        }
        time.sleep(settle)  # the kiosk opens its database in a worker after the first paint
        for name in NAMES:  # warm-up, not recorded
            type_block(terms[name], "warmup", gap, rng)
        for block in range(blocks):
            names = NAMES if block % 2 == 0 else NAMES[::-1]
            for name in names:
                text = "".join(rng.choice(ALPHABET) for _ in range(BLOCK))
                echoes[name].extend(type_block(terms[name], text, gap, rng))
    result: dict[str, Any] = {
        "keys_per_app": blocks * BLOCK,
        "gap_ms": [ms(gap), ms(2 * gap)],
        "echo": {n: summarize(echoes[n]) for n in NAMES},
        "samples_ms": echoes,
    }
    k, b = result["echo"]["kiosk"], result["echo"]["bare"]
    result["ratio_p50"] = ratio(k["median"], b["median"])
    result["ratio_p99"] = ratio(k["p99"], b["p99"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200, help="keys per app (default 200)")
    args = parser.parse_args()
    result = run(args.keys)
    print(json.dumps({k: v for k, v in result.items() if k != "samples_ms"}, indent=2))


if __name__ == "__main__":
    main()
