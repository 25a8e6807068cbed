"""The help desk's queues from the command line: callback requests (list, take, note, close)
and the day's takings (`pec-kiosk takings`, with the cash-up report as a PDF)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import click

from kiosk.cli.output import EXIT_BAD_INPUT, emit_json, fail, json_option, neutral, table
from kiosk.cli.runner import run_as
from kiosk.cli.state import wants_json
from kiosk.clock import ROME
from kiosk.domain import validation
from kiosk.errors import InvalidInput
from kiosk.i18n import _, day, money
from kiosk.services.desk_views import CallbackEntry, CallbackQueue, Takings, TakingsFile
from kiosk.services.facade import Services


def _entry_rows(entry: CallbackEntry) -> list[tuple[str, str]]:
    rows = [
        (_("Richiesta"), entry.key),
        (_("Stato"), entry.status.value),
        (_("Casella"), entry.pec),
        (_("Utente"), f"{entry.userid or '-'} {entry.nominativo}".strip()),
    ]
    if entry.phone:
        rows.append((_("Telefono"), entry.phone))
    if entry.taken_by:
        rows.append((_("Presa da"), entry.taken_by))
    if entry.outcome:
        rows.append((_("Esito"), entry.outcome))
    for note in entry.notes:
        when = note.at.astimezone(ROME).strftime("%d/%m/%Y %H:%M")
        rows.append((_("Nota"), f"{when} {note.author}: {note.text}"))
    return rows


def _show(entry: CallbackEntry, as_json: bool) -> None:
    if wants_json(as_json):
        emit_json(entry)
    else:
        table(_entry_rows(entry))


@click.command("list")
@click.option(
    "--status",
    type=click.Choice(["active", "open", "taken", "closed", "all"]),
    default="open",
    show_default=True,
    help="Quali richieste (open comprende le caselle uscite da poco dalla finestra).",
)
@click.option("--mine", is_flag=True, help="Solo quelle prese da chi esegue il comando.")
@click.option("--search", "text", default="", help="Parte dell'indirizzo o dello userid.")
@json_option
def callbacks_list(status: str, mine: bool, text: str, as_json: bool) -> None:
    """Elenca le richieste di ricontatto."""

    async def work(services: Services, actor: str) -> CallbackQueue:
        return await services.callbacks.queue(actor, status=status, mine=mine, text=text)

    queue = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(queue)
        return
    if not queue.entries:
        click.echo(_("Nessuna richiesta."))
    for e in queue.entries:
        expiry = day(e.expiry) if e.expiry else "-"
        who = e.taken_by or e.closed_by or ""
        click.echo(
            f"{neutral(e.key):<40} {e.status.value:<7} {neutral(e.userid or '-'):<20} "
            f"{expiry} {neutral(who)}"
        )
    if queue.truncated:
        click.echo(_("(elenco troncato: restringere la ricerca)"))


@click.command("take")
@click.argument("key")
@json_option
def callbacks_take(key: str, as_json: bool) -> None:
    """Prende in carico una richiesta (numero o indirizzo PEC)."""

    async def work(services: Services, actor: str) -> CallbackEntry:
        return await services.callbacks.take(actor, key)

    _show(run_as(work, as_json=as_json), as_json)


@click.command("note")
@click.argument("key")
@click.argument("text", metavar="NOTA")
@json_option
def callbacks_note(key: str, text: str, as_json: bool) -> None:
    """Aggiunge una nota a una richiesta."""

    async def work(services: Services, actor: str) -> CallbackEntry:
        return await services.callbacks.add_note(actor, key, text)

    _show(run_as(work, as_json=as_json), as_json)


@click.command("close")
@click.argument("key")
@click.option("--outcome", required=True, help="Esito del ricontatto.")
@json_option
def callbacks_close(key: str, outcome: str, as_json: bool) -> None:
    """Chiude una richiesta con il suo esito."""

    async def work(services: Services, actor: str) -> CallbackEntry:
        return await services.callbacks.close(actor, key, outcome)

    _show(run_as(work, as_json=as_json), as_json)


def _day(text: str | None, as_json: bool) -> date | None:
    if text is None:
        return None
    try:
        return validation.calendar_date(text, "day")
    except InvalidInput as exc:
        fail(EXIT_BAD_INPUT, "invalid_input", exc.message, as_json=as_json, field="day")


@click.command()
@click.option("--day", "day_text", metavar="AAAA-MM-GG", help="Il giorno (predefinito: oggi).")
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Scrive anche il rapporto di cassa in PDF in questo file.",
)
@json_option
def takings(day_text: str | None, pdf_path: Path | None, as_json: bool) -> None:
    """Incassi del giorno per modalità e per operatore (rapporto di cassa)."""
    on = _day(day_text, wants_json(as_json))

    async def work(services: Services, actor: str) -> tuple[Takings, TakingsFile | None]:
        result = await services.takings.day(actor, on)
        made = await services.takings.report(actor, result.day) if pdf_path else None
        return result, made

    result, made = run_as(work, as_json=as_json)
    if made is not None and pdf_path is not None:
        _copy_private(made.path, pdf_path, wants_json(as_json))
    if wants_json(as_json):
        emit_json({**_plain(result), "pdf": str(pdf_path) if pdf_path else None})
        return
    click.echo(
        _("Incassi del {day}: {total}").format(day=day(result.day), total=money(result.total_cents))
    )
    for heading, rows in (
        (_("Per modalità"), result.by_method),
        (_("Per operatore"), result.by_operator),
    ):
        click.echo(f"\n{heading}")
        for t in rows:
            click.echo(f"  {neutral(t.label):<30} {t.count:>4}  {money(t.amount_cents):>14}")
    if pdf_path is not None:
        click.echo("\n" + _("Rapporto di cassa: {path}").format(path=pdf_path))


def _plain(result: Takings) -> dict[str, object]:
    from kiosk.cli.output import plain

    value = plain(result)
    assert isinstance(value, dict)
    value["count"] = result.count
    return value


def _copy_private(source: Path, target: Path, as_json: bool) -> None:
    """The report where the user asked for it, readable by its owner only."""
    import os

    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
        os.chmod(target, 0o600)
    except OSError as exc:
        fail(
            EXIT_BAD_INPUT,
            "invalid_input",
            _("Impossibile scrivere {path}: {error}.").format(
                path=target, error=exc.strerror or exc
            ),
            as_json=as_json,
            field="pdf",
        )
