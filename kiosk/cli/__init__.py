"""The `pec-kiosk` command: the kiosk itself, and the back office's tools."""

from __future__ import annotations

import sys
from typing import Any

import click

from kiosk.cli.exits import EXIT_BAD_INPUT
from kiosk.i18n import _

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
# name -> "module:attribute": imported when used, so that starting the kiosk (no subcommand)
# never imports the database layer before the first paint
COMMANDS = {
    "db": "kiosk.cli.database:db",
    "users": "kiosk.cli.backoffice:users",
    "pin": "kiosk.cli.backoffice:pin",
    "import": "kiosk.cli.backoffice:import_group",
    "account": "kiosk.cli.backoffice:account",
    "callbacks": "kiosk.cli.backoffice:callbacks",
    "renewal": "kiosk.cli.renewal:renewal",
    "payments": "kiosk.cli.renewal:payments",
    "activate-due": "kiosk.cli.renewal:activate_due",
    "cancel-stale": "kiosk.cli.renewal:cancel_stale",
    "overview": "kiosk.cli.backoffice:overview",
    "invoices": "kiosk.cli.documents:invoices",
    "documents": "kiosk.cli.documents:documents",
    "serve": "kiosk.cli.serve:serve",
    "outbox": "kiosk.cli.outbox:outbox",
    "reminders": "kiosk.cli.outbox:reminders",
    "takings": "kiosk.cli.desk:takings",
    "search": "kiosk.cli.search:search",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        import importlib

        module, attribute = target.split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings=CONTEXT, invoke_without_command=True)
@click.option("--demo", is_flag=True, help="Usa il database dimostrativo (creato se manca).")
@click.option("--reset", "reset_demo", is_flag=True, help="Con --demo: ricrea i dati dimostrativi.")
@click.option("--now", metavar="ISO-DATETIME", help="Imposta l'orologio (anche KIOSK_NOW).")
@click.option("--lang", type=click.Choice(["it", "en"]), help="Lingua dell'interfaccia.")
@click.option("--kiosk", "kiosk_mode", is_flag=True, help="Modalità chiosco: uscita solo con PIN.")
@click.option(
    "--as",
    "act_as",
    metavar="USERID",
    help="Chi esegue il comando (operatore o amministrazione; anche KIOSK_AS).",
)
@click.option("--json", "as_json", is_flag=True, help="Risultato in JSON, per gli script.")
@click.version_option(
    package_name="pec-kiosk", message="pec-kiosk %(version)s", help="Mostra la versione ed esce."
)
@click.pass_context
def cli(
    ctx: click.Context,
    demo: bool,
    reset_demo: bool,
    now: str | None,
    lang: str | None,
    kiosk_mode: bool,
    act_as: str | None,
    as_json: bool,
) -> None:
    """Rinnovo delle caselle PEC allo sportello dell'Ordine degli Avvocati.

    Senza comandi avvia il chiosco. Codici di uscita: 0 riuscito, 1 rifiutato da una regola,
    2 uso o dati errati, 3 database non raggiungibile.
    """
    overrides: dict[str, Any] = {}
    if demo:
        overrides["demo"] = True
    if now:
        from kiosk.clock import parse_now

        try:
            overrides["now"] = parse_now(now)
        except ValueError:
            raise click.UsageError(
                _(
                    "--now: data e ora non valide ({value}); usare AAAA-MM-GG o AAAA-MM-GGTHH:MM."
                ).format(value=now)
            ) from None
    if lang:
        overrides["lang"] = lang
    if kiosk_mode:
        overrides["kiosk_mode"] = True
    if act_as:
        overrides["act_as"] = act_as
    if reset_demo and not demo:
        raise click.UsageError(_("--reset vale solo insieme a --demo."))
    if ctx.invoked_subcommand is None:
        from kiosk.cli.start import start

        start(overrides, reset_demo=reset_demo)  # paints first, validates the settings after
        return
    from kiosk.cli.state import CliState, prepare

    ctx.obj = CliState(prepare(overrides), as_json=as_json, reset_demo=reset_demo)


def main() -> None:
    from kiosk.cli import italian
    from kiosk.privacy import restrict_umask

    restrict_umask()  # before anything is written: the data directory's files are private
    italian.install()
    try:
        cli.main(prog_name="pec-kiosk", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(_("Interrotto."), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_BAD_INPUT)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
