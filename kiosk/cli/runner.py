"""Running a command: settings from the global options, the database opened around the work."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from typing import TypeVar

import click

from kiosk.cli.output import EXIT_BAD_INPUT, EXIT_REFUSED, EXIT_UNAVAILABLE, fail, neutral
from kiosk.cli.state import state
from kiosk.errors import Conflict, InvalidInput, Refusal, Unavailable
from kiosk.i18n import _
from kiosk.services.facade import Services
from kiosk.services.imports import ImportRejected
from kiosk.services.runtime import open_services
from kiosk.services.tx import translate

T = TypeVar("T")


DEMO_ACTOR = "admin.demo"  # who acts in demo mode when nobody says (the demo's administrator)


def claimed_identity() -> str | None:
    """Who says they run this command: --as / KIOSK_AS, else the OS user's operator account,
    else, in demo mode, the demo's administrator."""
    settings = state().settings
    if settings.act_as:
        return settings.act_as.strip().lower()
    try:
        os_user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        os_user = ""
    mapped = settings.operator_accounts.get(os_user)
    if mapped:
        return mapped.strip().lower()
    return DEMO_ACTOR if settings.demo else None


def run_as(
    work: Callable[[Services, str], Awaitable[T]],
    *,
    as_json: bool = False,
    bootstrap: bool = False,
) -> T:
    """`run`, for a command that changes something: `work` gets the userid of the operator or
    administrator who runs it (recorded in the audit trail). Nobody, or someone who is not
    staff, is bad usage (exit 2) — except, with `bootstrap`, on a database with no staff yet
    (the first administrator is created that way)."""
    claimed = claimed_identity()

    async def acting(services: Services) -> T:
        if claimed is not None and await services.accounts.staff_member(claimed) is not None:
            return await work(services, claimed)
        if bootstrap and not await services.accounts.has_staff():
            return await work(services, claimed or "bootstrap")
        if claimed is None:
            raise InvalidInput(
                "as",
                _(
                    "Indicare chi esegue il comando: --as USERID di un operatore o "
                    "dell'amministrazione (oppure KIOSK_AS, o operator_accounts nella "
                    "configurazione)."
                ),
            )
        raise InvalidInput(
            "as",
            _("{userid} non è un operatore né un utente dell'amministrazione.").format(
                userid=claimed
            ),
        )

    return run(acting, as_json=as_json)


def run(work: Callable[[Services], Awaitable[T]], *, as_json: bool = False) -> T:
    """Open the database, run `work`, and turn service errors into messages and exit codes."""
    st = state()
    as_json = as_json or st.as_json

    async def main() -> T:
        async with open_services(st.settings, reset_demo=st.reset_demo) as services:
            return await work(services)

    try:
        try:
            return asyncio.run(main())
        except Exception as exc:  # opening the database: the same words as any service
            error = translate(exc)
            if error is None:
                raise
            raise error from exc
    except ImportRejected as exc:
        lines = [{"line": line, "reason": reason} for line, reason in exc.errors]
        if not as_json:
            for line, reason in exc.errors:
                click.echo(
                    _("riga {line}: {reason}").format(line=line, reason=neutral(reason)), err=True
                )
        fail(EXIT_BAD_INPUT, "invalid_file", exc.message, as_json=as_json, errors=lines)
    except InvalidInput as exc:
        fail(EXIT_BAD_INPUT, "invalid_input", exc.message, as_json=as_json, field=exc.field)
    except Refusal as exc:
        fail(EXIT_REFUSED, exc.reason.value, exc.message, as_json=as_json, **refusal_extra(exc))
    except Conflict as exc:
        fail(EXIT_REFUSED, "conflict", exc.message, as_json=as_json, constraint=exc.constraint)
    except Unavailable as exc:
        if exc.config:  # bad configuration: retrying will not help
            fail(EXIT_BAD_INPUT, "bad_configuration", exc.message, as_json=as_json)
        if exc.busy:
            message = _("Database occupato da un'altra operazione: riprovare tra qualche istante.")
        else:
            message = _("Database non raggiungibile o non utilizzabile ({detail}).").format(
                detail=exc.detail or "?"
            )
        fail(EXIT_UNAVAILABLE, "unavailable", message, as_json=as_json, busy=exc.busy)


def refusal_extra(exc: Refusal) -> dict[str, object]:
    """What a script may want beside the reason: the blocking order, the opening date..."""
    from kiosk.cli.output import plain
    from kiosk.services.dto import RenewalRefusal

    extra: dict[str, object] = {k: plain(v) for k, v in exc.details.items()}
    if isinstance(exc, RenewalRefusal):
        extra["pec"] = exc.pec
        if exc.current_expiry:
            extra["current_expiry"] = exc.current_expiry.isoformat()
        if exc.opens_on:
            extra["opens_on"] = exc.opens_on.isoformat()
        if exc.order:
            extra["order_code"] = exc.order.code
            extra["order_status"] = exc.order.status.value
        if exc.contacts:
            extra["sales_support"] = {
                "phone": exc.contacts.sales_phone,
                "email": exc.contacts.sales_email,
            }
    return extra
