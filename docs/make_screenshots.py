"""Make the README's screenshots: `python docs/make_screenshots.py` (writes docs/screenshots/*.svg).

One walk through the kiosk on a fresh demo database, on the same fixed day as the tests
(25 November 2026, 10:00 in Rome), so the pictures change only when the screens do: welcome,
mailboxes, the quote, the payment choice (80x24, the kiosk's own size), then the bonifico after
Conferma at 120x40 (the QR code beside the instructions) and the result.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Button, DataTable, Input, OptionList  # noqa: E402
from textual.worker import WorkerFailed  # noqa: E402

from kiosk.app import KioskApp  # noqa: E402
from kiosk.clock import ROME, FixedClock  # noqa: E402
from kiosk.domain import ordercode  # noqa: E402
from kiosk.factory import build_app  # noqa: E402
from kiosk.settings import Settings  # noqa: E402

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ROME)
RENEWABLE = "maria.demo@pec.avvocatinocera.it"
SMALL, LARGE = (80, 24), (120, 40)


async def settle(pilot: Pilot[None]) -> None:
    """Workers done, nothing loading, input blinks frozen, the screen repainted."""
    app = pilot.app
    for _ in range(500):
        await pilot.pause(0)
        with contextlib.suppress(WorkerFailed):
            calls = [w for w in app.workers if w.group not in ("database", "bank")]
            if calls:
                await app.workers.wait_for_complete(calls)
        panel = app.screen.query("#panel")
        if not any(p.loading or p.disabled for p in panel):
            break
        await asyncio.sleep(0.01)
    for field in app.screen.query(Input):
        field.cursor_blink = False
    if app.screen.focused is not None:  # fully in view, whatever the timing of focus_soon
        app.screen.focused.scroll_visible(animate=False)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def press(pilot: Pilot[None], selector: str) -> None:
    button = pilot.app.screen.query_one(selector, Button)
    button.active_effect_duration = 0  # no "pressed" flash in the picture
    button.press()
    await settle(pilot)


def save(app: KioskApp, name: str) -> None:
    path = OUT / f"{name}.svg"
    path.write_text(app.export_screenshot(title="pec-kiosk"), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


async def walk(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, KioskApp)
    await app.front_desk.services()
    await settle(pilot)
    save(app, "welcome")

    await press(pilot, "#login")
    app.screen.query_one("#userid", Input).value = "avv.demo"
    password = app.screen.query_one("#password", Input)
    password.value = "Rinnovo2026!"
    password.focus()
    await password.action_submit()
    await settle(pilot)
    save(app, "mailboxes")

    table = app.screen.query_one("#boxes", DataTable)
    rows = [box.address for box in app.screen.account.mailboxes]  # type: ignore[attr-defined]
    table.focus()
    table.move_cursor(row=rows.index(RENEWABLE), animate=False)
    table.action_select_cursor()
    await settle(pilot)
    await pilot.resize_terminal(*LARGE)  # the fields and the quote on one screen
    await press(pilot, "#lookup")
    save(app, "renewal-quote")
    await pilot.resize_terminal(*SMALL)

    await press(pilot, "#pay")
    save(app, "payment-choice")

    await press(pilot, "#transfer")
    methods = app.screen.query_one("#methods", OptionList)
    methods.highlighted = [option.id for option in methods.options].index("bonifico")
    methods.action_select()
    await settle(pilot)
    await pilot.resize_terminal(*LARGE)
    await settle(pilot)
    await press(pilot, "#confirm")
    save(app, "bonifico")

    await pilot.resize_terminal(*SMALL)
    await press(pilot, "#next")
    save(app, "result")
    app.exit()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # the order code is random: a seeded one keeps the pictures the same from run to run
    ordercode.generate = functools.partial(ordercode.generate, random.Random(2026).choice)
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            data_dir=Path(data_dir), demo=True, refdata_dir=ROOT / "data", lang="it"
        )
        app = build_app(settings, clock=FixedClock(NOW), reset_demo=True)
        app.run(headless=True, size=SMALL, auto_pilot=walk)
    if app.return_code:
        raise SystemExit(app.return_code)


if __name__ == "__main__":
    main()
