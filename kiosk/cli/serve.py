"""`pec-kiosk serve`: the bank's notification endpoint and the scheduler, in one process."""

from __future__ import annotations

import asyncio
import sys

import click

from kiosk.cli.output import EXIT_BAD_INPUT, EXIT_UNAVAILABLE
from kiosk.cli.state import state
from kiosk.i18n import _
from kiosk.settings import Settings


@click.group("serve", invoke_without_command=True)
@click.option("--host", default=None, help="Indirizzo di ascolto (predefinito: KIOSK_SERVE_HOST).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Porta di ascolto (predefinita: KIOSK_SERVE_PORT, 8770).",
)
@click.option(
    "--sandbox-bank", is_flag=True, help="Aggiunge la banca di prova sotto /bank (sviluppo e demo)."
)
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None, sandbox_bank: bool) -> None:
    """Riceve le notifiche della banca e rinnova o annulla gli ordini a tempo.

    Resta in esecuzione fino a SIGTERM o Ctrl+C (uscita 0). «serve ssh»: l'assistenza remota.
    """
    if ctx.invoked_subcommand is not None:
        return
    from kiosk.serve.process import serve as run_serve

    settings = state().settings
    changes: dict[str, object] = {}
    if host is not None:
        changes["serve_host"] = host
    if port is not None:
        changes["serve_port"] = port
    settings = settings.model_copy(update=changes)

    def ready(bound: Settings) -> None:
        click.echo(
            _("In ascolto su {host}:{port}: notifiche della banca su {notify}").format(
                host=bound.serve_host, port=bound.serve_port, notify=bound.notify_url
            ),
            err=True,
        )
        if sandbox_bank:
            click.echo(_("Banca di prova: {url}").format(url=bound.bank_base_url), err=True)
        elif bound.sandbox_bank_credentials:
            click.echo(
                _(
                    "Attenzione: KIOSK_BANK_API_KEY o KIOSK_BANK_NOTIFY_SECRET sono quelli della "
                    "banca di prova; in produzione impostare le credenziali della banca."
                ),
                err=True,
            )

    try:
        asyncio.run(run_serve(settings, sandbox_bank=sandbox_bank, on_ready=ready))
    except OSError as exc:
        click.echo(
            _("Impossibile mettersi in ascolto su {host}:{port} ({error}).").format(
                host=settings.serve_host, port=settings.serve_port, error=exc.strerror or exc
            ),
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)


@serve.command("ssh")
@click.option("--host", default=None, help="Indirizzo di ascolto (predefinito: KIOSK_SSH_HOST).")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Porta di ascolto (predefinita: KIOSK_SSH_PORT, 2222).",
)
def serve_ssh(host: str | None, port: int | None) -> None:
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
