"""`pec-kiosk` with no command: the kiosk itself, painted before its settings are validated.

Every other command validates the settings first (`kiosk.cli.state.prepare`). The kiosk paints
its welcome page from the few settings it shows (`kiosk.boot.preview`, no pydantic: ~100 ms
less before the first frame) and validates the rest right after; bad settings then end it with
exit code 2 and the same words. Settings the preview is unsure of are validated first.
"""

from __future__ import annotations

import sys
from typing import Any

from kiosk.boot import preview
from kiosk.cli.folder import private_folder
from kiosk.i18n import set_language


def start(overrides: dict[str, Any], *, reset_demo: bool) -> None:
    """Run the kiosk until it ends; exit with its return code (e.g. 2: bad settings)."""
    first = preview(overrides)
    if first is None:  # a value the preview cannot read as pydantic would: validate first
        from kiosk.cli.state import prepare
        from kiosk.factory import build_app

        app = build_app(prepare(overrides), reset_demo=reset_demo)
    else:
        from kiosk.factory import build_deferred

        set_language(first.lang)
        private_folder(first.data_dir)
        app = build_deferred(first, overrides, reset_demo=reset_demo)
    app.run()
    if app.return_code:  # bad settings, kiosk mode without an exit PIN: the app said why
        sys.exit(app.return_code)
