"""The outbox from the command line: what is queued and how it went, a failed message queued
again, one delivery pass, the demo catcher's messages; and the expiry reminders job."""

from __future__ import annotations

from typing import Any

import click

from kiosk.cli.output import emit_json, json_option, table
from kiosk.cli.runner import run, run_as
from kiosk.cli.state import state, wants_json
from kiosk.i18n import _, moment
from kiosk.services.dto import MailStatus, OutboxItem, ReminderRun, SendReport
from kiosk.services.facade import Services


def item_json(item: OutboxItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "template": item.template,
        "to": item.to_address,
        "status": item.status.value,
        "attempts": item.attempts,
        "last_error": item.last_error,
        "created_at": item.created_at.isoformat(),
        "next_attempt_at": item.next_attempt_at.isoformat() if item.next_attempt_at else None,
        "sent_at": item.sent_at.isoformat() if item.sent_at else None,
        "message_id": item.message_id,
        "lang": item.lang,
    }


@click.group()
def outbox() -> None:
    """Posta in uscita: stato dei messaggi, nuovi tentativi, invio."""


@outbox.command("list")
@click.option(
    "--status",
    type=click.Choice([s.value for s in MailStatus]),
    help="Solo i messaggi in questo stato.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Quanti messaggi, dai più recenti.",
)
@json_option
def list_(status: str | None, limit: int, as_json: bool) -> None:
    """I messaggi in uscita, dai più recenti, con il loro stato."""

    async def work(services: Services) -> list[OutboxItem]:
        return await services.outbox.items(MailStatus(status) if status else None, limit)

    items = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json([item_json(i) for i in items])
        return
    if not items:
        click.echo(_("Nessun messaggio."))
        return
    for i in items:
        click.echo(
            f"{i.id:>6}  {i.status.label:<16}  {i.kind:<12}  {i.to_address}  "
            + _("tentativi: {n}").format(n=i.attempts)
        )


@outbox.command("show")
@click.argument("mail_id", metavar="NUMERO", type=int)
@json_option
def show(mail_id: int, as_json: bool) -> None:
    """Un messaggio: destinatario, stato, tentativi, ultimo errore (mai i codici)."""

    async def work(services: Services) -> OutboxItem:
        return await services.outbox.item(mail_id)

    item = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(item_json(item))
        return
    table(
        [
            (_("Numero"), str(item.id)),
            (_("Tipo"), item.kind),
            (_("Destinatario"), item.to_address),
            (_("Lingua"), item.lang),
            (_("Stato"), item.status.label),
            (_("Tentativi"), str(item.attempts)),
            (_("Ultimo errore"), item.last_error or "-"),
            (_("Creato"), moment(item.created_at)),
            (
                _("Prossimo tentativo"),
                moment(item.next_attempt_at)
                if item.next_attempt_at and item.status is MailStatus.PENDING
                else "-",
            ),
            (_("Inviato"), moment(item.sent_at) if item.sent_at else "-"),
            ("Message-ID", item.message_id or "-"),
        ]
    )


@outbox.command("retry")
@click.argument("mail_id", metavar="NUMERO", type=int)
@json_option
def retry(mail_id: int, as_json: bool) -> None:
    """Rimette in coda, da inviare subito, un messaggio non recapitabile."""

    async def work(services: Services, actor: str) -> OutboxItem:
        return await services.outbox.retry(mail_id, actor=actor)

    item = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(item_json(item))
        return
    click.echo(_("Messaggio {id} rimesso in coda.").format(id=item.id))


@outbox.command("send")
@json_option
def send(as_json: bool) -> None:
    """Invia una volta i messaggi dovuti (il servizio `serve` lo fa di continuo)."""

    async def work(services: Services) -> SendReport:
        from kiosk.mail.sender import send_due_once

        return await send_due_once(services)

    report = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({"sent": report.sent, "retrying": report.retrying, "failed": report.failed})
        return
    click.echo(
        _("Inviati: {sent}; da ritentare: {retrying}; non recapitabili: {failed}.").format(
            sent=len(report.sent), retrying=len(report.retrying), failed=len(report.failed)
        )
    )


@outbox.command("caught")
@click.option(
    "--last", type=click.IntRange(min=1), default=None, help="Solo gli ultimi N messaggi."
)
@json_option
def caught(last: int | None, as_json: bool) -> None:
    """I messaggi raccolti dal raccoglitore locale (KIOSK_SMTP_CATCHER): prove e demo."""
    from kiosk.mail.catcher import caught as read_all

    mails = read_all(state().settings.data_dir, last)
    if wants_json(as_json):
        emit_json(
            [
                {
                    "file": str(m.path),
                    "subject": m.subject,
                    "to": m.to,
                    "from": m.sender,
                    "date": m.date,
                    "message_id": m.message_id,
                    "body": m.body,
                    "attachments": list(m.attachments),
                }
                for m in mails
            ]
        )
        return
    if not mails:
        click.echo(_("Nessun messaggio raccolto."))
        return
    for m in mails:
        click.echo("=" * 72)
        table(
            [
                (_("Oggetto"), m.subject),
                (_("A"), m.to),
                (_("Data"), m.date),
            ]
            + ([(_("Allegati"), ", ".join(m.attachments))] if m.attachments else [])
        )
        click.echo("")
        click.echo(m.body.rstrip())


@click.group()
def reminders() -> None:
    """Promemoria di scadenza delle caselle (90, 30 e 7 giorni prima)."""


@reminders.command("queue")
@json_option
def queue(as_json: bool) -> None:
    """Mette in coda i promemoria dovuti e non ancora inviati (ripetibile senza doppioni)."""

    async def work(services: Services) -> ReminderRun:
        return await services.reminders.queue_due()

    result = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({"queued": list(result.queued), "already": result.already})
        return
    click.echo(
        _("Promemoria messi in coda: {n} (già in coda: {already}).").format(
            n=len(result.queued), already=result.already
        )
    )
