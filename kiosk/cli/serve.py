"""`pec-kiosk serve`: the bank's notification endpoint and the scheduler, in one process.

`serve` is also a group: `serve web` (the kiosk in a browser) and its siblings live in modules of
their own, imported when used (SUBCOMMANDS); `serve` alone does what it always did."""

from __future__ import annotations

import asyncio
import sys

import click

from kiosk.cli.output import EXIT_BAD_INPUT
from kiosk.cli.state import state
from kiosk.i18n import _
from kiosk.settings import Settings

# name -> "module:attribute", imported when used (as the top-level COMMANDS)
SUBCOMMANDS = {
    "web": "kiosk.cli.serve_web:web",
    "ssh": "kiosk.cli.serve_ssh:ssh",
}


class ServeGroup(click.Group):
    """`serve`'s subcommands, imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(SUBCOMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        import importlib

        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group("serve", cls=ServeGroup, invoke_without_command=True)
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

    Resta in esecuzione fino a SIGTERM o Ctrl+C (uscita 0). Con un comando, avvia invece quel
    servizio (web: il chiosco nel browser; ssh: l'assistenza remota); le opzioni qui sopra
    valgono solo senza comando.
    """
    if ctx.invoked_subcommand is not None:
        if host is not None or port is not None or sandbox_bank:
            raise click.UsageError(
                _(
                    "--host, --port e --sandbox-bank valgono per serve senza comando; per "
                    "'serve {name}' le opzioni vanno dopo il nome (serve {name} --port N)."
                ).format(name=ctx.invoked_subcommand)
            )
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
