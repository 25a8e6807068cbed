"""Running a command: settings from the global options, the database opened around the work."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import click
from tortoise.exceptions import ConfigurationError, DBConnectionError, OperationalError

from kiosk.cli.output import EXIT_BAD_INPUT, EXIT_REFUSED, EXIT_UNAVAILABLE, fail
from kiosk.i18n import _
from kiosk.services.errors import InvalidInput, Refused, Unavailable
from kiosk.services.facade import Services
from kiosk.services.imports import ImportRejected
from kiosk.services.runtime import open_services
from kiosk.settings import Settings

T = TypeVar("T")


@dataclass
class CliState:
    settings: Settings
    as_json: bool = False
    reset_demo: bool = False


def state() -> CliState:
    return click.get_current_context().find_object(CliState)  # type: ignore[return-value]


def wants_json(local: bool) -> bool:
    return local or state().as_json


def run(work: Callable[[Services], Awaitable[T]], *, as_json: bool = False) -> T:
    """Open the database, run `work`, and turn service errors into messages and exit codes."""
    st = state()
    as_json = as_json or st.as_json

    async def main() -> T:
        async with open_services(st.settings, reset_demo=st.reset_demo) as services:
            return await work(services)

    try:
        return asyncio.run(main())
    except ImportRejected as exc:
        lines = [{"line": line, "reason": reason} for line, reason in exc.errors]
        if not as_json:
            for line, reason in exc.errors:
                click.echo(_("riga {line}: {reason}").format(line=line, reason=reason), err=True)
        fail(EXIT_BAD_INPUT, "invalid_file", exc.message, as_json=as_json, errors=lines)
    except InvalidInput as exc:
        fail(EXIT_BAD_INPUT, "invalid_input", exc.message, as_json=as_json, field=exc.field)
    except Refused as exc:
        fail(EXIT_REFUSED, exc.reason, exc.message, as_json=as_json)
    except (Unavailable, DBConnectionError, OperationalError, ConfigurationError, OSError) as exc:
        message = exc.message if isinstance(exc, Unavailable) else str(exc)
        fail(
            EXIT_UNAVAILABLE,
            "unavailable",
            _("Database non raggiungibile o non utilizzabile: {error}").format(error=message),
            as_json=as_json,
        )
