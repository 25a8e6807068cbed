"""The help desk's queue screens under Pilot, at 80x24 and 120x40, with an operator's session:
Richiamate (take, note, close), Scadenze (sort, select, reminders, assisted renewal), Incassi."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from kiosk.store.models import OutboxEmail
from screens.confirm import ConfirmScreen
from screens.messages import SessionStarted
from screens.operator.callbacks import CallbackQueueScreen
from screens.operator.radar import ExpiryRadarScreen
from screens.operator.sections import SECTIONS
from screens.operator.takings import TakingsScreen
from tests.app.conftest import CESSATA, RENEWABLE, TOO_EARLY, running, settle
from tests.app.helpers import click_again

OPERATOR, PASSWORD = "operatore.demo", "Sportello2026!"
SIZES = [(80, 24), (120, 40)]


async def as_operator(pilot: Pilot[None], screen: Any) -> Any:
    app = pilot.app
    assert isinstance(app, KioskApp)
    services = await app.front_desk.services()
    user = await services.auth.login(OPERATOR, PASSWORD)
    app.post_message(SessionStarted(user))
    await settle(pilot)
    await app.push_screen(screen)
    await settle(pilot)
    return app.screen


def notice(app: Any) -> str:
    return str(app.screen.query_one("#notice", Static).render())


def test_sections_are_registered() -> None:
    ours = [(s.key, s.label) for s in SECTIONS if s.key in ("f3", "f4", "f5")]
    assert ours == [("f3", "Richiamate"), ("f4", "Scadenze"), ("f5", "Incassi")]
    keys = [s.key for s in SECTIONS]
    assert len(keys) == len(set(keys))  # one key, one section
    assert all(type(s.build()).__name__.endswith("Screen") for s in SECTIONS)


@pytest.mark.parametrize("size", SIZES)
async def test_callbacks_take_note_close(make_app: Callable[..., KioskApp], size: Any) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        screen = await as_operator(pilot, CallbackQueueScreen())
        table = screen.query_one("#queue", DataTable)
        assert table.row_count == 1 and CESSATA in str(screen.query_one("#detail").render())
        table.focus()
        await pilot.press("t")
        await settle(pilot)
        assert screen.current.taken_by == OPERATOR
        assert "presa in carico" in notice(app)
        screen.query_one("#text", Input).value = "Non risponde"
        await pilot.click("#note")
        await settle(pilot)
        assert [n.text for n in screen.current.notes] == ["Non risponde"]
        await pilot.click("#close")  # no outcome typed: said beside the field
        await settle(pilot)
        assert "esito" in str(screen.query_one("#text-error").render())
        screen.query_one("#text", Input).value = "Rinnovata dal Supporto Vendite"
        await click_again(pilot, "#close")
        await settle(pilot)
        assert "chiusa" in notice(app)
        assert table.row_count == 0  # the queue is empty now
        table.focus()
        await pilot.press("f", "f", "f")
        await settle(pilot)
        assert screen.filter == "closed" and table.row_count == 1
        assert app.return_code is None


@pytest.mark.parametrize("size", SIZES)
async def test_radar_sort_select_and_remind(make_app: Callable[..., KioskApp], size: Any) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        screen = await as_operator(pilot, ExpiryRadarScreen())
        screen.query_one("#area").value = "avvocatinocera.lextel.it"
        screen.query_one("#days", Input).value = "365"
        await pilot.click("#scan")
        await settle(pilot)
        assert [r.pec for r in screen.radar.rows] == [RENEWABLE, TOO_EARLY]
        table = screen.query_one("#radar", DataTable)
        table.focus()
        await pilot.press("o")
        await settle(pilot)
        assert screen.radar.sort == "name"
        await pilot.press("space")
        assert screen.selected == {RENEWABLE}
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.click("#yes")
        await settle(pilot)
        assert "Promemoria accodati: 1" in notice(app)
        assert screen.selected == set()
        services = await app.front_desk.services()
        assert services  # the e-mail is in the outbox once
        assert await OutboxEmail.filter(template="expiry_reminder").count() == 1
        await pilot.press("space", "m")
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)
        assert "Già inviati oggi: 1" in notice(app)
        assert await OutboxEmail.filter(template="expiry_reminder").count() == 1


async def test_radar_bad_days_and_missing_assisted_screen(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.operator import radar

    monkeypatch.setattr(radar, "ASSISTED", "screens.operator.nessuno:Manca")
    app = make_app()
    async with running(app) as pilot:
        screen = await as_operator(pilot, ExpiryRadarScreen())
        screen.query_one("#days", Input).value = "400"
        await pilot.click("#scan")
        await settle(pilot)
        assert "365" in str(screen.query_one("#days-error").render())
        screen.query_one("#area").value = "avvocatinocera.lextel.it"
        screen.query_one("#days", Input).value = "30"
        await click_again(pilot, "#scan")
        await settle(pilot)
        screen.query_one("#radar", DataTable).focus()
        await pilot.press("a")
        await settle(pilot)
        assert "non è disponibile" in notice(app)
        assert app.screen is screen


async def test_radar_pushes_the_assisted_renewal(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.screen import Screen

    from screens.operator import radar

    made: list[tuple[str, str]] = []

    class Assisted(Screen[None]):
        def __init__(self, userid: str, pec: str) -> None:
            super().__init__()
            made.append((userid, pec))

    monkeypatch.setattr(radar, "assisted_screen", lambda u, p: Assisted(u, p))
    app = make_app()
    async with running(app) as pilot:
        screen = await as_operator(pilot, ExpiryRadarScreen())
        screen.query_one("#area").value = "avvocatinocera.lextel.it"
        await pilot.click("#scan")
        await settle(pilot)
        screen.query_one("#radar", DataTable).focus()
        await pilot.press("a")
        await pilot.pause()
        assert made == [("avv.demo", RENEWABLE)] and isinstance(app.screen, Assisted)


@pytest.mark.parametrize("size", SIZES)
async def test_takings_today_and_pdf(make_app: Callable[..., KioskApp], size: Any) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        services = await app.front_desk.services()
        order = await services.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.PREPAID)
        screen = await as_operator(pilot, TakingsScreen())
        assert screen.takings.total_cents == order.total_cents
        assert "25/11/2026" in str(screen.query_one("#total").render())
        assert screen.query_one("#methods", DataTable).row_count == 1
        await pilot.click("#save")
        await settle(pilot)
        assert "incassi-2026-11-25.pdf" in notice(app)
        screen.query_one("#day", Input).value = "24/11/2026"
        await pilot.click("#show")
        await settle(pilot)
        assert screen.takings.total_cents == 0
        screen.query_one("#day", Input).value = "31/02/2026"
        await click_again(pilot, "#show")
        await settle(pilot)
        assert "inesistente" in str(screen.query_one("#day-error").render())
        await pilot.click("#print")
        await settle(pilot)
        assert app.return_code is None
