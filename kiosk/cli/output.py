"""How the CLI speaks: Italian text for people, `--json` for scripts, and its exit codes.

0 success; 1 refused by a rule (the reason is printed); 2 bad usage or bad input;
3 the database could not be reached.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import unicodedata
from datetime import date, datetime
from enum import Enum
from typing import Any, NoReturn

import click

from kiosk.cli.exits import EXIT_BAD_INPUT as EXIT_BAD_INPUT
from kiosk.cli.exits import EXIT_OK as EXIT_OK
from kiosk.cli.exits import EXIT_REFUSED as EXIT_REFUSED
from kiosk.cli.exits import EXIT_UNAVAILABLE as EXIT_UNAVAILABLE
from kiosk.i18n import _

AMOUNT_DIGITS = 9  # euros: what `parse_amount` reads (far inside the 64-bit money columns)


def plain(value: Any) -> Any:
    """Dataclasses, enums and dates as JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k.value if isinstance(k, Enum) else k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


_HIDDEN_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))


def _hidden(ch: str) -> bool:
    """Controls (C0, DEL, C1), format characters (bidi overrides and isolates, zero-width...),
    line and paragraph separators, lone surrogates: what a terminal acts on or does not show."""
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def _escaped(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def neutral(text: str) -> str:
    """Text from the data as a terminal may print it: escape sequences, C0/C1 controls,
    bidirectional and other format characters shown escaped (`\\x1b`, `\\u202e`), so a
    name cannot recolour, move the cursor, hide or reorder what the operator reads."""
    if text.isprintable():  # the common case, at C speed (spaces count as printable)
        return text
    return "".join(_escaped(ch) if _hidden(ch) else ch for ch in text)


def neutral_lines(text: str) -> str:
    """`neutral` for a text of several lines: its line breaks kept."""
    return "\n".join(neutral(line) for line in text.split("\n"))


def _json_safe(text: str) -> str:
    """json.dumps escapes the C0 controls but leaves DEL, C1 and format characters raw."""
    if text.isprintable():
        return text
    return "".join(f"\\u{ord(ch):04x}" if ord(ch) >= 0x7F and _hidden(ch) else ch for ch in text)


def emit_json(payload: Any) -> None:
    """JSON for scripts: letters as themselves, every control or invisible character as a
    `\\uXXXX` escape: still valid JSON, and nothing in it a terminal would act on."""
    click.echo(_json_safe(json.dumps(plain(payload), ensure_ascii=False, indent=2)))


def fail(code: int, reason: str, message: str, *, as_json: bool, **extra: Any) -> NoReturn:
    """Report a failure (JSON on stdout for scripts, text on stderr for people) and exit."""
    if as_json:
        emit_json({"error": reason, "message": message, **extra})
    else:
        click.echo(_("Errore: {message}").format(message=neutral(message)), err=True)
    sys.exit(code)


def amount_cents(text: str, *, as_json: bool) -> int:
    """An amount typed on the command line (`12.20`, `12,20`), or exit 2 saying why."""
    from kiosk.domain.money import parse_amount

    try:
        return parse_amount(text)
    except ValueError:
        digits = text.strip().lstrip("+-€ ").split(",")[0].split(".")[0]
        if len(digits) > AMOUNT_DIGITS and digits.isdigit():
            fail(
                EXIT_BAD_INPUT,
                "invalid_input",
                _(
                    "Importo fuori dai limiti: {amount} (al massimo {digits} cifre prima dei "
                    "decimali)."
                ).format(amount=text[:40], digits=AMOUNT_DIGITS),
                as_json=as_json,
                field="amount",
            )
        fail(
            EXIT_BAD_INPUT,
            "invalid_input",
            _("Importo non valido: {amount}").format(amount=text[:40]),
            as_json=as_json,
        )


def table(rows: list[tuple[str, str]]) -> None:
    """Label and value, aligned; the values are data: neutralised."""
    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        click.echo(f"{label.ljust(width)}  {neutral(value)}")


def csv_cell(value: str) -> str:
    """A cell of a CSV export: a leading =, +, - or @ made text with a quote (a spreadsheet
    would otherwise run it as a formula)."""
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Risultato in JSON, per gli script."
)
