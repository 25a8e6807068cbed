"""The desk's cash-up report (rapporto di cassa): a day's takings by method and operator, as a
PDF (A4, fpdf2, DejaVu Sans for the euro sign), always in Italian like the other documents.

Made from `CashUpContent` alone; the creation date is the moment the report was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.documents.pdf import (
    FAMILY,
    MARGIN,
    WIDTH,
    _new_pdf,
    _output,
    _seller_header,
    _text,
    euro,
)
from kiosk.documents.seller import Seller
from kiosk.i18n import day

if TYPE_CHECKING:
    from fpdf import FPDF


@dataclass(frozen=True, slots=True)
class CashUpTotal:
    label: str
    count: int
    amount_cents: int


@dataclass(frozen=True, slots=True)
class CashUpLine:
    time: str  # HH:MM in Rome
    order_code: str
    pec: str
    method: str
    operator: str
    reference: str
    amount_cents: int


@dataclass(frozen=True, slots=True)
class CashUpContent:
    day: date
    made_at: datetime
    made_at_text: str  # "25/11/2026 10:00", in Rome
    made_by: str
    by_method: tuple[CashUpTotal, ...]
    by_operator: tuple[CashUpTotal, ...]
    lines: tuple[CashUpLine, ...]
    total_cents: int


def _totals(
    pdf: FPDF, heading: str, column: str, rows: tuple[CashUpTotal, ...], total: int
) -> None:
    from fpdf.fonts import FontFace

    _text(pdf, heading, 11, bold=True, h=7)
    pdf.set_font(FAMILY, "", 9.5)
    with pdf.table(
        col_widths=(110, 30, 40),
        text_align=("LEFT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=5.5,
        width=WIDTH,
        borders_layout="HORIZONTAL_LINES",
    ) as table:
        row = table.row()
        for text in (column, "Pagamenti", "Importo"):
            row.cell(text)
        for item in rows:
            row = table.row()
            row.cell(item.label)
            row.cell(str(item.count))
            row.cell(euro(item.amount_cents))
        row = table.row(style=FontFace(emphasis="BOLD"))
        row.cell("Totale")
        row.cell(str(sum(r.count for r in rows)))
        row.cell(euro(total))
    pdf.ln(4)


def cashup_pdf(seller: Seller, content: CashUpContent) -> bytes:
    """The report: totals by method, by operator, then every payment of the day."""
    from fpdf.fonts import FontFace

    title = f"Rapporto di cassa del {day(content.day)}"
    pdf = _new_pdf(title, seller, content.made_at)
    _seller_header(
        pdf,
        seller,
        "RAPPORTO DI CASSA",
        [
            ("Giorno", day(content.day)),
            ("Stampato il", content.made_at_text),
            ("Operatore", content.made_by),
        ],
    )
    _text(pdf, f"Incassi del {day(content.day)}: {euro(content.total_cents)}", 12, bold=True, h=8)
    pdf.ln(2)
    _totals(pdf, "Per modalità di pagamento", "Modalità", content.by_method, content.total_cents)
    _totals(pdf, "Per operatore", "Operatore", content.by_operator, content.total_cents)
    _text(pdf, "Pagamenti", 11, bold=True, h=7)
    if not content.lines:
        _text(pdf, "Nessun pagamento registrato in questo giorno.", 10)
    else:
        pdf.set_font(FAMILY, "", 8)
        with pdf.table(
            col_widths=(12, 22, 58, 24, 26, 38),
            text_align=("LEFT", "LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
            line_height=4.5,
            width=WIDTH,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            row = table.row()
            for text in ("Ora", "Ordine", "Casella PEC / riferimento", "Modalità", "Operatore"):
                row.cell(text)
            row.cell("Importo")
            for line in content.lines:
                row = table.row()
                row.cell(line.time)
                row.cell(line.order_code)
                row.cell(f"{line.pec}\n{line.reference}")
                row.cell(line.method)
                row.cell(line.operator)
                row.cell(euro(line.amount_cents))
    pdf.ln(6)
    pdf.set_x(MARGIN)
    _text(
        pdf,
        "Importi in euro, IVA inclusa, come registrati al momento del pagamento (giorno di "
        "calendario italiano). Firma dell'operatore: ______________________",
        8.5,
        h=4.5,
    )
    return _output(pdf)
