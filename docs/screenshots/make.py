"""The help desk's screenshots for the README: `python -m docs.screenshots.make` from the
repository's root (writes docs/screenshots/desk-*.svg).

An operator's day at 120x40 on a fresh demo database, on the tests' fixed day (25 November 2026,
10:00 in Rome), so the pictures change only when the screens do: three sessions on the same
database (the operator; a lawyer who calls the operator; the administration), each driven with
the snapshot tests' `Driver` (every database call waited for, no animation caught half way).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import DataTable, Input, OptionList, Select  # noqa: E402

from kiosk.clock import FixedClock  # noqa: E402
from kiosk.domain import ordercode  # noqa: E402
from kiosk.domain.model import PaymentMethod  # noqa: E402
from kiosk.factory import build_app  # noqa: E402
from screens.operator.assisted import METHODS  # noqa: E402
from screens.operator.workspace import WorkspaceScreen  # noqa: E402
from tests.app.conftest import CESSATA, SOSPESA, FakeMonotonic, demo_settings  # noqa: E402
from tests.conftest import NOW  # noqa: E402
from tests.fixed_keys import HOME, LAPTOP  # noqa: E402
from tests.snapshots.conftest import ORDER_CODE, _cursor_always_on  # noqa: E402
from tests.snapshots.driver import Driver  # noqa: E402

SIZE = (120, 40)
OPERATOR, OPERATOR_PASSWORD = "operatore.demo", "Sportello2026!"
ADMIN, ADMIN_PASSWORD = "admin.demo", "Amministra2026!"
BODIES = [f"K7Q2X{d}" for d in "456789"]
Part = Callable[[Driver], Awaitable[None]]


async def save(k: Driver, name: str) -> None:
    await k.finish()
    k.app.save_screenshot(f"desk-{name}.svg", str(OUT))
    print(f"wrote docs/screenshots/desk-{name}.svg")


async def to_workspace(k: Driver) -> None:
    """Back to the workspace the way the operator goes: Esc (Fine on a result)."""
    for _ in range(4):
        if isinstance(k.app.screen, WorkspaceScreen):
            return
        if k.app.screen.query("#done"):
            await k.press("#done")
        else:
            await k.keys("escape")
    raise AssertionError(f"not back to the workspace: {k.app.screen}")


async def operator_day(k: Driver) -> None:
    services = await k.app.front_desk.services()
    await services.accounts.request_callback(CESSATA, phone="081 1234567", userid="avv.demo")
    await k.log_in(OPERATOR, OPERATOR_PASSWORD)
    await save(k, "workspace")
    await k.keys(*"avv.d")
    await save(k, "search")
    await k.keys("down", "enter")
    await save(k, "subscriber")

    boxes = k.app.screen.query_one("#mailboxes", DataTable)
    boxes.focus()
    boxes.move_cursor(row=boxes.get_row_index(SOSPESA), animate=False)
    await k.keys("a")
    await save(k, "assisted-quote")
    methods = k.app.screen.query_one("#methods", OptionList)
    methods.focus()
    methods.highlighted = METHODS.index(PaymentMethod.ASSEGNO)
    methods.action_select()
    await k.settle()
    k.fill(cheque_bank="Banca Popolare", cheque_number="0123456789", cheque_drawer="Maria Demo")
    await save(k, "cheque")
    await k.press("#confirm")
    await k.press("#print-receipt")
    await save(k, "receipt")

    for key, name in (("f3", "callbacks"), ("f4", "radar"), ("f5", "takings")):
        await to_workspace(k)
        await k.keys(key)
        if name == "callbacks":
            k.app.screen.query_one("#queue", DataTable).focus()
        if name == "radar":  # an area's boxes expiring within a year, one selected
            k.app.screen.query_one("#area", Select).value = "avvocatinocera.lextel.it"
            await k.settle()
            k.app.screen.query_one("#days", Input).value = "365"
            await k.press("#scan")
            k.app.screen.query_one("#radar", DataTable).focus()
            await k.keys("space")
        await save(k, name)


async def handover(k: Driver) -> None:
    await k.start_session()  # avv.demo, at the kiosk
    await k.press("#call-operator")
    k.fill(userid=OPERATOR, password=OPERATOR_PASSWORD)
    await save(k, "handover-login")
    await k.submit_in("password")
    await save(k, "handover")


async def administration(k: Driver) -> None:
    services = await k.app.front_desk.services()
    for key in (LAPTOP, HOME):
        await services.staff_keys.add(OPERATOR, key, actor=ADMIN)
    await k.log_in(ADMIN, ADMIN_PASSWORD)
    await save(k, "admin-workspace")
    await k.keys("f9")
    staff = k.app.screen.query_one("#staff", DataTable)
    staff.move_cursor(row=staff.get_row_index(OPERATOR), animate=False)
    await k.settle()
    k.app.screen.query_one("#keys", DataTable).focus()
    await save(k, "operators")


def run(part: Part, data_dir: Path, *, reset: bool = False) -> None:
    settings = demo_settings(data_dir, print_command="true")  # a printer that prints nothing
    idle = FakeMonotonic()
    app = build_app(
        settings, clock=FixedClock(NOW), monotonic=idle, idle_poll=3600, reset_demo=reset
    )

    async def pilot(pilot: Pilot[object]) -> None:
        k = Driver(cast(Pilot[None], pilot), idle)
        await k.start()
        await part(k)
        app.exit()

    app.run(headless=True, size=SIZE, auto_pilot=pilot)
    if app.return_code:
        raise SystemExit(f"{part.__name__}: {app._exception!r}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # as in the snapshots: fixed order codes, a steady cursor
    codes = iter([ORDER_CODE, *(ordercode.PREFIX + b + ordercode.check_char(b) for b in BODIES)])
    ordercode.generate = lambda *args, **kwargs: next(codes)
    Input._toggle_cursor = _cursor_always_on  # type: ignore[method-assign]
    with tempfile.TemporaryDirectory() as data_dir:
        for index, part in enumerate((operator_day, handover, administration)):
            run(part, Path(data_dir), reset=index == 0)


if __name__ == "__main__":
    main()
