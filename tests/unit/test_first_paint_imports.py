"""What the kiosk imports before its first frame stays light (the start-up budget, issue 6).

pydantic (the settings), the DTOs, the ORM, the bank client and the document makers are
imported after the welcome page is on screen; a module that drags one of them in before it is
a regression the start-up benchmark would only show later, and noisily.
"""

from __future__ import annotations

import subprocess
import sys

FIRST_PAINT = (
    "kiosk.cli",
    "kiosk.cli.start",
    "kiosk.factory",
    "screens.welcome",
    "screens.login",
    "screens.register",
    "screens.recovery",
    "screens.pin",
)
HEAVY = (
    "pydantic",
    "pydantic_settings",
    "kiosk.settings",
    "kiosk.services.dto",
    "tortoise",
    "aiohttp",
    "stdnum",
    "babel",
    "fpdf",
    "segno",
)


def test_nothing_heavy_before_the_first_paint() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in FIRST_PAINT)
        + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r}"
        + f" or m in {HEAVY!r}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]", out
