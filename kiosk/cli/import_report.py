"""`import mailboxes` for people: what the file changed, as a table in Italian."""

from __future__ import annotations

import click

from kiosk.cli.output import neutral, table
from kiosk.i18n import _, _n, day
from kiosk.services.dto import ImportReport


def import_summary(report: ImportReport) -> None:
    """The counts, then the boxes whose expiry differs between the provider and us."""
    if report.dry_run:
        click.echo(_("Prova (--dry-run): il file è valido, nulla è stato scritto."))
    new_rows = report.mailboxes_created
    table(
        [
            (_("Nuovi iscritti"), str(report.subscribers_created)),
            (_("Nuove caselle"), str(new_rows)),
            (_("Caselle aggiornate"), str(report.mailboxes_updated)),
            (_("Righe invariate"), str(report.rows_unchanged)),
            (_("Righe duplicate (ignorate)"), str(report.duplicates)),
            (_("Rinnovate altrove"), str(len(report.renewed_elsewhere))),
            (_("Scadenza nostra più recente"), str(len(report.kept_ours))),
            (_("Errori"), str(len(report.errors))),
        ]
    )
    same = report.rows_unchanged
    if not (report.subscribers_created or new_rows or report.mailboxes_updated):
        click.echo(
            _n(
                "Nessuna modifica: {n} riga già presente e invariata.",
                "Nessuna modifica: {n} righe già presenti e invariate.",
                same,
            ).format(n=same)
        )
    else:
        click.echo(
            _n("{n} casella importata", "{n} caselle importate", new_rows).format(n=new_rows)
            + "; "
            + _n("{n} riga già presente", "{n} righe già presenti", same).format(n=same)
            + "."
        )
    for change in report.renewed_elsewhere:
        click.echo(
            _("riga {line}: {pec} rinnovata altrove, scadenza {ours} → {theirs}").format(
                line=change.line,
                pec=neutral(change.pec),
                ours=day(change.our_expiry),
                theirs=day(change.provider_expiry),
            )
        )
    for change in report.kept_ours:
        click.echo(
            _(
                "riga {line}: {pec} resta con la nostra scadenza {ours} "
                "(nel file {theirs}: rinnovata qui dopo)"
            ).format(
                line=change.line,
                pec=neutral(change.pec),
                ours=day(change.our_expiry),
                theirs=day(change.provider_expiry),
            )
        )
