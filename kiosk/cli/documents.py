"""Documents from the command line: the year's invoices for the accountant (FatturaPA XML and
PDF), one invoice, and an order's reminder or invoice as a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kiosk.cli.output import emit_json, json_option, table
from kiosk.cli.runner import run
from kiosk.cli.state import wants_json
from kiosk.i18n import _, moment, money
from kiosk.services.dto import DocumentFile, InvoiceExport, InvoiceView
from kiosk.services.facade import Services


@click.group()
def invoices() -> None:
    """Fatture: esportazione FatturaPA e consultazione."""


@invoices.command("export")
@click.option("--year", required=True, type=int, help="Anno delle fatture, es. 2026.")
@click.argument("directory", metavar="CARTELLA", type=click.Path(path_type=Path))
@click.option("--no-pdf", "no_pdf", is_flag=True, help="Solo FatturaPA, senza i PDF (più veloce).")
@json_option
def export(year: int, directory: Path, no_pdf: bool, as_json: bool) -> None:
    """Scrive ogni fattura dell'anno in CARTELLA, come FatturaPA (XML) e PDF.

    La cartella è creata se manca (accessibile solo al proprietario); i file hanno i nomi che
    il Sistema di Interscambio si aspetta. Ripetere il comando non cambia nulla. L'invio al
    Sistema di Interscambio non è compreso.
    """

    async def work(services: Services) -> InvoiceExport:
        return await services.documents.export_year(year, directory, pdf=not no_pdf)

    result = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(
            {
                "year": result.year,
                "directory": str(result.directory),
                "count": len(result.invoices),
                "invoices": list(result.invoices),
                "files": [str(f) for f in result.files],
                "written": result.written,
            }
        )
        return
    click.echo(
        _("Fatture {year} esportate in {directory}: {n} ({files} file, {written} scritti).").format(
            year=result.year,
            directory=result.directory,
            n=len(result.invoices),
            files=len(result.files),
            written=result.written,
        )
    )


def invoice_json(invoice: InvoiceView) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "issued_at": invoice.issued_at.isoformat(),
        "order_code": invoice.order_code,
        "customer_name": invoice.customer_name,
        "customer_cf": invoice.customer_cf,
        "customer_email": invoice.customer_email,
        "pec": invoice.pec,
        "method": invoice.method.value,
        "net_cents": invoice.net_cents,
        "vat_cents": invoice.vat_cents,
        "total_cents": invoice.total_cents,
        "xml_name": invoice.xml_name,
    }


@invoices.command("show")
@click.argument("number", metavar="NUMERO")
@json_option
def show(number: str, as_json: bool) -> None:
    """Una fattura per numero (es. 2026/000042)."""

    async def work(services: Services) -> InvoiceView:
        return await services.documents.invoice(number)

    invoice = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(invoice_json(invoice))
        return
    table(
        [
            (_("Fattura"), invoice.number),
            (_("Data"), moment(invoice.issued_at)),
            (_("Codice ordine"), invoice.order_code),
            (_("Cliente"), invoice.customer_name),
            (_("Codice fiscale"), invoice.customer_cf or "-"),
            (_("Casella"), invoice.pec),
            (_("Pagamento"), invoice.method.label),
            (_("Imponibile"), money(invoice.net_cents)),
            (_("IVA"), money(invoice.vat_cents)),
            (_("Totale"), money(invoice.total_cents)),
            (_("File FatturaPA"), invoice.xml_name),
        ]
    )


@click.group()
def documents() -> None:
    """Documenti di un ordine: promemoria di pagamento e fattura."""


def _report(document: DocumentFile, as_json: bool) -> None:
    if wants_json(as_json):
        emit_json(
            {
                "kind": document.kind.value,
                "order_code": document.order_code,
                "path": str(document.path),
                "written": document.written,
            }
        )
    else:
        click.echo(str(document.path))


@documents.command("reminder")
@click.argument("code", metavar="CODICE")
@json_option
def reminder(code: str, as_json: bool) -> None:
    """Il promemoria di pagamento (PDF) di un ordine in attesa di bonifico, bollettino o
    assegno; stampa il percorso del file."""

    async def work(services: Services) -> DocumentFile:
        return await services.documents.reminder(code)

    _report(run(work, as_json=as_json), as_json)


@documents.command("invoice")
@click.argument("code", metavar="CODICE")
@click.option(
    "--xml", "as_xml", is_flag=True, help="La fattura elettronica (FatturaPA) invece del PDF."
)
@json_option
def invoice(code: str, as_xml: bool, as_json: bool) -> None:
    """La fattura di un ordine pagato, in PDF (o FatturaPA con --xml); stampa il percorso."""

    async def work(services: Services) -> DocumentFile:
        if as_xml:
            return await services.documents.invoice_xml(code)
        return await services.documents.invoice_pdf(code)

    _report(run(work, as_json=as_json), as_json)
