"""The operator workspace under Pilot: the operator logs in and lands on Cerca, types, sees the
results in one table, opens one with Enter; errors in one place; sections by role; Esci."""

from __future__ import annotations

import sys
import types
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from kiosk.app import KioskApp
from kiosk.domain.search import MAX_QUERY
from kiosk.errors import Reason, Refusal
from kiosk.services.search import SearchService
from screens.operator import sections
from screens.operator.sections import Section
from screens.operator.workspace import WorkspaceScreen
from screens.welcome import WelcomeScreen
from tests.app.conftest import ROSSI, log_in, running, settle
from tests.app.helpers import field_error, flat, notice, screen_dump, table_rows

SIZES = [(80, 24), (120, 40)]
OPERATOR = ("operatore.demo", "Sportello2026!")
ADMIN = ("admin.demo", "Amministra2026!")


async def type_text(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


def status(screen: Screen[Any]) -> str:
    return flat(str(screen.query_one("#status", Static).render()))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_operator_lands_on_cerca_and_finds_as_typing(
    make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with running(app, size=size) as pilot:
        await log_in(pilot, *OPERATOR)
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen)
        search = screen.query_one("#search", Input)
        assert app.focused is search
        top = screen_dump(app)
        assert "Cerca" in top and "Sportello" in top
        await type_text(pilot, "r")  # one character: nothing yet
        assert not screen.hits
        assert "almeno 2 caratteri" in status(screen)
        await type_text(pilot, "ossi")
        assert [h.userid for h in screen.hits] == ["avv.rossi"]
        rows = table_rows(screen.query_one("#results", DataTable))
        assert len(rows) == 1 and "Avv. Giuseppe Rossi" in rows[0] and ROSSI in rows[0]
        assert "1 iscritto trovato" in status(screen)
        assert app.focused is search  # the keys stayed in the field
        assert "avv.rossi" in screen_dump(app)


async def test_accents_codice_fiscale_and_no_result(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot, *ADMIN)
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen)
        await type_text(pilot, "DMEMRA")
        assert [h.userid for h in screen.hits] == ["avv.demo"]
        screen.query_one("#search", Input).value = ""
        await type_text(pilot, "MARIÀ")
        assert [h.userid for h in screen.hits] == ["avv.demo"]
        screen.query_one("#search", Input).value = ""
        await type_text(pilot, "zzzz")
        assert not screen.hits
        assert "Nessun iscritto trovato" in status(screen)


async def test_enter_opens_the_subscriber_page(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enter in Cerca (or on a row) pushes SubscriberScreen(userid), found by its name."""
    opened: list[str] = []

    class SubscriberScreen(Screen[None]):
        def __init__(self, userid: str) -> None:
            super().__init__()
            opened.append(userid)

    fake = types.ModuleType("screens.operator.subscriber")
    fake.SubscriberScreen = SubscriberScreen  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "screens.operator.subscriber", fake)
    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot, *OPERATOR)
        await type_text(pilot, "avv.")
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen)
        assert [h.userid for h in workspace.hits] == ["avv.demo", "avv.rossi"]
        await pilot.press("down")  # from the field to the results
        assert app.focused is workspace.query_one("#results")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert opened == ["avv.rossi"]
        assert isinstance(app.screen, SubscriberScreen)
        app.pop_screen()
        await pilot.pause()
        back: Screen[Any] = app.screen
        assert back is workspace
        workspace.query_one("#search", Input).focus()
        await pilot.press("enter")  # in the field: the highlighted row
        await pilot.pause()
        assert opened == ["avv.rossi", "avv.rossi"]


async def test_without_the_subscriber_page_a_notice(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "screens.operator.workspace.SUBSCRIBER_SCREEN", "screens.operator.nonexistent:Nothing"
    )
    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot, *OPERATOR)
        await type_text(pilot, "rossi")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
        assert "non è ancora disponibile" in notice(app.screen)


async def test_errors_in_one_place_and_typing_never_waits(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(self: SearchService, *args: Any, **kwargs: Any) -> Any:
        raise Refusal(Reason.NOT_OPERATOR, "operatore.demo non è un operatore dello sportello.")

    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot, *OPERATOR)
        screen = app.screen
        assert isinstance(screen, WorkspaceScreen)
        search = screen.query_one("#search", Input)
        search.value = "r" * (MAX_QUERY - 2)
        search.cursor_position = len(search.value)
        await type_text(pilot, "rrrr")  # typed past the field's limit: said beside the field
        assert search.value == "r" * MAX_QUERY
        assert "Al massimo 254 caratteri" in field_error(screen, "search")
        search.value = ""
        monkeypatch.setattr(SearchService, "for_operator", refuse)
        await type_text(pilot, "rossi")
        assert "non è un operatore" in notice(screen)
        assert not screen.query_one("#panel").disabled  # the panel never goes busy


async def test_subscribers_land_on_their_mailboxes(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot)
        assert not isinstance(app.screen, WorkspaceScreen)
        assert type(app.screen).__name__ == "MailboxesScreen"


async def test_sections_by_role_and_esci(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Callbacks(Screen[None]):
        pass

    target = types.ModuleType("screens.operator.fake_sections")
    target.Callbacks = Callbacks  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "screens.operator.fake_sections", target)
    monkeypatch.setattr(
        sections,
        "SECTIONS",
        (
            Section("f3", "Richiamate", "screens.operator.fake_sections:Callbacks"),
            Section("f9", "Operatori", "screens.operator.fake_sections:Callbacks", True),
        ),
    )
    monkeypatch.setattr("screens.operator.workspace.SECTIONS", sections.SECTIONS)
    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot, *OPERATOR)
        footer = screen_dump(app).splitlines()[-1]
        assert "Richiamate" in footer and "Operatori" not in footer and "Esci" in footer
        await pilot.press("f9")  # not the operator's
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, Callbacks)
        app.pop_screen()
        await pilot.pause()
        await pilot.press("escape")  # an empty search: Esci asks first
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await log_in(pilot, *ADMIN)
        footer = screen_dump(app).splitlines()[-1]
        assert "Richiamate" in footer and "Operatori" in footer


async def test_escape_empties_the_search_first(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await log_in(pilot, *OPERATOR)
        screen = app.screen
        await type_text(pilot, "rossi")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#search", Input).value == ""
        assert screen.query_one("#results", DataTable).row_count == 0
