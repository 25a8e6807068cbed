"""One competing process for the concurrency tests.

Opens the database, prints `ready`, waits for a line on stdin (the start signal sent to all
workers at once), does one thing, and prints the outcome as JSON.
Usage: python -m tests.services.concurrency_worker DB_URL ACTION ARG...
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path

from kiosk.clock import FixedClock
from kiosk.domain.model import PaymentMethod
from kiosk.errors import Refusal
from kiosk.services.runtime import open_services
from kiosk.settings import Settings
from tests.conftest import DATA, NOW


async def main(url: str, action: str, args: list[str]) -> None:
    settings = Settings(
        database_url=url,
        refdata_dir=DATA,
        data_dir=Path(tempfile.mkdtemp()),
        password_time_cost=1,
        password_memory_kib=1024,
        test_mode=True,
    )
    async with open_services(settings, FixedClock(NOW)) as services:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        try:
            if action == "prepaid":
                order = await services.renewals.place_order(args[0], args[1], PaymentMethod.PREPAID)
                outcome = {"ok": True, "code": order.code, "balance": order.balance_after_cents}
            elif action == "confirm":
                confirmation = await services.payments.confirm(args[0], int(args[1]), args[2])
                outcome = {"ok": True, "invoice": confirmation.invoice_number}
            else:
                raise SystemExit(f"unknown action {action}")
        except Refusal as exc:
            outcome = {"ok": False, "reason": exc.reason}
    print(json.dumps(outcome), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
