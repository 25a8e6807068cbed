"""`pec-kiosk` with no command: the kiosk itself (imported lazily: the first paint comes first)."""

from __future__ import annotations

import click

from kiosk.cli.state import state
from kiosk.i18n import _


@click.command()
def start() -> None:
    """Avvia il chiosco."""
    from kiosk.factory import build_app

    st = state()
    if st.settings.kiosk_mode and st.settings.operator_pin is None:
        raise click.UsageError(
            _(
                "In modalità chiosco serve il PIN operatore per uscire: impostare "
                "KIOSK_OPERATOR_PIN (o operator_pin nel file di configurazione)."
            )
        )
    app = build_app(st.settings, reset_demo=st.reset_demo)
    app.run()
