"""`pec-kiosk serve ssh`: remote support over SSH, one kiosk per connection (kiosk.serve.sshd)."""

from __future__ import annotations

import asyncio
import sys

import click

from kiosk.cli.output import EXIT_BAD_INPUT, EXIT_UNAVAILABLE
from kiosk.cli.state import state
from kiosk.i18n import _


@click.command("ssh")
@click.option("--host", default=None, help="Indirizzo di ascolto (predefinito: KIOSK_SSH_HOST).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Porta di ascolto (predefinita: KIOSK_SSH_PORT, 2222).",
)
def ssh(host: str | None, port: int | None) -> None:
    """Assistenza remota via SSH: un chiosco per ogni collegamento.

    Operatori con chiave pubblica («pec-kiosk users key add»); avvocati con la password del
    chiosco solo se KIOSK_SSH_LAWYER_PASSWORDS=1. Resta in esecuzione fino a SIGTERM o Ctrl+C.
    """
    from kiosk.serve.sshd import run_ssh

    settings = state().settings
    changes: dict[str, object] = {}
    if host is not None:
        changes["ssh_host"] = host
    if port is not None:
        changes["ssh_port"] = port
    settings = settings.model_copy(update=changes)

    def ready(bound_port: int) -> None:
        click.echo(
            _("Assistenza remota in ascolto su {host}:{port} (chiave del server: {key}).").format(
                host=settings.ssh_host, port=bound_port, key=settings.ssh_host_key_path
            ),
            err=True,
        )

    from kiosk.errors import KioskError, Unavailable

    try:
        asyncio.run(run_ssh(settings, on_ready=ready))
    except KioskError as exc:
        code = (
            EXIT_UNAVAILABLE if isinstance(exc, Unavailable) and not exc.config else EXIT_BAD_INPUT
        )
        click.echo(_("Errore: {message}").format(message=exc.message), err=True)
        sys.exit(code)
    except OSError as exc:
        click.echo(
            _("Impossibile mettersi in ascolto su {host}:{port} ({error}).").format(
                host=settings.ssh_host, port=settings.ssh_port, error=exc.strerror or exc
            ),
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
