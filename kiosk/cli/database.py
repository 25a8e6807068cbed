"""Database commands: migrations, the demo dataset, the consistency check, the runtime role."""

from __future__ import annotations

import click

from kiosk.cli.output import EXIT_BAD_INPUT, EXIT_REFUSED, emit_json, fail, json_option
from kiosk.cli.runner import run, run_as
from kiosk.cli.state import state, wants_json
from kiosk.i18n import _, _n
from kiosk.services.dto import Problem
from kiosk.services.facade import Services
from kiosk.services.setup import load_demo


@click.group()
def db() -> None:
    """Database: migrazioni e dati dimostrativi."""


@db.command("migrate")
@json_option
def db_migrate(as_json: bool) -> None:
    """Crea o aggiorna lo schema del database (idempotente)."""

    async def work(services: Services) -> str:
        return state().settings.db_url.split("://", 1)[0]

    backend = run(work, as_json=as_json)  # opening the database migrates it
    if wants_json(as_json):
        emit_json({"migrated": True, "backend": backend})
    else:
        click.echo(_("Database aggiornato ({backend}).").format(backend=backend))


@db.command("load-demo")
@json_option
def db_load_demo(as_json: bool) -> None:
    """Carica i dati dimostrativi nel database corrente."""

    async def work(services: Services, actor: str) -> list[str]:
        return await load_demo(services.ctx)

    users = run_as(work, as_json=as_json, bootstrap=True)
    if wants_json(as_json):
        emit_json({"loaded": True, "users": users})
    else:
        click.echo(_("Dati dimostrativi caricati: {users}.").format(users=", ".join(users)))


@db.command("load-synthetic")
@click.option(
    "--mailboxes",
    "count",
    type=int,
    required=True,
    help="Quante caselle generare (da 1 a 5.000.000; da 1 a 3 per iscritto).",
)
@click.option(
    "--force", is_flag=True, help="Anche se il database contiene già iscritti non sintetici."
)
@click.option("--seed", type=int, default=1, show_default=True, help="Seme del generatore.")
@json_option
def db_load_synthetic(count: int, force: bool, seed: int, as_json: bool) -> None:
    """Genera un archivio sintetico di caselle e iscritti (prove e misure di prestazioni).

    Nomi italiani, codici fiscali di forma valida, aree e tipi dai dati di riferimento,
    scadenze entro due anni prima o dopo oggi; indirizzi e-mail nel dominio sintetico
    .invalid (nessun messaggio può partire). Tutto o niente, in una transazione. Rifiuta un
    database che contiene iscritti non sintetici, salvo --force.
    """
    from kiosk.services.synthetic import SyntheticReport, SyntheticService

    async def work(services: Services, actor: str) -> SyntheticReport:
        return await SyntheticService(services.ctx).load(count, force=force, actor=actor, seed=seed)

    report = run_as(work, as_json=as_json, bootstrap=True)
    if wants_json(as_json):
        emit_json(report)
    else:
        click.echo(
            _(
                "Dati sintetici caricati: {subscribers} iscritti, {mailboxes} caselle "
                "({seconds} s)."
            ).format(
                subscribers=report.subscribers, mailboxes=report.mailboxes, seconds=report.seconds
            )
        )


@db.command("check")
@json_option
def db_check(as_json: bool) -> None:
    """Controlla la coerenza dei dati: conti prepagati, pagamenti, fatture, ordini aperti.

    Esce con 0 se tutto è coerente, con 1 elencando i problemi trovati.
    """

    async def work(services: Services) -> list[Problem]:
        return await services.consistency.check()

    problems = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({"consistent": not problems, "problems": problems})
    elif not problems:
        click.echo(_("Database coerente: nessun problema trovato."))
    else:
        click.echo(
            _n(
                "Trovato {count} problema di coerenza:",
                "Trovati {count} problemi di coerenza:",
                len(problems),
            ).format(count=len(problems)),
            err=True,
        )
        for problem in problems:
            click.echo(f"- [{problem.kind.value}] {problem.message}", err=True)
    if problems:
        raise SystemExit(EXIT_REFUSED)


@db.command("grant")
@click.argument("role")
@click.option(
    "--apply", "apply", is_flag=True, help="Esegue le istruzioni (come proprietario del database)."
)
@json_option
def db_grant(role: str, apply: bool, as_json: bool) -> None:
    """Istruzioni GRANT per il ruolo PostgreSQL con cui girano chiosco e sportello.

    Solo ciò che serve: lettura, inserimento, modifica delle sole colonne che il programma
    cambia; niente DDL, TRUNCATE, né modifiche a movimenti, registro, pagamenti e fatture.
    Senza --apply le stampa; con --apply le esegue con la connessione configurata (il
    proprietario, quello che esegue db migrate).
    """
    from kiosk.errors import InvalidInput
    from kiosk.store.roles import grant_statements, model_tables

    if not apply:
        try:
            statements = grant_statements(role, model_tables())
        except InvalidInput as exc:
            fail(EXIT_BAD_INPUT, "invalid_input", exc.message, as_json=wants_json(as_json))
    else:
        from kiosk.services.roles import apply_grants

        async def work(services: Services, actor: str) -> list[str]:
            return await apply_grants(services.ctx, role, actor=actor)

        statements = run_as(work, as_json=as_json, bootstrap=True)
    if wants_json(as_json):
        emit_json({"role": role, "applied": apply, "statements": statements})
    else:
        for statement in statements:
            click.echo(f"{statement};")
