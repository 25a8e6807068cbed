"""The help desk's subscriber search at scale: per-keystroke latency with N mailboxes.

A fresh database of its own (SQLite: a file in a temporary directory; PostgreSQL: a database
created beside the one `--pg-url` / KIOSK_TEST_POSTGRES_URL names, and dropped at the end, never
that database itself) is filled by the real loader, `pec-kiosk db load-synthetic --mailboxes N`
in a subprocess (its wall time is reported too). Then, in this process, through the service
(`Services.search.subscribers`, what the workspace's worker calls): targets drawn at random
from the database (a surname; a first name and a surname; the first three letters of the first
name and the surname; a userid; a PEC address; a codice fiscale) are typed one character at a
time, and every keystroke from the second character on is one timed search, until `--queries`
searches were timed. The first `--warmup` searches are run and not counted (the database's
cache after the load).

    python -m bench.search --mailboxes 1000000 --backend sqlite
    python -m bench.search --mailboxes 1000000 --backend postgres --queries 600

Results: bench/results/<date>-search.json (every sample; one entry per backend, a later run of
a backend replaces its entry) and bench/results/<date>-search.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.stats import summarize

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
NOW = "2026-11-25T10:00:00+01:00"
TARGET_P99_MS = 50.0
LOADER = (sys.executable, "-m", "kiosk", "--now", NOW, "--json", "db", "load-synthetic")
# a surname; first name and surname; the start of both ("mar ross": not a prefix of the name's
# terms, so the search's second way, each word on its own); a userid, a PEC address, a CF
KINDS = ("surname", "name", "partial", "userid", "pec", "cf")


def _env(url: str, data_dir: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return {
        **base,
        "KIOSK_DATABASE_URL": url,
        "KIOSK_DATA_DIR": str(data_dir),
        "KIOSK_ALLOW_CLOCK_OVERRIDE": "1",
        "KIOSK_TEST_MODE": "1",
        "KIOSK_PASSWORD_TIME_COST": "1",
        "KIOSK_PASSWORD_MEMORY_KIB": "1024",
    }


def load(url: str, data_dir: Path, mailboxes: int) -> dict[str, Any]:
    """The real loader in a subprocess: its report and the wall time (migration included)."""
    started = time.perf_counter()
    done = subprocess.run(
        [*LOADER, "--mailboxes", str(mailboxes)],
        env=_env(url, data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"load-synthetic failed ({done.returncode}): {done.stdout}{done.stderr}")
    return {"wall_seconds": round(wall, 1), "report": json.loads(done.stdout)}


async def targets(services: Any, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, text) to type: drawn from random subscribers of the database."""
    from kiosk.store import bulk
    from kiosk.store.models import Subscriber

    client = bulk.client_for(Subscriber)
    top = await bulk.execute_rows(client, "SELECT MAX(id) AS top FROM subscriber")
    chosen: list[tuple[str, str]] = []
    while len(chosen) < count:
        sid = rng.randint(1, int(top[0]["top"]))
        rows = await bulk.execute_rows(
            client,
            "SELECT s.userid, s.nominativo, s.codice_fiscale, m.address FROM subscriber s "
            "JOIN mailbox m ON m.owner_id = s.id WHERE s.id = {p1}",
            [sid],
        )
        if not rows:
            continue
        row = rows[0]
        words = str(row["nominativo"]).split()[1:]  # without "Avv."
        kind = KINDS[len(chosen) % len(KINDS)]
        text = {
            "surname": words[-1],
            "name": f"{words[0].lower()} {words[-1].lower()}",
            "partial": f"{words[0][:3].lower()} {words[-1].lower()}",
            "userid": str(row["userid"]),
            "pec": str(row["address"]),
            "cf": str(row["codice_fiscale"]).lower(),
        }[kind]
        chosen.append((kind, text))
    return chosen


async def measure(url: str, data_dir: Path, queries: int, warmup: int, seed: int) -> dict[str, Any]:
    from kiosk.clock import FixedClock
    from kiosk.services.runtime import open_services
    from kiosk.settings import Settings

    settings = Settings(
        data_dir=data_dir,
        database_url=url,
        refdata_dir=ROOT / "data",
        password_time_cost=1,
        password_memory_kib=1024,
        test_mode=True,
    )
    from datetime import datetime

    clock = FixedClock(datetime.fromisoformat(NOW))
    rng = random.Random(seed)
    samples: list[float] = []
    by_kind: dict[str, list[float]] = {k: [] for k in KINDS}
    hits: list[int] = []
    typed: list[str] = []
    async with open_services(settings, clock) as services:
        todo = await targets(services, max(60, queries // 6), rng)
        done = 0
        while len(samples) < queries:
            kind, text = todo[done % len(todo)]
            done += 1
            for end in range(2, min(len(text), 16) + 1):
                started = time.perf_counter()
                found = await services.search.subscribers(text[:end], limit=20)
                elapsed = (time.perf_counter() - started) * 1000
                if warmup > 0:
                    warmup -= 1
                    continue
                samples.append(elapsed)
                by_kind[kind].append(elapsed)
                hits.append(len(found))
                typed.append(text[:end])
                if len(samples) >= queries:
                    break
    return {
        "summary": summarize(samples),
        "by_kind": {k: summarize(v) for k, v in by_kind.items() if v},
        "samples_ms": [round(s, 3) for s in samples],
        "queries": typed,
        "hits": hits,
        "empty_results": sum(1 for h in hits if h == 0),
    }


async def _pg_admin(base: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(base.replace("postgres://", "postgresql://", 1), timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def run(backend: str, mailboxes: int, queries: int, warmup: int, seed: int, pg: str | None) -> Any:
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        dropper = None
        if backend == "sqlite":
            url = f"sqlite://{Path(tmp) / 'search.sqlite3'}"
        else:
            if not pg:
                raise SystemExit("PostgreSQL: --pg-url or KIOSK_TEST_POSTGRES_URL")
            from tests.dbs import with_database

            name = f"kiosk_bench_search_{os.getpid()}"
            if name == pg.rsplit("/", 1)[-1]:
                raise SystemExit("refusing to use the configured database itself")
            asyncio.run(_pg_admin(pg, f'DROP DATABASE IF EXISTS "{name}"'))
            asyncio.run(_pg_admin(pg, f'CREATE DATABASE "{name}"'))
            url = with_database(pg, name)
            dropper = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        try:
            loaded = load(url, data_dir, mailboxes)
            print(f"loaded: {loaded}", file=sys.stderr)
            measured = asyncio.run(measure(url, data_dir, queries, warmup, seed))
        finally:
            if dropper:
                asyncio.run(_pg_admin(pg or "", dropper))
    return {
        "backend": backend,
        "mailboxes": mailboxes,
        "load": loaded,
        "warmup": warmup,
        **measured,
        "machine": {
            "cpus": os.cpu_count(),
            "load_average": os.getloadavg(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "target_p99_ms": TARGET_P99_MS,
    }


def write(result: dict[str, Any]) -> Path:
    stem = RESULTS / f"{date.today().isoformat()}-search"
    path = stem.with_suffix(".json")
    runs = json.loads(path.read_text()) if path.exists() else {}
    runs[result["backend"]] = result
    path.write_text(json.dumps(runs, indent=1) + "\n")
    lines = [
        "# Subscriber search, per keystroke",
        "",
        "`python -m bench.search --mailboxes N --backend B` (see bench/README.md). Times in ms, "
        f"through `Services.search.subscribers`, limit 20; target p99 ≤ {TARGET_P99_MS:.0f} ms.",
        "",
        "| backend | mailboxes | subscribers | load (wall) | queries | p50 | p90 | p99 | max "
        "| target met | load average at the end |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for backend, r in sorted(runs.items()):
        s = r["summary"]
        report = r["load"]["report"]
        lines.append(
            f"| {backend} | {r['mailboxes']:,} | {report['subscribers']:,} | "
            f"{r['load']['wall_seconds']} s | {s['n']} | {s['median']} | {s['p90']} | "
            f"{s['p99']} | {s['max']} | {'yes' if s['p99'] <= TARGET_P99_MS else 'NO'} | "
            f"{', '.join(f'{x:.1f}' for x in r['machine']['load_average'])} |"
        )
    lines += ["", "By kind of text typed (p50 / p99 / max, ms):", ""]
    for backend, r in sorted(runs.items()):
        parts = [f"{k} {v['median']} / {v['p99']} / {v['max']}" for k, v in r["by_kind"].items()]
        lines.append(f"- {backend}: " + "; ".join(parts))
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mailboxes", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--pg-url", default=os.environ.get("KIOSK_TEST_POSTGRES_URL"))
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    if args.queries < 500:
        parser.error("--queries: at least 500")
    result = run(args.backend, args.mailboxes, args.queries, args.warmup, args.seed, args.pg_url)
    print(
        json.dumps(
            {k: v for k, v in result.items() if k not in ("samples_ms", "queries", "hits")},
            indent=1,
        )
    )
    if not args.no_save:
        print(f"written: {write(result)}", file=sys.stderr)


if __name__ == "__main__":
    main()
