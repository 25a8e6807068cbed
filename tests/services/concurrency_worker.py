"""One competing process for the concurrency tests.

Each worker is a process of its own with its own database connection: it opens the database,
says it is ready, waits for the start signal given to all workers at once, does one thing and
reports the outcome. The processes are forked from a server that imported this module once
(multiprocessing's forkserver, `race`), so eight of them start in milliseconds instead of
importing the kiosk eight times over (~1 s of CPU each): they race on the database just the same.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import tempfile
import traceback
from multiprocessing.context import ForkServerContext
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from kiosk.clock import FixedClock
from kiosk.domain.model import PaymentMethod
from kiosk.errors import Refusal
from kiosk.services.runtime import open_services
from kiosk.settings import Settings
from tests.conftest import DATA, NOW

START_TIMEOUT = 60.0  # seconds for every worker to open the database (a loaded machine)
RUN_TIMEOUT = 120.0


async def _compete(url: str, job: list[str], ready: Queue[Any], go: Event) -> dict[str, object]:
    action, args = job[0], job[1:]
    settings = Settings(
        database_url=url,
        refdata_dir=DATA,
        data_dir=Path(tempfile.mkdtemp()),
        password_time_cost=1,
        password_memory_kib=1024,
        test_mode=True,
    )
    async with open_services(settings, FixedClock(NOW)) as services:
        ready.put("ready")
        await asyncio.to_thread(go.wait, RUN_TIMEOUT)
        try:
            if action == "prepaid":
                order = await services.renewals.place_order(args[0], args[1], PaymentMethod.PREPAID)
                return {"ok": True, "code": order.code, "balance": order.balance_after_cents}
            if action == "confirm":
                confirmation = await services.payments.confirm(args[0], int(args[1]), args[2])
                return {"ok": True, "invoice": confirmation.invoice_number}
            raise ValueError(f"unknown action {action}")
        except Refusal as exc:
            return {"ok": False, "reason": exc.reason}


def compete(
    index: int, url: str, job: list[str], ready: Queue[Any], go: Event, results: Queue[Any]
) -> None:
    """The body of one worker process: its outcome, or its traceback, goes to `results`."""
    try:
        results.put((index, asyncio.run(_compete(url, job, ready, go)), None))
    except BaseException:  # the test shows it; a worker must never die silently
        ready.put("failed")
        results.put((index, None, traceback.format_exc()))


def _context() -> ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    # the server imports the kiosk (and the test runner's main module) once; every worker is a
    # fork of it, with nothing to import
    context.set_forkserver_preload(["__main__", __name__])
    return context


def race(url: str, jobs: list[list[str]]) -> list[dict[str, object]]:
    """One process per job, released together once all have opened the database; their
    outcomes in the order of `jobs`."""
    context = _context()
    ready: Queue[Any] = context.Queue()
    results: Queue[Any] = context.Queue()
    go = context.Event()
    procs = [
        context.Process(target=compete, args=(i, url, job, ready, go, results), daemon=True)
        for i, job in enumerate(jobs)
    ]
    for p in procs:
        p.start()
    try:
        for _ in procs:
            assert ready.get(timeout=START_TIMEOUT) == "ready", _failures(results)
        go.set()  # the start signal, to every worker at the same instant
        outcomes: dict[int, dict[str, object]] = {}
        for _ in procs:
            index, outcome, error = results.get(timeout=RUN_TIMEOUT)
            assert error is None, error
            outcomes[index] = outcome
        for p in procs:
            p.join(timeout=RUN_TIMEOUT)
            assert p.exitcode == 0, p.exitcode
        return [outcomes[i] for i in range(len(jobs))]
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()


def _failures(results: Queue[Any]) -> str:
    errors = []
    while not results.empty():
        _index, _outcome, error = results.get()
        errors.append(str(error))
    return "\n".join(errors)
