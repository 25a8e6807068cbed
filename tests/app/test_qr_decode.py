"""The QR codes as drawn: rebuilt from the rendered half-block cells and read by a real decoder.

Each cell is '▀': its foreground is the upper module, its background the lower one (black =
dark). The matrix is rebuilt from what the widget renders, not from the payload, so a drawing
bug (swapped halves, a lost row, a missing quiet zone, theme colours) fails the decode.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from rich.color import Color
from textual.geometry import Region

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from screens.offline_payment import OfflinePaymentScreen
from screens.qr_view import QrScreen
from screens.widgets.qr import QUIET_ZONE, QRCode
from tests.app.conftest import RENEWABLE, running
from tests.app.helpers import (
    choose_payment,
    database_answers_in,
    is_shown,
    pick_method,
    press_button,
    to_bank,
)

SCALE = 8  # pixels per module
BLACK = (0, 0, 0)
WHITE = (255, 255, 255)


def is_dark(color: Color | None) -> bool:
    assert color is not None, "a QR cell without an explicit colour depends on the theme"
    rgb = tuple(color.get_truecolor())
    assert rgb in (BLACK, WHITE), f"QR module colour {rgb} is neither black nor white"
    return rgb == BLACK


def rendered_modules(qr: QRCode) -> list[list[bool]]:
    """The module matrix (True = dark) as the widget paints it, quiet zone included."""
    width, height = qr.cells
    rows: list[list[bool]] = []
    for y in range(height):
        upper: list[bool] = []
        lower: list[bool] = []
        for segment in qr.render_line(y):
            assert set(segment.text) == {"▀"}, repr(segment.text)
            assert segment.style is not None
            top, bottom = is_dark(segment.style.color), is_dark(segment.style.bgcolor)
            upper += [top] * len(segment.text)
            lower += [bottom] * len(segment.text)
        assert len(upper) == width, f"row {y} is {len(upper)} cells wide, not {width}"
        rows += [upper, lower]
    assert len(rows) in (width, width + 1)  # an odd size leaves half a row of padding
    if len(rows) > width:
        assert not any(rows[-1]), "the padding half-row must be light"
        rows.pop()
    return rows


def assert_quiet_zone(modules: list[list[bool]]) -> None:
    n = len(modules)
    # the first 2 rendered rows (4 module rows) and the first 4 columns are all light
    assert not any(any(row) for row in modules[:QUIET_ZONE]), "top quiet zone"
    assert not any(any(row[:QUIET_ZONE]) for row in modules), "left quiet zone"
    assert not any(any(row) for row in modules[n - QUIET_ZONE :]), "bottom quiet zone"
    assert not any(any(row[n - QUIET_ZONE :]) for row in modules), "right quiet zone"
    assert any(any(row) for row in modules), "no code at all"


def decode(modules: list[list[bool]]) -> str:
    n = len(modules)
    image = Image.new("L", (n * SCALE, n * SCALE), 255)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(modules):
        for x, dark in enumerate(row):
            if dark:
                box = (x * SCALE, y * SCALE, (x + 1) * SCALE - 1, (y + 1) * SCALE - 1)
                draw.rectangle(box, fill=0)
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1, f"{len(results)} codes found"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def assert_whole_on_screen(qr: QRCode, screen_size: tuple[int, int]) -> None:
    """Drawn at its full size and inside the terminal (a cropped code does not scan)."""
    assert is_shown(qr)
    assert qr.region.size == qr.cells
    assert Region(0, 0, *screen_size).contains_region(qr.region), qr.region


async def test_bonifico_qr_decodes_to_the_epc_payload(
    make_app: Callable[..., KioskApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    database_answers_in(monkeypatch, None)  # inline even on a loaded host: see the payments test
    app = make_app()
    async with running(app, size=(120, 40)) as pilot:
        await choose_payment(pilot, RENEWABLE)
        await pick_method(pilot, PaymentMethod.BONIFICO)
        screen = app.screen
        assert isinstance(screen, OfflinePaymentScreen)
        await press_button(pilot, "confirm")
        assert screen.order is not None
        services = await app.front_desk.services()
        order = await services.renewals.order(screen.order.code)
        assert order is not None and order.instructions is not None
        payload = order.instructions.qr_payload
        assert payload.startswith("BCD\n002\n1\nSCT\n")
        assert f"{order.code} RINNOVO PEC" in payload and "EUR18.30" in payload

        qr = screen.query_one("#qr-inline", QRCode)
        assert_whole_on_screen(qr, (120, 40))
        modules = rendered_modules(qr)
        assert_quiet_zone(modules)
        assert decode(modules) == payload


@pytest.mark.parametrize("method", [PaymentMethod.BOLLETTINO, PaymentMethod.ASSEGNO])
async def test_qr_screen_at_80x24_decodes_to_the_instructions(
    make_app: Callable[..., KioskApp], method: PaymentMethod
) -> None:
    app = make_app()
    async with running(app, size=(80, 24)) as pilot:
        await choose_payment(pilot, RENEWABLE)
        await pick_method(pilot, method)
        screen = app.screen
        assert isinstance(screen, OfflinePaymentScreen)
        await press_button(pilot, "confirm")
        await press_button(pilot, "show-qr")
        assert isinstance(app.screen, QrScreen)
        assert screen.order is not None and screen.order.instructions is not None
        payload = screen.order.instructions.qr_payload
        assert f"{screen.order.code} RINNOVO PEC" in payload

        qr = app.screen.query_one("#qr", QRCode)
        assert_whole_on_screen(qr, (80, 24))
        modules = rendered_modules(qr)
        assert_quiet_zone(modules)
        assert decode(modules) == payload


async def test_card_link_qr_decodes_to_the_bank_link(make_app: Callable[..., KioskApp]) -> None:
    app = make_app(card_wait_seconds=30)
    async with running(app, size=(120, 40)) as pilot:
        screen = await to_bank(pilot)
        assert screen.order is not None
        link = screen.bank_url  # the sandbox bank's page, opened for this order
        assert link.startswith(f"{app.settings.bank_base_url}/pagam?a=PECKIOSK&b=")
        qr = screen.query_one("#bank-qr", QRCode)
        assert is_shown(qr) and qr.region.size == qr.cells
        modules = rendered_modules(qr)
        assert_quiet_zone(modules)
        assert decode(modules) == link
        await pilot.press("f12")  # someone at the kiosk: the idle clock restarts before shutdown
        await pilot.pause()
