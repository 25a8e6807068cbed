"""The kiosk as the CLI starts it: painted from the settings' preview, validated right after."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from kiosk.boot import preview
from kiosk.factory import build_deferred
from screens.welcome import WelcomeScreen
from tests.bank import free_port
from tests.conftest import DATA, NOW


def overrides(data_dir: Path, **more: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "demo": True,
        "refdata_dir": DATA,
        "now": NOW,
        "password_time_cost": 1,
        "password_memory_kib": 1024,
        "test_mode": True,
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
