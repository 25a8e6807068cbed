"""`payments import`: reconcile a bank statement (CSV export or camt.053) with the open orders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kiosk.cli.output import EXIT_BAD_INPUT, emit_json, fail, json_option, plain, table
from kiosk.cli.runner import run_as
from kiosk.cli.state import wants_json
from kiosk.i18n import _, day, money
from kiosk.services.dto import StatementImport, StatementLineResult
from kiosk.services.facade import Services


def import_json(result: StatementImport) -> dict[str, Any]:
    return {
        "file_hash": result.file_hash,
        "format": result.format,
        "profile": result.profile,
        "dry_run": result.dry_run,
        "confirmed": len(result.confirmed),
        "to_check": len(result.to_check),
        "settled": len(result.settled),
        "ignored": result.ignored,
        "lines": [
            {**plain(line), "needs_person": line.outcome.needs_person} for line in result.lines
        ],
    }


def _describe(line: StatementLineResult) -> str:
    when = day(line.booked_on) if line.booked_on else "-"
    head = f"{line.where}  {when}  {money(line.amount_cents)}  {line.reference}"
    if line.order_code:
        head += f"  {line.order_code}"
    return head


def print_import(result: StatementImport) -> None:
    if result.dry_run:
        click.echo(_("Prova: nessuna modifica registrata."))
    if result.confirmed:
        title = _("Da confermare") if result.dry_run else _("Confermati")
        click.echo(f"{title}:")
        for line in result.confirmed:
            click.echo(f"  {_describe(line)}  {line.message}".rstrip())
    if result.to_check:
        click.echo(_("Da verificare (nessuna conferma):"))
        for line in result.to_check:
            click.echo(f"  {_describe(line)}")
            click.echo(f"      {line.outcome.label}: {line.message}")
            click.echo("      " + _("causale: {causale}").format(causale=line.causale or "-"))
    if result.settled:
        click.echo(_("Già registrati o già importati:"))
        for line in result.settled:
            click.echo(f"  {_describe(line)}  {line.message}")
    click.echo()
    table(
        [
            (_("Da confermare") if result.dry_run else _("Confermati"), str(len(result.confirmed))),
            (_("Da verificare"), str(len(result.to_check))),
            (_("Già registrati o importati"), str(len(result.settled))),
            (_("Ignorati (addebiti, non contabilizzati)"), str(result.ignored)),
        ]
    )


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "camt053"]),
    default=None,
    help="Formato del file (predefinito: riconosciuto dal contenuto).",
)
@click.option(
    "--profile",
    default=None,
    help="Profilo CSV di data/statements.toml (predefinito: quello indicato come default).",
)
@click.option("--dry-run", is_flag=True, help="Mostra cosa farebbe, senza modificare nulla.")
@json_option
def import_statement(
    file: Path, fmt: str | None, profile: str | None, dry_run: bool, as_json: bool
) -> None:
    """Importa un estratto conto (CSV della banca o camt.053) e conferma i pagamenti.

    Conferma le righe con un codice ordine valido e l'importo esatto; elenca le altre per una
    persona, senza confermarle. Reimportare lo stesso estratto non cambia nulla.
    """
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(
            EXIT_BAD_INPUT,
            "invalid_input",
            _("File non leggibile: {path} ({error}).").format(path=file, error=exc.strerror or exc),
            as_json=wants_json(as_json),
            field="file",
        )

    async def work(services: Services, actor: str) -> StatementImport:
        return await services.reconcile.import_statement(
            data, fmt=fmt, profile=profile, dry_run=dry_run, actor=actor
        )

    result = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(import_json(result))
    else:
        print_import(result)
