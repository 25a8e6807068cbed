"""A field never cuts what was typed or pasted without saying so (issue 8)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input

from kiosk.app import KioskApp
from screens.register import RegisterScreen
from tests.app.conftest import running
from tests.app.helpers import field_error, press_button, wait_for

CUT = "Al massimo 32 caratteri: il resto non è stato inserito."


async def test_a_codice_fiscale_typed_with_spaces_fits_and_is_accepted(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "register")
        assert isinstance(app.screen, RegisterScreen)
        app.screen.query_one("#codice_fiscale", Input).focus()
        await pilot.press(*"nvo nna 80a41 f912l")  # as printed on the tessera sanitaria
        assert app.screen.query_one("#codice_fiscale", Input).value == "nvo nna 80a41 f912l"
        assert field_error(app.screen, "codice_fiscale") == ""


async def test_a_paste_past_the_limit_keeps_what_fits_and_says_so(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "register")
        screen = app.screen
        userid = screen.query_one("#userid", Input)
        userid.focus()
        await pilot.pause()
        userid.insert_text_at_cursor("a" * 30 + "bcdef")  # what a paste does
        await wait_for(pilot, lambda: field_error(screen, "userid") == CUT)
        assert userid.value == "a" * 30 + "bc"  # what fits, not nothing


async def test_a_key_past_the_limit_is_refused_with_the_reason(
    make_app: Callable[..., KioskApp],
) -> None:
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "register")
        screen = app.screen
        userid = screen.query_one("#userid", Input)
        userid.value = "u" * 32
        userid.focus()
        await pilot.pause()
        assert field_error(screen, "userid") == ""
        await pilot.press("x")
        await wait_for(pilot, lambda: field_error(screen, "userid") == CUT)
        assert userid.value == "u" * 32
