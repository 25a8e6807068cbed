"""Reading what the kiosk shows, for the Pilot behaviour tests.

`shown_text(screen)` is the plain text of every widget that is displayed (its own `display` and
every ancestor's), whether or not it is scrolled into view: what the person at the kiosk can read
on that screen. `screen_dump(app)` is the composited terminal, cell by cell, as plain text: what is
in view right now.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Static


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
    content = widget.content if isinstance(widget, Static) else None
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
    parts = [
        plain(w) for w in screen.query("*") if isinstance(w, Static | Button) and is_shown(w)
    ]
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
        busy = [w for w in app.workers if w.group != "bank" and not w.is_finished]
        if busy:
            await app.workers.wait_for_complete(busy)
    await pilot.pause()


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds (for timers and long-running workers)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out waiting for the app"
        await pilot.pause(0.02)


async def press_button(pilot: Pilot[Any], button_id: str, *, wait: bool = True) -> None:
    """Press a button as a user would (the widget's own press), then let workers finish."""
    button = pilot.app.screen.query_one(f"#{button_id}", Button)
    assert is_shown(button), f"#{button_id} is not on screen"
    assert not button.disabled, f"#{button_id} is disabled"
    button.press()
    if wait:
        await settle_all(pilot)
    else:
        await pilot.pause()
