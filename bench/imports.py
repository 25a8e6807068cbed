"""`pec-kiosk import mailboxes` on a large provider file: time, peak memory, and how long a
kiosk login waits meanwhile.

A realistic file of N rows (`generate`): about 0.7 subscribers a row (one to three boxes each,
on the three areas and the three families, both date formats, a few empty areas), valid codici
fiscali, Windows-1252 with `;` as a spreadsheet saves it. For each backend (SQLite; PostgreSQL
when `--pg-url` or KIOSK_TEST_POSTGRES_URL names a server) on a new database: the real CLI in a
subprocess imports it (first import), then again (re-import: nothing changes). Wall time and the
child's peak RSS (`wait4`). During the first import a kiosk worker in this process logs in every
50 ms (a real `auth.login`: the throttle's write transaction, the look-ups, a cheap argon2) and
each login's time is kept: the longest is how long a lawyer at the kiosk would wait.

    python -m bench.imports --rows 100000                 # JSON on stdout
    python -m bench.imports --rows 100000 --write-file /tmp/caselle.csv   # the file only
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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
NOW = "2026-11-25T10:00:00+01:00"
HASHING = {
    "KIOSK_PASSWORD_TIME_COST": "1",
    "KIOSK_PASSWORD_MEMORY_KIB": "1024",
    "KIOSK_TEST_MODE": "1",
}
ADMIN, ADMIN_PASSWORD = "admin.bench", "Amministra2026!"
NAMES = ("Mario", "Lucia", "Giuseppe", "Anna", "Paolo", "Chiara", "Nicolò", "Francesca", "Luca")
SURNAMES = ("Rossi", "Bianchi", "Esposito", "Romano", "Colombo", "Ricci", "D'Angelo", "Marino")
AREAS = {  # area -> family -> domain (None: legalmail.it)
    "": {"legalmail": None, "dominio_convenzione": "pec.studilegaliassociati.it"},
    "avvocatinocera.lextel.it": {
        "legalmail": None,
        "convenzione_ordine": "pec.avvocatinocera.it",
        "dominio_convenzione": "avvocatinocera.legalmail.it",
    },
    "avvocatisalerno.lextel.it": {
        "legalmail": None,
        "convenzione_ordine": "pec.ordineavvocatisalerno.it",
        "dominio_convenzione": "avvocatisalerno.legalmail.it",
    },
}
MONTHS = "ABCDEHLMPRST"


def codice_fiscale(i: int, rng: random.Random) -> str:
    """A valid codice fiscale, unique for each `i` (its letters count `i` in base 26)."""
    from stdnum.it.codicefiscale import calc_check_digit

    letters = ""
    n = i
    for _ in range(6):
        letters += chr(ord("A") + n % 26)
        n //= 26
    body = (
        f"{letters}{rng.randint(40, 99):02d}{rng.choice(MONTHS)}"
        f"{rng.randint(1, 28) + rng.choice((0, 40)):02d}H{rng.randint(100, 999)}"
    )
    return body + calc_check_digit(body)


def generate(path: Path, rows: int, seed: int = 7) -> int:
    """The provider file of `rows` boxes; returns the number of subscribers in it."""
    rng = random.Random(seed)
    header = (
        "userid;nominativo;codice_fiscale;email;area;pec;famiglia;data_attivazione;data_scadenza"
    )
    written = subscriber = 0
    with path.open("w", encoding="cp1252", newline="") as out:
        out.write(header + "\r\n")
        while written < rows:
            name, surname = rng.choice(NAMES), rng.choice(SURNAMES)
            base = f"{name}.{surname}".lower().replace("'", "").replace("ò", "o")
            userid = f"{base}.{subscriber}"
            area = rng.choice(list(AREAS))
            person = (
                f"{userid};Avv. {name} {surname};{codice_fiscale(subscriber, rng)};"
                f"{userid}@example.org;{area}"
            )
            for box in range(min(rows - written, rng.choice((1, 1, 1, 2, 2, 3)))):
                family, domain = rng.choice(list(AREAS[area].items()))
                pec = f"{userid}.{box}@{domain or 'legalmail.it'}"
                anchor = date(rng.randint(2012, 2026), rng.randint(1, 12), rng.randint(1, 28))
                expiry = anchor.replace(year=max(2025, anchor.year + 1) + rng.randint(0, 1))
                first = anchor.isoformat() if rng.random() < 0.5 else anchor.strftime("%d/%m/%Y")
                out.write(f"{person};{pec};{family};{first};{expiry.isoformat()}\r\n")
                written += 1
            subscriber += 1
    return subscriber


def _env(url: str, data_dir: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return {
        **base,
        **HASHING,
        "KIOSK_DATABASE_URL": url,
        "KIOSK_DATA_DIR": str(data_dir),
        "KIOSK_ALLOW_CLOCK_OVERRIDE": "1",
        "KIOSK_AS": ADMIN,
    }


def cli(env: dict[str, str], *args: str) -> tuple[float, int, str, float]:
    """Run `pec-kiosk --now NOW ARGS`: (seconds, peak RSS in KiB, stdout, CPU seconds)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--now", NOW, *args],
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        _pid, status, usage = os.wait4(proc.pid, 0)  # the child's own peak RSS
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"pec-kiosk {' '.join(args)}: {err.read().decode()[-2000:]}")
        cpu = usage.ru_utime + usage.ru_stime  # the wall time less the waits for a loaded CPU
        return seconds, usage.ru_maxrss, out.read().decode(), cpu


async def _logins(url: str, data_dir: Path, stop: asyncio.Event) -> list[float]:
    """A kiosk worker logging in every 50 ms until `stop`: each login's seconds."""
    from kiosk.clock import FixedClock, parse_now
    from kiosk.services.runtime import open_services
    from kiosk.settings import Settings

    settings = Settings(
        database_url=url,
        data_dir=data_dir,
        password_time_cost=1,
        password_memory_kib=1024,
        test_mode=True,
    )
    times: list[float] = []
    async with open_services(settings, FixedClock(parse_now(NOW))) as services:
        while not stop.is_set():
            started = time.perf_counter()
            await services.auth.login(ADMIN, ADMIN_PASSWORD, terminal="bench")
            times.append(time.perf_counter() - started)
            await asyncio.sleep(0.05)
    return times


async def _import_with_logins(env: dict[str, str], url: str, data_dir: Path, path: Path) -> Any:
    stop = asyncio.Event()
    worker = asyncio.create_task(_logins(url, data_dir, stop))
    await asyncio.sleep(0.5)  # the worker's database is open and it is logging in
    result = await asyncio.to_thread(cli, env, "import", "mailboxes", str(path), "--json")
    stop.set()
    return result, await worker


def bench_backend(url: str, path: Path, rows: int) -> dict[str, Any]:
    load_at_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        env = _env(url, data_dir)
        cli(env, "users", "add", ADMIN, "--role", "admin", "--name", "Anna Bench",
            "--cf", "BNCNNA85M50A509D", "--email", "bench@example.org",
            "--password", ADMIN_PASSWORD)  # fmt: skip
        (first_s, first_kib, first_out, first_cpu), logins = asyncio.run(
            _import_with_logins(env, url, data_dir, path)
        )
        again_s, again_kib, again_out, again_cpu = cli(
            env, "import", "mailboxes", str(path), "--json"
        )
        first, again = json.loads(first_out), json.loads(again_out)
        return {
            "rows": rows,
            "first": {
                "seconds": first_s,
                "cpu_seconds": first_cpu,
                "peak_rss_mib": first_kib / 1024,
                "report": {k: v for k, v in first.items() if not isinstance(v, list)},
            },
            "reimport": {
                "seconds": again_s,
                "cpu_seconds": again_cpu,
                "peak_rss_mib": again_kib / 1024,
                "report": {k: v for k, v in again.items() if not isinstance(v, list)},
            },
            "login_during_import_ms": summarize([t * 1000 for t in logins]),
            "load_average_at_start": load_at_start,
            "load_average": os.getloadavg(),
        }


def _fresh_postgres(url: str) -> str:
    """A new database `bench_imports` on the server of `url`."""
    import asyncpg

    async def make() -> None:
        conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
        try:
            await conn.execute("DROP DATABASE IF EXISTS bench_imports")
            await conn.execute("CREATE DATABASE bench_imports")
        finally:
            await conn.close()

    asyncio.run(make())
    return url.rsplit("/", 1)[0] + "/bench_imports"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg-url", default=os.environ.get("KIOSK_TEST_POSTGRES_URL"))
    parser.add_argument("--write-file", type=Path, default=None)
    parser.add_argument("--only", default="sqlite,postgres")
    args = parser.parse_args()
    if args.write_file:
        generate(args.write_file, args.rows)
        return
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "caselle.csv"
        started = time.perf_counter()
        subscribers = generate(path, args.rows)
        results["file"] = {
            "rows": args.rows,
            "subscribers": subscribers,
            "bytes": path.stat().st_size,
            "generated_in_s": time.perf_counter() - started,
        }
        if "sqlite" in args.only:
            results["sqlite"] = bench_backend(f"sqlite://{tmp}/bench.sqlite3", path, args.rows)
        if "postgres" in args.only and args.pg_url:
            results["postgres"] = bench_backend(_fresh_postgres(args.pg_url), path, args.rows)
    json.dump(results, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
