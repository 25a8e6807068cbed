"""kill -9 at random points of the commands that change money and mailboxes: after every kill
the database is consistent (`db check`) and the killed command happened whole or not at all.

One database per backend; at least KILLS processes really killed per backend (a command that
had already finished when its time came does not count), each at a random instant within the
command's usual run time (learned from a run that was left alone). Serial: it runs alone.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from stdnum.it import codicefiscale

from kiosk.services.runtime import open_services
from kiosk.settings import Settings
from tests.cli.helpers import FAST_HASHING, HEADER, NOW_ARG, ROOT, at
from tests.cli.pgdb import dsn, empty_database
from tests.conftest import DATA

KILLS = 50
MAX_RUNS = 160  # a bound on the loop, whatever the machine's speed
LATER = at(timedelta(days=2))  # activation runs after the 24 hours
TOTAL = "18.30"  # convenzione_ordine at Nocera: 15,00 + IVA
TOPUP = "20"

# ≥ 50 kills on each backend: the slow pass (`make test-slow`, run by CI after `make test`)
pytestmark = [pytest.mark.serial, pytest.mark.slow]


class Database:
    """Raw reads of the database under test (never through the program)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite://")) as conn:
                return list(conn.execute(sql))

        async def fetch() -> list[tuple[Any, ...]]:
            conn = await asyncpg.connect(dsn(self.url))
            try:
                return [tuple(r) for r in await conn.fetch(sql)]
            finally:
                await conn.close()

        return asyncio.run(fetch())

    def snapshot(self) -> Counter[str]:
        """What the commands change, counted."""
        counts: Counter[str] = Counter()
        for prefix, sql in (
            ("order", "SELECT status, count(*) FROM renewal_order GROUP BY status"),
            ("entry", "SELECT kind, count(*) FROM prepaid_entry GROUP BY kind"),
            ("audit", "SELECT action, count(*) FROM audit_event GROUP BY action"),
            ("outbox", "SELECT kind, count(*) FROM outbox_email GROUP BY kind"),
        ):
            for key, n in self.rows(sql):
                counts[f"{prefix}:{key}"] = int(n)
        for table in ("payment", "invoice", "subscriber", "mailbox", "prepaid_account"):
            counts[table] = int(self.rows(f"SELECT count(*) FROM {table}")[0][0])
        counts["balance"] = int(self.rows("SELECT sum(balance_cents) FROM prepaid_account")[0][0])
        return +counts

    def expiries_follow_orders(self) -> None:
        """A box's expiry moved exactly when its order was activated (boxes are ordered once)."""
        wrong = self.rows(
            "SELECT o.code FROM renewal_order o JOIN mailbox m ON m.id = o.mailbox_id "
            "WHERE (o.status = 'activated' AND m.expiry_date <> o.next_expiry) "
            "OR (o.status IN ('pending', 'paid') AND m.expiry_date <> o.current_expiry)"
        )
        assert wrong == []


def delta(after: Counter[str], before: Counter[str]) -> dict[str, int]:
    keys = set(after) | set(before)
    return {k: after[k] - before[k] for k in keys if after[k] != before[k]}


async def consistency(url: str, data_dir: Path) -> list[Any]:
    settings = Settings(
        data_dir=data_dir, database_url=url, refdata_dir=DATA, password_time_cost=1,
        password_memory_kib=1024, test_mode=True,
    )  # fmt: skip
    async with open_services(settings) as services:
        return await services.consistency.check()


class Scenario:
    def __init__(self, url: str, tmp_path: Path, seed: int) -> None:
        self.db = Database(url)
        self.tmp_path = tmp_path
        self.rng = random.Random(seed)
        self.files = 0
        base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        self.env = {
            **base, **FAST_HASHING, "KIOSK_DATA_DIR": str(tmp_path / "data"),
            "KIOSK_DATABASE_URL": url, "KIOSK_ALLOW_CLOCK_OVERRIDE": "1", "KIOSK_AS": "admin.demo",
        }  # fmt: skip

    def start(self, args: tuple[str, ...], now: str = NOW_ARG) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--now", now, *args],
            env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def csv(self) -> Path:
        """A provider file of two new lawyers, one renewable box each."""
        rows = []
        for _ in range(2):
            self.files += 1
            n = self.files
            body = f"KLLNVE{n // 28 % 100:02d}A{n % 28 + 1:02d}H501"
            cf = body + codicefiscale.calc_check_digit(body)
            rows.append(
                f"avv.k{n},Avv. Kill {n},{cf},k{n}@example.org,avvocatinocera.lextel.it,"
                f"k{n}@pec.avvocatinocera.it,convenzione_ordine,2020-12-10,2026-12-10"
            )
        path = self.tmp_path / f"caselle-{self.files}.csv"
        path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
        return path

    def choices(self) -> list[tuple[str, tuple[str, ...], str]]:
        """(kind, arguments, clock) of every command that can run now."""
        options: list[tuple[str, tuple[str, ...], str]] = [
            ("import", ("import", "mailboxes", str(self.csv())), NOW_ARG)
        ]
        users = self.db.rows("SELECT userid FROM subscriber WHERE userid LIKE 'avv.k%'")
        if users:
            user = str(self.rng.choice(users)[0])
            ref = f"CRO {self.rng.getrandbits(40):x}"
            options.append(
                (
                    "topup",
                    ("account", "topup", user, "--amount", TOPUP, "--reference", ref),
                    NOW_ARG,
                )
            )
        fresh = self.db.rows(
            "SELECT s.userid, m.address, a.balance_cents FROM mailbox m "
            "JOIN subscriber s ON s.id = m.owner_id "
            "JOIN prepaid_account a ON a.subscriber_id = s.id "
            "WHERE s.userid LIKE 'avv.k%' AND NOT EXISTS "
            "(SELECT 1 FROM renewal_order o WHERE o.mailbox_id = m.id)"
        )
        if fresh:
            user, pec, balance = self.rng.choice(fresh)
            method = "prepaid" if int(balance) >= 1830 else "bonifico"
            options.append(
                (
                    f"order-{method}",
                    ("renewal", "order", str(user), str(pec), "--method", method),
                    NOW_ARG,
                )
            )
        pending = self.db.rows("SELECT code FROM renewal_order WHERE status = 'pending'")
        if pending:
            code = str(self.rng.choice(pending)[0])
            ref = f"CRO {self.rng.getrandbits(40):x}"
            options.append(
                (
                    "confirm",
                    ("payments", "confirm", code, "--amount", TOTAL, "--reference", ref),
                    NOW_ARG,
                )
            )
        if self.db.rows("SELECT count(*) FROM renewal_order WHERE status = 'paid'")[0][0]:
            options.append(("activate", ("activate-due",), LATER))
        return options


def full_or_nothing(kind: str, change: dict[str, int], full: dict[str, dict[str, int]]) -> bool:
    if not change:
        return True
    if kind == "activate":  # one transaction per order: k orders, each whole
        k = change.get("order:activated", 0)
        return k > 0 and change == {
            "order:activated": k, "order:paid": -k, "audit:renewal.activated": k,
            "outbox:renewal": k,  # the "rinnovo effettuato" e-mail, in the same transaction
        }  # fmt: skip
    return kind not in full or change == full[kind]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'kill.sqlite3'}"
        return
    yield from empty_database()


def test_kill_9_at_random_points_leaves_whole_operations_and_a_consistent_database(
    database_url: str, tmp_path: Path
) -> None:
    seed = random.randrange(1 << 30)
    scenario = Scenario(database_url, tmp_path, seed)
    loaded = scenario.start(("db", "load-demo"))
    assert loaded.wait(timeout=120) == 0, loaded.communicate()
    full: dict[str, dict[str, int]] = {}  # what each kind of command does when left alone
    duration: dict[str, float] = {}
    kills, runs, outcomes = 0, 0, Counter[str]()
    while kills < KILLS and runs < MAX_RUNS:
        runs += 1
        kind, args, now = scenario.rng.choice(scenario.choices())
        before = scenario.db.snapshot()
        proc = scenario.start(args, now)
        started = time.monotonic()
        if kind in duration:  # a random instant of its usual run
            # most of a run is the interpreter starting: the kills favour its second half
            time.sleep(duration[kind] * scenario.rng.uniform(0.3, 1.1))
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
        code = proc.wait(timeout=120)
        _out, err = proc.communicate()
        killed = code == -signal.SIGKILL
        if not killed:
            assert code == 0, (kind, args, err)
            duration.setdefault(kind, time.monotonic() - started)
        change = delta(scenario.db.snapshot(), before)
        if not killed and kind != "activate":
            full.setdefault(kind, change)
        assert full_or_nothing(kind, change, full), (seed, kind, args, change, full.get(kind))
        outcomes[f"{kind}:{'killed' if killed else 'ran'}:{'done' if change else 'none'}"] += 1
        scenario.db.expiries_follow_orders()
        problems = asyncio.run(consistency(database_url, tmp_path / "checker"))
        assert problems == [], (seed, kind, args, problems)
    print(f"seed {seed}: {kills} kills in {runs} runs; {sorted(outcomes.items())}")
    assert kills >= KILLS, (seed, runs, outcomes)
