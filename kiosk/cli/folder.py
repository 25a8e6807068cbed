"""The data directory, made private and logged to, before any command or the kiosk uses it."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.i18n import _


def private_folder(data_dir: Path) -> None:
    """The data directory made private (0700) and the log opened there; usage error if not."""
    from kiosk import logs
    from kiosk.privacy import private_data_dir

    try:
        private_data_dir(data_dir)
    except OSError as exc:
        raise click.UsageError(
            _("cartella dei dati non utilizzabile ({path}): {error}").format(
                path=data_dir, error=exc.strerror or exc
            )
        ) from None
    logs.configure(data_dir)
