"""Reading what the kiosk shows, for the Pilot behaviour tests.

`shown_text(screen)` is the plain text of every widget that is displayed (its own `display` and
every ancestor's), whether or not it is scrolled into view: what the person at the kiosk can read
on that screen. `screen_dump(app)` is the composited terminal, cell by cell, as plain text: what is
in view right now.

Waiting is on conditions, never on the clock: `settle_all` waits for the workers a step starts
(and the ones those start), `wait_for` lets the app run until a condition holds (timers, the
long-running bank wait). `start_session`, `choose_payment`, `pick_method` and `to_bank` take a
test straight to the step it is about; the steps before are covered by their own tests.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Static

import screens.base
from kiosk.domain.model import PaymentMethod
from kiosk.services.renewal import RenewalService
from kiosk.store.models import Order
from screens.card_payment import CardPaymentScreen
from screens.payment_choice import OFFLINE_MENU, PaymentChoiceScreen
from tests.app.conftest import RENEWABLE, short_workers, workers_done

NBSP = "\u00a0"


def is_shown(widget: Widget) -> bool:
    """Displayed and visible, and so is every container up to its screen."""
    node: Any = widget
    while node is not None and not isinstance(node, Screen):
        if not node.display or not node.visible:
            return False
        node = node.parent
    return True


def render_plain(renderable: Any, width: int = 200) -> str:
    console = Console(
        width=width, file=io.StringIO(), color_system=None, force_terminal=False, record=True
    )
    console.print(renderable)
    return console.export_text()


def plain(widget: Widget) -> str:
    """The plain text a Static, Label or Button shows (rich tables rendered as text)."""
    if isinstance(widget, Button):
        label = widget.label
        return label.plain if isinstance(label, Content | Text) else str(label)
    own_content = isinstance(widget, Static) and type(widget).render is Static.render
    content = widget.content if own_content else None  # type: ignore[attr-defined]
    if isinstance(content, str):
        return Content.from_markup(content).plain if widget._render_markup else content
    if isinstance(content, Text | Content):
        return content.plain
    if content is not None:  # a rich renderable, e.g. a Table
        return render_plain(content)
    rendered = widget.render()
    if isinstance(rendered, Text | Content):
        return rendered.plain
    return render_plain(rendered)


def shown_text(screen: Screen[Any]) -> str:
    """Every displayed Static/Label/Button text of `screen`, one per line."""
    parts = [plain(w) for w in screen.query("*") if isinstance(w, Static | Button) and is_shown(w)]
    return "\n".join(parts)


def squash(text: str) -> str:
    """Whitespace-insensitive form (wrapped lines, non-breaking spaces)."""
    return re.sub(r"\s+", "", text.replace(NBSP, " "))


def screen_dump(app: App[Any]) -> str:
    """The terminal as it is painted now (the current screen and the ones behind it)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=False
    )
    console.print(update)
    return console.export_text(styles=False)


def table_rows(table: DataTable[Any]) -> list[str]:
    """Each row of a DataTable as one line of plain text (cells joined by ' | ')."""
    rows = []
    for index in range(table.row_count):
        cells = table.get_row_at(index)
        rows.append(
            " | ".join(c.plain if isinstance(c, Text) else str(c) for c in cells).replace("\n", " ")
        )
    return rows


def notice(screen: Screen[Any]) -> str:
    """The screen's notice line ('' when hidden)."""
    widget = screen.query_one("#notice", Static)
    return plain(widget) if is_shown(widget) else ""


def field_error(screen: Screen[Any], field: str) -> str:
    label = screen.query_one(f"#{field}-error", Static)
    return plain(label) if is_shown(label) else ""


def fill(screen: Screen[Any], **values: str) -> None:
    """Type values into inputs by id (as a paste would: no key events per character)."""
    for field, value in values.items():
        screen.query_one(f"#{field}", Input).value = value


async def settle_all(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Let handlers run and wait for the workers they start, and for the ones those start.

    Workers of the long-running "bank" group (the card screen following the order) are not
    waited for: use `wait_for` while one of those runs.
    """
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        busy = short_workers(app)
        if busy:
            await workers_done(app, busy)
    await pilot.pause()


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], limit: float = 5.0) -> None:
    """Let the app run until `condition()` holds (for timers and long-running workers)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        assert loop.time() < deadline, "the app did not get there in time"
        await pilot.pause(0.02)


async def press_button(pilot: Pilot[Any], button_id: str, *, wait: bool = True) -> None:
    """Press a button as a user would (the widget's own press), then let workers finish."""
    await pilot.pause()  # what was typed before (Input.Changed) is handled first, as for a person
    button = pilot.app.screen.query_one(f"#{button_id}", Button)
    assert is_shown(button), f"#{button_id} is not on screen"
    assert not button.disabled, f"#{button_id} is disabled"
    button.press()
    if wait:
        await settle_all(pilot)
    else:
        await pilot.pause()


async def click_again(pilot: Pilot[Any], selector: str) -> None:
    """Click a button that was just clicked: Textual ignores a click while the button still
    shows its press (0.2 s), as a person's second click comes after it has faded."""
    button = pilot.app.screen.query_one(selector, Button)
    await wait_for(pilot, lambda: not button.has_class("-active"))
    assert await pilot.click(selector)


def flat(text: str) -> str:
    """Runs of whitespace (and non-breaking spaces) as one space: table cells, wrapped lines."""
    return re.sub(r"\s+", " ", text.replace(NBSP, " ")).strip()


async def start_session(
    pilot: Pilot[Any], userid: str = "avv.demo", password: str = "Rinnovo2026!"
) -> None:
    """Log in through the services and the app's own SessionStarted message (what LoginScreen
    does), for tests whose subject comes after the login screen; lands on the session's first
    screen (the mailboxes for a lawyer, the workspace for the help desk)."""
    from screens.messages import SessionStarted

    app = pilot.app
    services = await app.front_desk.services()  # type: ignore[attr-defined]
    user = await services.auth.login(userid, password)
    app.post_message(SessionStarted(user))
    await settle_all(pilot)
    assert app.screen is app.home  # type: ignore[attr-defined]


# --- the payment journey, from the choice on (after Rinnova → Avanti) -----------------------


async def choose_payment(pilot: Pilot[None], pec: str = RENEWABLE) -> PaymentChoiceScreen:
    """Logged in as avv.demo, on the payment choice for `pec` (as after Rinnova → Avanti)."""
    app = pilot.app
    await start_session(pilot)
    services = await app.front_desk.services()  # type: ignore[attr-defined]
    quote = await services.renewals.quote("avv.demo", pec)
    screen = PaymentChoiceScreen(quote)
    await app.push_screen(screen)
    await settle_all(pilot)
    return screen


async def pick_method(pilot: Pilot[None], method: PaymentMethod) -> None:
    """EFFETTUA VERSAMENTO APPOSITO, then the method from the menu, with the keyboard."""
    await press_button(pilot, "transfer")
    await pilot.press(*["down"] * OFFLINE_MENU.index(method), "enter")
    await settle_all(pilot)


async def to_bank(pilot: Pilot[None]) -> CardPaymentScreen:
    """On the card screen for RENEWABLE, Conferma then COLLEGAMENTO A BANCA."""
    await choose_payment(pilot, RENEWABLE)
    await pick_method(pilot, PaymentMethod.CARTA)
    screen = pilot.app.screen
    assert isinstance(screen, CardPaymentScreen)
    assert not re.search(r"RLM[0-9A-Z]{7}", shown_text(screen))
    assert await Order.all().count() == 0  # nothing before Conferma
    await press_button(pilot, "confirm")
    assert screen.order is not None
    assert f"Ordine {screen.order.code} registrato" in shown_text(screen)
    await press_button(pilot, "bank", wait=False)
    await wait_for(pilot, lambda: "tempo rimasto" in plain(screen.query_one("#status")))
    return screen


def database_answers_in(monkeypatch: pytest.MonkeyPatch, seconds: float | None) -> None:
    """How long placing an order takes. None: quick, and the screens' loading indicator (shown
    after screens.base.BUSY_AFTER) never comes up; else the call takes `seconds` (a busy SQLite,
    PostgreSQL over the network, a loaded host)."""
    if seconds is None:
        monkeypatch.setattr(screens.base, "BUSY_AFTER", 60.0)
        return
    place_order = RenewalService.place_order

    async def slow_place_order(self: RenewalService, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(seconds)
        return await place_order(self, *args, **kwargs)

    monkeypatch.setattr(RenewalService, "place_order", slow_place_order)
