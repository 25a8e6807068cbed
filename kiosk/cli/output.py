"""How the CLI speaks: Italian text for people, `--json` for scripts, and its exit codes.

0 success; 1 refused by a rule (the reason is printed); 2 bad usage or bad input;
3 the database could not be reached.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date, datetime
from enum import Enum
from typing import Any, NoReturn

import click

from kiosk.i18n import _

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT, EXIT_UNAVAILABLE = 0, 1, 2, 3
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


def emit_json(payload: Any) -> None:
    click.echo(json.dumps(plain(payload), ensure_ascii=False, indent=2))


def fail(code: int, reason: str, message: str, *, as_json: bool, **extra: Any) -> NoReturn:
    """Report a failure (JSON on stdout for scripts, text on stderr for people) and exit."""
    if as_json:
        emit_json({"error": reason, "message": message, **extra})
    else:
        click.echo(_("Errore: {message}").format(message=message), err=True)
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
    width = max((len(label) for label, _ in rows), default=0)
    for label, value in rows:
        click.echo(f"{label.ljust(width)}  {value}")


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Risultato in JSON, per gli script."
)
