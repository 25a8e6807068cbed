"""The kiosk tunes the garbage collector for drawing screens as soon as it runs (kiosk.heap)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

import pytest

from kiosk.app import KioskApp
from kiosk.heap import YOUNG_THRESHOLD
from tests.app.conftest import running

CPYTHON_DEFAULT = 700


@pytest.fixture
def default_collector() -> Iterator[None]:
    """CPython's threshold, as a new process has it; this process's own put back after."""
    before = gc.get_threshold()
    gc.set_threshold(CPYTHON_DEFAULT, *before[1:])
    yield
    gc.set_threshold(*before)


@pytest.mark.usefixtures("default_collector")
async def test_the_running_kiosk_collects_young_garbage_less_often(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    assert gc.get_threshold()[0] == CPYTHON_DEFAULT
    async with running(app):
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
