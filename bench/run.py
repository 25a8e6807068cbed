"""`make bench`: first frame, keystroke echo and screen transitions, kiosk against a bare app;
and whether the time of a login, recovery or registration tells that an account exists.

Runs the benchmarks (bench/startup.py, bench/typing.py, bench/transitions.py on one pre-built
demo database; bench/enumeration.py in-process on a database of its own), prints the tables
and writes `bench/results/<date>-<name>.json` (every sample), a `.md` next to it and
`bench/results/latest.md`, each with the machine's description.
Benchmarks, not tests: nothing here passes or fails, the targets are reported as met or missed.

    python -m bench.run                      # the full run (a few minutes on 2 cores)
    python -m bench.run --quick              # fewer runs, for a quick look
    python -m bench.run --only startup --runs 30 --name after-lazy-imports
    python -m bench.run --only enumeration --samples 100
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import enumeration, startup, transitions
from bench import typing as keystrokes  # bench/typing.py, not the standard library's
from bench.apps import ROOT, DemoDatabase

RESULTS = Path(__file__).resolve().parent / "results"
BENCHES = ("startup", "typing", "transitions", "enumeration")
TARGETS = {
    "first_frame": 1.3,  # kiosk median / bare median
    "echo_p50": 1.1,
    "echo_p99": 1.1,
    "transition_ms": 100.0,  # beyond the hash (login) or the Esc key's recognition
}
BARE_SAME = {  # the kiosk's transitions that the bare app has too
    "welcome_to_login": "welcome_to_login",
    "renewal_to_mailboxes": "escape_back",
    "logout_asked": "escape_back",
}
STEP_NAMES = {
    "welcome_to_login": "welcome → login (Enter on Accedi)",
    "login_to_mailboxes": "login → mailbox list (submit)",
    "mailboxes_to_renewal": "mailbox list → Rinnova (Enter on a row)",
    "avanti_to_quote": "Avanti → quote shown",
    "renewal_to_mailboxes": "Rinnova → mailbox list (Esc)",
    "logout_asked": "mailbox list → Uscire? (Esc)",
    "logout_to_welcome": "Sì, esci → welcome (Enter)",
}


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30, check=False
    )
    return done.stdout.strip()


def machine() -> dict[str, Any]:
    """What the numbers were measured on (they mean little without it)."""
    cpu = "unknown"
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "textual": metadata.version("textual"),
        "platform": platform.platform(),
        "git_commit": _git("rev-parse", "--short", "HEAD") + ("-dirty" if dirty else ""),
        "git_branch": _git("rev-parse", "--abbrev-ref", "HEAD"),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def render(result: dict[str, Any]) -> str:
    """The results as Markdown: machine, then one table per benchmark."""
    m = result["machine"]
    out = [
        f"# Benchmark {result['date']} ({result['name']})",
        "",
        f"- Machine: {m['cpu']}, {m['cores']} cores ({m['cores_usable']} usable), {m['platform']}",
        f"- Python {m['python']}, Textual {m['textual']}, commit {m['git_commit']} "
        f"({m['git_branch']})",
        f"- Load average at start {m['load_average_at_start']}, at end "
        f"{result['load_average_at_end']}; took {result['duration_s']} s",
        f"- Command: `{result['command']}`",
        "",
    ]
    if "startup" in result:
        s = result["startup"]
        k, b = s["first_frame"]["kiosk"], s["first_frame"]["bare"]
        out += [
            f"## First frame of the welcome screen (80x24 pty, {s['runs']} runs each)",
            "",
            "| ms | kiosk | bare | kiosk / bare |",
            "| --- | ---: | ---: | ---: |",
        ]
        for key, label in (("median", "median"), ("p90", "p90"), ("p99", "p99"), ("min", "min")):
            out.append(f"| {label} | {k[key]:.0f} | {b[key]:.0f} | {k[key] / b[key]:.2f}x |")
        out += [
            "",
            f"Target: median ≤ {TARGETS['first_frame']}x the bare app's: "
            f"{s['ratio_median']:.2f}x, {_verdict(s['ratio_median'] <= TARGETS['first_frame'])}. "
            f"(The heading's first bytes: kiosk {s['heading']['kiosk']['median']:.0f} ms, "
            f"bare {s['heading']['bare']['median']:.0f} ms, medians.)",
            "",
        ]
    if "typing" in result:
        t = result["typing"]
        k, b = t["echo"]["kiosk"], t["echo"]["bare"]
        out += [
            f"## Keystroke echo in the login form's userid ({t['keys_per_app']} keys each)",
            "",
            "| ms | kiosk | bare | kiosk / bare | target |",
            "| --- | ---: | ---: | ---: | --- |",
            f"| p50 | {k['median']:.1f} | {b['median']:.1f} | {t['ratio_p50']:.2f}x | "
            f"≤ {TARGETS['echo_p50']}x, {_verdict(t['ratio_p50'] <= TARGETS['echo_p50'])} |",
            f"| p90 | {k['p90']:.1f} | {b['p90']:.1f} | {k['p90'] / b['p90']:.2f}x | |",
            f"| p99 | {k['p99']:.1f} | {b['p99']:.1f} | {t['ratio_p99']:.2f}x | "
            f"≤ {TARGETS['echo_p99']}x, {_verdict(t['ratio_p99'] <= TARGETS['echo_p99'])} |",
            f"| max | {k['max']:.1f} | {b['max']:.1f} | | |",
            "",
        ]
    if "transitions" in result:
        tr = result["transitions"]
        h = tr["hash"]
        out += [
            f"## Screen transitions in the kiosk ({tr['runs']} processes × {tr['rounds']} "
            "rounds; medians, ms)",
            "",
            "| transition | first round | later rounds | all | bare app | minus | net "
            "| net ≤ 100 ms |",
            "| --- | ---: | ---: | ---: | ---: | --- | ---: | --- |",
        ]
        bare = tr["bare"]
        for step, label in STEP_NAMES.items():
            e = tr["steps"][step]
            later = f"{e['later_rounds']['median']:.0f}" if "later_rounds" in e else "–"
            same = BARE_SAME.get(step)
            bare_ms = f"{bare[same]['median']:.0f}" if same else "–"
            out.append(
                f"| {label} | {e['first_round']['median']:.0f} | {later} | "
                f"{e['median_ms']:.0f} | {bare_ms} | {e['basis'] or '–'} | "
                f"{e['beyond_basis_ms']:.0f} | {_verdict(e['within_budget'])} |"
            )
        out += [
            "",
            f"argon2 verify in-process ({h['parameters']}): median "
            f"{h['verify_ms']['median']:.0f} ms (min {h['verify_ms']['min']:.0f}). "
            "The bare app column: the same key on the bare app (Enter on Accedi; Esc from its "
            "login form back to its welcome screen). A lone Esc waits Textual's ESCDELAY "
            "(100 ms) plus up to one 100 ms input poll, so Esc transitions count beyond the "
            "bare app's.",
            "",
        ]
    if "enumeration" in result:
        out += enumeration.render(result["enumeration"])
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="first-frame runs per app (15)")
    parser.add_argument("--keys", type=int, default=200, help="keystrokes per app (200)")
    parser.add_argument("--transition-runs", type=int, default=5, help="kiosk processes (5)")
    parser.add_argument("--rounds", type=int, default=3, help="journeys per process (3)")
    parser.add_argument("--samples", type=int, default=60, help="enumeration: calls per path (60)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="5 runs, 60 keys, 2×2 journeys, 15 samples: a quick look",
    )
    parser.add_argument(
        "--only", default=",".join(BENCHES), help=f"comma-separated subset of {BENCHES}"
    )
    parser.add_argument("--name", help="results file name suffix (default: the git commit)")
    parser.add_argument("--no-save", action="store_true", help="print only, write no files")
    args = parser.parse_args(argv)
    chosen = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if args.quick:
        args.runs, args.keys, args.transition_runs, args.rounds = 5, 60, 2, 2
        args.samples = 15

    started = time.monotonic()
    info = machine()
    today = dt.date.today().isoformat()
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", args.name or info["git_commit"])
    result: dict[str, Any] = {
        "date": today,
        "name": name,
        "command": " ".join(["python -m bench.run", *(sys.argv[1:] if argv is None else argv)]),
        "machine": info,
        "targets": TARGETS,
    }
    with DemoDatabase() as demo:
        if "startup" in chosen:
            print(f"first frame: {args.runs} runs per app ...", flush=True)
            result["startup"] = startup.run(args.runs, demo)
        if "typing" in chosen:
            print(f"keystroke echo: {args.keys} keys per app ...", flush=True)
            result["typing"] = keystrokes.run(args.keys, demo)
        if "transitions" in chosen:
            print(f"transitions: {args.transition_runs} × {args.rounds} ...", flush=True)
            result["transitions"] = transitions.run(args.transition_runs, args.rounds, demo)
    if "enumeration" in chosen:
        print(f"enumeration: {args.samples} samples per path ...", flush=True)
        result["enumeration"] = enumeration.run(args.samples)
    result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["duration_s"] = round(time.monotonic() - started, 1)
    report = render(result)
    print()
    print(report)
    if args.no_save:
        return
    RESULTS.mkdir(exist_ok=True)
    data, text = RESULTS / f"{today}-{name}.json", RESULTS / f"{today}-{name}.md"
    data.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    text.write_text(report + "\n", encoding="utf-8")
    (RESULTS / "latest.md").write_text(report + "\n", encoding="utf-8")
    print(f"\nwritten: {data.relative_to(ROOT)}, {text.relative_to(ROOT)}, latest.md")


if __name__ == "__main__":
    main()
