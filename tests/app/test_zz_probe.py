from textual.widgets import Button
from tests.app.conftest import running, log_in
from tests.app.helpers import *

async def test_button_session(make_app):
    app = make_app()
    async with running(app) as pilot:
        await press_button(pilot, "language")
        await pilot.click("#login"); await settle_all(pilot)
        print(shown_text(app.screen))
        fill(app.screen, userid="avv.demo", password="Rinnovo2026!")
        await pilot.click("#submit"); await settle_all(pilot)
        print(shown_text(app.screen))
