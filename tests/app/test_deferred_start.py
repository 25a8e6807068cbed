"""The kiosk as the CLI starts it: painted from the settings' preview, validated right after."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from kiosk.app import KioskApp
from kiosk.boot import preview
from kiosk.factory import build_deferred
from kiosk.services.port import Link
from kiosk.services.runtime import ServiceHandle
from screens.login import LoginScreen
from screens.mailboxes import MailboxesScreen
from screens.welcome import WelcomeScreen
from screens.widgets.link_banner import LinkBanner
from tests.app.conftest import short_workers
from tests.app.helpers import press_button, settle_all, wait_for
from tests.bank import free_port
from tests.conftest import CHEAP_HASHING, DATA, NOW


def overrides(data_dir: Path, **more: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "demo": True,
        "refdata_dir": DATA,
        "now": NOW,
        **CHEAP_HASHING,
        "serve_port": free_port(),
        "serve_scheduler": False,
    }
    values.update(more)
    return values


async def test_the_welcome_is_drawn_before_the_settings_then_the_database_opens(
    data_dir: Path,
) -> None:
    given = overrides(data_dir)
    first = preview(given)
    assert first is not None
    app = build_deferred(first, given)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        demo = app.screen.query_one("#demo")  # the demo logins, from the preview's facts
        assert any("avv.demo" in str(s.render()) for s in demo.query("Static"))
        await asyncio.wait_for(app.front_desk.ready(), 10)
        assert app.settings.data_dir == data_dir
        assert app.front_desk.rules.card_wait_seconds == app.settings.card_wait_seconds
        services = await app.front_desk.services()
        assert (await services.accounts.overview("avv.demo")).userid == "avv.demo"
        await pilot.pause()
    await app.front_desk.close()


async def test_bad_settings_end_the_kiosk_with_exit_2_and_say_why(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    given = overrides(data_dir, test_mode=False)  # 1 MiB argon2id: too weak outside the suite
    first = preview(given)
    assert first is not None
    app = build_deferred(first, given)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(100):
            if app.return_code is not None:
                break
            await pilot.pause(0.05)
    assert app.return_code == 2
    said = " ".join(capsys.readouterr().err.split())  # printed as the app ends
    assert "Errore: impostazioni non valide: parametri di hashing delle password" in said
    assert "Traceback" not in said


class SlowFirstOpen:
    """`ServiceHandle.connect` held until the test opens the gate (a demo being built on a
    loaded machine), and failing once if asked (a database not there yet)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, fail_first: bool = False) -> None:
        self.gate = asyncio.Event()
        self.fail_first = fail_first
        original = ServiceHandle.connect

        async def connect(handle: ServiceHandle) -> Any:
            await self.gate.wait()
            if self.fail_first:
                self.fail_first = False
                raise ConnectionRefusedError("not yet")
            return await original(handle)

        monkeypatch.setattr(ServiceHandle, "connect", connect)


async def submit_login(pilot: Any) -> None:
    app = pilot.app
    await pilot.click("#login")
    await settle_all(pilot)
    app.screen.query_one("#userid", Input).value = "avv.demo"
    app.screen.query_one("#password", Input).value = "Rinnovo2026!"
    await press_button(pilot, "submit", wait=False)


async def test_a_login_sent_while_the_database_opens_goes_through_when_it_is_open(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowFirstOpen(monkeypatch)
    app = make_app()
    app.front_desk.enter()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await submit_login(pilot)
            # longer than a call used to wait (5 s) before giving up without a word, the
            # password gone: a first demo start on a loaded machine takes that long
            await asyncio.sleep(5.5)
            assert app.link.link is Link.CONNECTING and isinstance(app.screen, LoginScreen)
            assert short_workers(app)  # the login is still waiting, not failed
            slow.gate.set()
            await wait_for(pilot, lambda: isinstance(app.screen, MailboxesScreen))
            await settle_all(pilot)  # the list drawn whole before the app ends
            assert app.session is not None and app.session.userid == "avv.demo"
            assert app.screen.query_one("#boxes", DataTable).row_count == 4
    finally:
        await app.front_desk.close()


async def test_a_first_open_that_fails_says_so_and_keeps_what_was_typed(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowFirstOpen(monkeypatch, fail_first=True)
    app = make_app(db_retry_seconds=0.2)
    app.front_desk.enter()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await submit_login(pilot)
            slow.gate.set()  # the first attempt fails: the login is answered at once, not lost
            await wait_for(pilot, lambda: not short_workers(app))
            await settle_all(pilot)
            assert app.session is None
            banner = str(app.screen.query_one(LinkBanner).render())
            assert "il database non risponde" in banner
            assert app.screen.query_one("#userid", Input).value == "avv.demo"
            assert app.screen.query_one("#password", Input).value == "Rinnovo2026!"
            await wait_for(pilot, lambda: app.link.link is Link.READY)
            await press_button(pilot, "submit")  # sent again as it was typed
            assert isinstance(app.screen, MailboxesScreen)
    finally:
        await app.front_desk.close()


async def test_a_failure_of_the_database_link_itself_is_written_to_the_log(
    make_app: Callable[..., KioskApp],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The worker that opens the database lives as long as the app: if it fails outside its
    own retry loop (here, importing the core), the kiosk would wait for a database nobody opens.
    That is said in the log, with its traceback, not swallowed."""

    def broken_import() -> None:
        raise RuntimeError("core not importable")

    def failed() -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.name == "kiosk.app" and "failed" in r.message]

    monkeypatch.setattr("kiosk.services.frontdesk._import_the_core", broken_import)
    app = make_app()
    app.front_desk.enter()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: bool(failed()))
    finally:
        await app.front_desk.close()
    [record] = failed()
    assert record.getMessage() == "worker 'database' failed"
    assert record.exc_info is not None and "core not importable" in str(record.exc_info[1])
