"""`pec-kiosk search TEXT`: the help desk's subscriber search, for scripts and the back office."""

from __future__ import annotations

import click

from kiosk.cli.output import emit_json, json_option, neutral
from kiosk.cli.runner import run
from kiosk.cli.state import wants_json
from kiosk.domain.model import role_label
from kiosk.domain.search import MIN_QUERY, SubscriberHit
from kiosk.i18n import _, _n
from kiosk.services.facade import Services
from kiosk.services.search import MAX_LIMIT


@click.command("search")
@click.argument("text", metavar="TESTO")
@click.option(
    "--limit",
    type=click.IntRange(1, MAX_LIMIT),
    default=20,
    show_default=True,
    help="Numero massimo di iscritti elencati.",
)
@json_option
def search(text: str, limit: int, as_json: bool) -> None:
    """Cerca iscritti per userid, indirizzo PEC, codice fiscale o nome.

    Per inizio di parola, senza distinguere maiuscole e accenti ("nicolo" trova "Nicolò"); più
    parole cercano nel nome, ognuna l'inizio di una sua parola ("mar ross"). Servono almeno 2
    caratteri.
    """

    async def work(services: Services) -> tuple[SubscriberHit, ...]:
        return await services.search.subscribers(text, limit=limit)

    hits = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({"query": text, "hits": list(hits)})
        return
    if not hits:
        if sum(len(w) for w in text.split()) < MIN_QUERY:
            click.echo(_("Indicare almeno {n} caratteri.").format(n=MIN_QUERY))
        else:
            click.echo(_("Nessun iscritto trovato."))
        return
    click.echo(_n("{n} iscritto trovato:", "{n} iscritti trovati:", len(hits)).format(n=len(hits)))
    for hit in hits:
        boxes = ", ".join(neutral(a) for a in hit.mailboxes)
        more = hit.mailbox_count - len(hit.mailboxes)
        if more > 0:
            boxes += " " + _("(+{n} altre)").format(n=more)
        click.echo(
            f"{neutral(hit.userid):<24} {neutral(hit.nominativo):<36} "
            f"{neutral(hit.codice_fiscale or '-'):<16} {role_label(hit.role)}"
        )
        click.echo(f"    {boxes or _('nessuna casella PEC')}")
