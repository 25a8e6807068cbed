"""First frame: from spawning the program to its first complete frame of the welcome screen.

Each run starts a fresh process on an 80x24 pty: the kiosk (`python -m kiosk --demo --now ...`,
a new data directory holding a copy of the pre-built demo database) or the bare app. The clock
starts just before `Popen` and stops at the chunk of output after which pyte shows the welcome
heading *and* the footer (the last row, drawn last): the whole first frame, as a person sees it.
The time to the heading alone (the frame's first bytes) is kept too. Runs alternate
kiosk/bare/bare/kiosk/... so drift on the machine hits both alike; one unrecorded warm-up run
of each fills the file cache first.

    python -m bench.startup --runs 15
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from bench.apps import WELCOME_MARKER, App, DemoDatabase, bare_app, kiosk_app
from bench.stats import ms, ratio, summarize
from bench.terminal import Screen, precise_switching

NAMES = ("kiosk", "bare")


def welcome_frame(screen: Screen) -> bool:
    """The first complete frame of the welcome screen: heading shown, footer drawn."""
    return WELCOME_MARKER in screen.text and screen.lines[-1].strip() != ""


def first_frame(app: App, timeout: float = 60.0) -> tuple[float, float]:
    """Seconds from spawn to the heading's first bytes, and to the complete welcome frame."""
    with app.spawn() as term:
        heading = term.wait_for(WELCOME_MARKER, timeout).at - term.started
        frame = term.wait_for(welcome_frame, timeout).at - term.started
    return heading, frame


def order(runs: int) -> list[str]:
    """kiosk, bare, bare, kiosk, ... (ABBA): neither app always goes first."""
    pairs = [NAMES if i % 2 == 0 else NAMES[::-1] for i in range(runs)]
    return [name for pair in pairs for name in pair]


def run(runs: int = 15, demo: DemoDatabase | None = None, pause: float = 0.3) -> dict[str, Any]:
    """Measure both apps `runs` times each, interleaved; samples in ms and their summaries."""
    precise_switching()
    own_demo = demo is None
    demo = demo or DemoDatabase()
    try:

        def make(name: str) -> App:
            return kiosk_app(demo) if name == "kiosk" else bare_app()

        for name in NAMES:  # warm-up: file cache, .pyc files
            first_frame(make(name))
        frames: dict[str, list[float]] = {n: [] for n in NAMES}
        headings: dict[str, list[float]] = {n: [] for n in NAMES}
        for name in order(runs):
            time.sleep(pause)  # the previous program's exit is not measured
            heading, frame = first_frame(make(name))
            headings[name].append(ms(heading))
            frames[name].append(ms(frame))
    finally:
        if own_demo:
            demo.close()
    result: dict[str, Any] = {
        "runs": runs,
        "first_frame": {n: summarize(frames[n]) for n in NAMES},
        "heading": {n: summarize(headings[n]) for n in NAMES},
        "samples_ms": {"first_frame": frames, "heading": headings},
    }
    k, b = result["first_frame"]["kiosk"], result["first_frame"]["bare"]
    result["ratio_median"] = ratio(k["median"], b["median"])
    result["ratio_p99"] = ratio(k["p99"], b["p99"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per app (default 15)")
    args = parser.parse_args()
    result = run(args.runs)
    print(json.dumps({k: v for k, v in result.items() if k != "samples_ms"}, indent=2))


if __name__ == "__main__":
    main()
