"""Screens are pushed and popped all day: their title line must survive it.

DESIGN.md reports that in Textual 8.2.8 a `Header` on a pushed screen can raise
NoMatches('HeaderTitle') when the screen is popped (its async title watcher outliving the widget's
children). The orderings tried here did not reproduce it on this machine, but the kiosk does not
depend on Header: each screen draws its own `TitleBar`, a plain Static that watches nothing. These
tests drive the orderings that would expose a watcher outliving its widget.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from screens.widgets.titlebar import TitleBar


class _Pushed(Screen[None]):
    def compose(self) -> ComposeResult:
        yield TitleBar("Rinnovo PEC", "schermata")
        yield Static("corpo")


class _Probe(App[None]):
    async def on_mount(self) -> None:
        await self.push_screen(_Pushed())


async def _retitle_then_pop(app: App[None]) -> None:
    app.title = "nuovo"
    app.pop_screen()


async def _pop_then_retitle(app: App[None]) -> None:
    await app.pop_screen()
    app.title = "nuovo"


async def _subtitle_then_dismiss(app: App[None]) -> None:
    app.screen.sub_title = "x"
    app.screen.dismiss()


async def _twice(app: App[None]) -> None:
    await app.pop_screen()
    await app.push_screen(_Pushed())
    app.sub_title = "di nuovo"
    await app.pop_screen()


@pytest.mark.parametrize(
    "steps", [_retitle_then_pop, _pop_then_retitle, _subtitle_then_dismiss, _twice]
)
async def test_titlebar_survives_push_pop_and_retitle(
    steps: Callable[[App[None]], Awaitable[None]],
) -> None:
    app = _Probe()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await steps(app)
        await pilot.pause(0.2)
        assert app.is_running
    assert app.return_code in (0, None)
