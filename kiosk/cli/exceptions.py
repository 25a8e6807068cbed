"""`payments exceptions list|match|refund`: the statement lines no order matched by itself,
resolved by the administration (`kiosk.services.admin`). Only an administrator may (`--as`)."""

from __future__ import annotations

from typing import Any

import click

from kiosk.cli.output import emit_json, json_option, neutral, plain
from kiosk.cli.runner import run_as
from kiosk.cli.state import wants_json
from kiosk.i18n import _, day, money
from kiosk.services.admin_dto import StatementException
from kiosk.services.facade import Services


def exception_json(line: StatementException) -> dict[str, Any]:
    data: dict[str, Any] = plain(line)
    data["outcome_label"] = line.outcome.label
    return data


def describe(line: StatementException) -> str:
    when = day(line.booked_on) if line.booked_on else "-"
    head = (
        f"{line.id:>6}  {when}  {money(line.amount_cents):>12}  {neutral(line.reference)}  "
        f"{line.outcome.label}"
    )
    if line.resolution is not None:
        head += f"  [{line.resolution.label}: {neutral(line.resolved_by or '')}]"
    return head


@click.group("exceptions")
def exceptions() -> None:
    """Righe degli estratti conto da verificare: elenco, abbinamento, rimborso."""


@exceptions.command("list")
@click.option("--all", "include_resolved", is_flag=True, help="Anche quelle già risolte.")
@json_option
def exceptions_list(include_resolved: bool, as_json: bool) -> None:
    """Le righe importate che nessun ordine ha abbinato da sé."""

    async def work(services: Services, actor: str) -> tuple[StatementException, ...]:
        return await services.admin.exceptions(actor=actor, include_resolved=include_resolved)

    lines = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json([exception_json(line) for line in lines])
        return
    if not lines:
        click.echo(_("Nessuna riga da verificare."))
    for line in lines:
        click.echo(describe(line))
        click.echo(
            "        " + _("causale: {causale}").format(causale=neutral(line.causale) or "-")
        )
        if line.note:
            click.echo("        " + _("nota: {note}").format(note=neutral(line.note)))


def _done(line: StatementException, as_json: bool) -> None:
    if wants_json(as_json):
        emit_json(exception_json(line))
    elif line.invoice_number:
        click.echo(
            _("Riga {id} abbinata all'ordine {code}: fattura {number}.").format(
                id=line.id, code=line.order_code, number=line.invoice_number
            )
        )
    else:
        click.echo(describe(line))


@exceptions.command("match")
@click.argument("line_id", metavar="RIGA", type=click.IntRange(min=1))
@click.argument("order_code", metavar="CODICE")
@click.option(
    "--force",
    is_flag=True,
    help="Anche se il riferimento bancario è già usato per un altro ordine.",
)
@click.option("--note", default="", help="Perché (obbligatoria con --force).")
@json_option
def exceptions_match(line_id: int, order_code: str, force: bool, note: str, as_json: bool) -> None:
    """Abbina la riga RIGA all'ordine CODICE e ne conferma il pagamento (importo esatto)."""

    async def work(services: Services, actor: str) -> StatementException:
        return await services.admin.match_exception(
            line_id, order_code, actor=actor, force=force, note=note
        )

    _done(run_as(work, as_json=as_json), as_json)


@exceptions.command("refund")
@click.argument("line_id", metavar="RIGA", type=click.IntRange(min=1))
@click.option("--note", required=True, help="A chi e come restituire la somma.")
@json_option
def exceptions_refund(line_id: int, note: str, as_json: bool) -> None:
    """Segna la riga RIGA come da rimborsare, con una nota."""

    async def work(services: Services, actor: str) -> StatementException:
        return await services.admin.refund_exception(line_id, actor=actor, note=note)

    _done(run_as(work, as_json=as_json), as_json)
