"""`pec-kiosk` with no command: the kiosk itself (imported lazily: the first paint comes first)."""

from __future__ import annotations

import sys

import click

from kiosk.cli.state import state


@click.command()
def start() -> None:
    """Avvia il chiosco."""
    from kiosk.factory import build_app

    st = state()
    app = build_app(st.settings, reset_demo=st.reset_demo)
    app.run()
    if app.return_code:  # e.g. kiosk mode without an exit PIN (the app said why)
        sys.exit(app.return_code)
