"""Same answer, similar time: does the time of a login, a recovery or a registration tell
whether an account exists?

The services are called in-process, with the production hashing parameters (argon2id t=3,
64 MiB: the defaults, no test mode) on a SQLite demo database of its own, so what is measured
is the whole use case a kiosk's worker awaits: the throttle's transaction, the look-ups, the
argon2 work, the audit and outbox writes. Each comparison pairs two paths that must look alike
and runs them interleaved (A B B A, round after round) so that load on the machine falls on
both alike; each reports medians, p90 and the differences.

- login, wrong password: a known userid vs an unknown one;
- login, locked: a locked known userid (operatore.demo) vs a locked unknown one (refused
  before any check);
- recovery request: a known userid vs an unknown one;
- registration, step one: a new codice fiscale vs one already registered (avv.demo's) vs one
  imported without a password (avv.rossi's): three paths, each against the first.

The throttles would otherwise delay and lock the repeated tries within seconds: they are set out
of the way (the limits at 10**6), except for the locked pair, whose two userids are locked from
the start. The answers are checked to be the same words for each pair.

    python -m bench.enumeration --samples 60        # JSON on stdout
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.stats import ms, summarize
from kiosk.clock import FixedClock, parse_now
from kiosk.errors import Refusal
from kiosk.services.facade import Services
from kiosk.services.runtime import open_services
from kiosk.services.setup import load_demo
from kiosk.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-25T10:00"
UNLIMITED = 10**6
Call = Callable[[], Awaitable[Any]]


def settings(directory: Path) -> Settings:
    """Production hashing (the defaults), the throttles out of the way."""
    return Settings(
        data_dir=directory,
        database_url=f"sqlite://{directory / 'bench.sqlite3'}",
        refdata_dir=ROOT / "data",
        login_free_failures=UNLIMITED,
        terminal_free_failures=UNLIMITED,
        max_failed_logins=UNLIMITED,
        recovery_requests_per_hour=UNLIMITED,
    )


async def answer(call: Call) -> str:
    """What the person would read: the result, or the refusal's words."""
    try:
        result = await call()
    except Refusal as exc:
        return f"{exc.reason}: {exc.message}"
    return repr(getattr(result, "message", result))


async def timed(call: Call) -> float:
    started = time.perf_counter()
    with contextlib.suppress(Refusal):
        await call()
    return ms(time.perf_counter() - started)


async def compare(paths: dict[str, Call], samples: int) -> dict[str, Any]:
    """Each path `samples` times, interleaved (forwards then backwards, round after round),
    after one unrecorded warm-up each; summaries and differences against the first path."""
    names = list(paths)
    answers = {name: await answer(paths[name]) for name in names}  # also the warm-up
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_ in range(samples):
        for name in names if round_ % 2 == 0 else reversed(names):
            times[name].append(await timed(paths[name]))
    summaries = {name: summarize(t) for name, t in times.items()}
    base = summaries[names[0]]
    return {
        "samples": samples,
        "answers_equal": len(set(answers.values())) == 1,
        "answers": answers,
        "paths": summaries,
        "differences_ms": {
            name: {
                "median": round(summaries[name]["median"] - base["median"], 2),
                "p90": round(summaries[name]["p90"] - base["p90"], 2),
                "median_percent": round(
                    100 * (summaries[name]["median"] - base["median"]) / base["median"], 1
                ),
            }
            for name in names[1:]
        },
        "raw_ms": times,
    }


async def _lock(services: Services, userids: list[str]) -> None:
    """Lock `userids` for a day (what twenty wrong passwords in a row would do)."""
    from kiosk.services.throttle import key_for
    from kiosk.store.models import AuthThrottle

    until = services.ctx.now() + timedelta(days=1)
    for userid in userids:
        await AuthThrottle.create(
            key=key_for("login", userid), kind="login", failures=20, locked_until=until
        )


def _registration(services: Services, cf: str, n: list[int]) -> Call:
    """Step one of Iscriviti with `cf`, a new address each time (as different people would)."""

    async def call() -> Any:
        n[0] += 1
        return await services.registration.start(
            userid="avv.prova",
            nominativo="Avv. Prova Tempi",
            codice_fiscale=cf,
            email=f"prova{n[0]}@example.org",
            password="Misura-Tempi-2026",
            password_confirm="Misura-Tempi-2026",
        )

    return call


async def measure(samples: int) -> dict[str, Any]:
    from stdnum.it import codicefiscale

    new_cf = "PRVTMP80A01H501" + codicefiscale.calc_check_digit("PRVTMP80A01H501")
    with tempfile.TemporaryDirectory(prefix="bench-enum-") as tmp:
        clock = FixedClock(parse_now(NOW))
        async with open_services(settings(Path(tmp)), clock) as services:
            await load_demo(services.ctx)
            await _lock(services, ["operatore.demo", "avv.fantasma"])
            auth = services.auth
            counter = [0]
            parameters = (
                f"argon2id t={services.ctx.settings.password_time_cost} "
                f"m={services.ctx.settings.password_memory_kib} KiB"
            )
            comparisons = {
                "login_wrong_password": await compare(
                    {
                        "known userid": lambda: auth.login("avv.demo", "Sbagliata-2026!"),
                        "unknown userid": lambda: auth.login("avv.nessuno", "Sbagliata-2026!"),
                    },
                    samples,
                ),
                "login_locked": await compare(
                    {
                        "known userid": lambda: auth.login("operatore.demo", "Sbagliata-2026!"),
                        "unknown userid": lambda: auth.login("avv.fantasma", "Sbagliata-2026!"),
                    },
                    samples,
                ),
                "recovery_request": await compare(
                    {
                        "known userid": lambda: auth.request_recovery("avv.demo"),
                        "unknown userid": lambda: auth.request_recovery("avv.nessuno"),
                    },
                    samples,
                ),
                "registration_start": await compare(
                    {
                        "new codice fiscale": _registration(services, new_cf, counter),
                        "registered (avv.demo)": _registration(
                            services, "DMEMRA80A41F912A", counter
                        ),
                        "imported, no password (avv.rossi)": _registration(
                            services, "RSSGPP75C12H703W", counter
                        ),
                    },
                    samples,
                ),
            }
    return {"samples": samples, "hashing": parameters, "comparisons": comparisons}


def run(samples: int) -> dict[str, Any]:
    return asyncio.run(measure(samples))


def render(result: dict[str, Any]) -> list[str]:
    """The Markdown section for bench/run.py's report."""
    out = [
        f"## Same answer, similar time ({result['samples']} interleaved samples per path, "
        f"{result['hashing']}; ms)",
        "",
        "| use case | path | median | p90 | median − first | p90 − first | same words |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for case, comparison in result["comparisons"].items():
        same = "yes" if comparison["answers_equal"] else "**no**"
        for i, (path, summary) in enumerate(comparison["paths"].items()):
            diff = comparison["differences_ms"].get(path)
            delta = f"{diff['median']:+.1f} ({diff['median_percent']:+.1f}%)" if diff else "–"
            delta_p90 = f"{diff['p90']:+.1f}" if diff else "–"
            out.append(
                f"| {case if i == 0 else ''} | {path} | {summary['median']:.1f} | "
                f"{summary['p90']:.1f} | {delta} | {delta_p90} | {same if i == 0 else ''} |"
            )
    out.append("")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=60, help="calls per path (60)")
    args = parser.parse_args()
    result = run(args.samples)
    for comparison in result["comparisons"].values():
        comparison.pop("raw_ms")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
