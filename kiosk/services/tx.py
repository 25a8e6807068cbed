"""One transaction per state change, the one retry loop, and database faults turned into the
error hierarchy (`kiosk.errors`).

- A *transient* fault (SQLite busy/locked, a PostgreSQL deadlock, serialization failure or lock
  timeout) rolled the transaction back: it is run again from the start, with exponential backoff,
  until it succeeds or the configured lock timeout has passed (then `Unavailable`).
- `Retry` raised by the work means "another transaction changed what I read": run again.
- An *integrity* fault names the invariant it broke. Invariants the caller lists in `retry_on`
  mean a concurrent change got there first, and the work is run again (it will then see that
  change and refuse with the right reason); any other becomes a `Conflict` naming the invariant.
- An *unreachable* database is `Unavailable` at once: the commit may or may not have happened,
  so only the caller (a person, or an idempotent job) may try again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ParamSpec, TypeVar

from tortoise.exceptions import ValidationError

from kiosk.errors import Conflict, InvalidInput, KioskError, Unavailable, unavailable
from kiosk.i18n import _
from kiosk.store.faults import Fault, diagnose
from kiosk.store.models import AuditEvent

T = TypeVar("T")
P = ParamSpec("P")
log = logging.getLogger("kiosk.db")


class Retry(Exception):
    """Raised inside a transaction: what it read changed under it; run it again."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    lock_timeout: float = 10.0  # seconds: the longest a change may wait for others
    attempts: int = 8
    first_backoff: float = 0.02


DEFAULT_POLICY = RetryPolicy()


def _conflict_messages() -> dict[str, str]:
    """What each invariant means to the person whose change it refused."""
    return {
        "renewal_order.mailbox_id": _(
            "C'è già un ordine di rinnovo aperto per questa casella (registrato da un'altra "
            "postazione)."
        ),
        "renewal_order.code": _("Codice ordine già esistente."),
        "invoice.year,number": _("Numero di fattura già assegnato."),
        "invoice.order_id": _("L'ordine ha già una fattura."),
        "payment.order_id": _("L'ordine ha già un pagamento registrato."),
        "subscriber.userid": _("Lo userid è già in uso."),
        "mailbox.address": _("La casella PEC è già registrata."),
        "balance_not_negative": _("Il credito del conto prepagato non può diventare negativo."),
        "order_total": _("Il totale dell'ordine non corrisponde a imponibile più IVA."),
        "price_positive": _("Un prezzo deve essere positivo."),
    }


def translate(exc: BaseException) -> KioskError | None:
    """The error a database exception means to the user, or None if it is not the database's."""
    if isinstance(exc, KioskError):
        return exc
    if isinstance(exc, ValidationError):  # a value no column can hold (e.g. too long)
        field = str(exc).split(":", 1)[0].strip() if ":" in str(exc) else "valore"
        # the message never repeats the value: it may be an address, and it goes to the log
        return InvalidInput(
            field, _("Valore troppo lungo o non valido per il campo {field}.").format(field=field)
        )
    diagnosis = diagnose(exc)
    if diagnosis.fault is Fault.INTEGRITY:
        message = _conflict_messages().get(diagnosis.constraint) or _(
            "La modifica contrasta con i dati registrati nel frattempo: riprovare."
        )
        return Conflict(diagnosis.constraint, message)
    if diagnosis.fault in (Fault.TRANSIENT, Fault.UNREACHABLE):
        log.warning("database %s (%s): %s", diagnosis.fault.value, diagnosis.code, exc)
        return unavailable(busy=diagnosis.fault is Fault.TRANSIENT, detail=diagnosis.code)
    if diagnosis.fault is Fault.CONFIG:
        log.error("database refused the program's credentials (%s): %s", diagnosis.code, exc)
        return Unavailable(
            _(
                "Il database rifiuta l'accesso del programma ({code}): verificare la "
                "configurazione (utente, password e permessi in KIOSK_DATABASE_URL)."
            ).format(code=diagnosis.code),
            detail=diagnosis.code,
            config=True,
        )
    return None


async def atomic(
    work: Callable[[], Awaitable[T]],
    *,
    retry_on: Collection[str] = (),
    policy: RetryPolicy = DEFAULT_POLICY,
) -> T:
    """Run `work` in one transaction; run it again on transient faults (see module doc)."""
    from tortoise.transactions import in_transaction

    started = time.monotonic()
    backoff = policy.first_backoff
    for attempt in range(1, policy.attempts + 1):
        try:
            async with in_transaction():
                return await work()
        except Retry:
            diagnosis = None
        except KioskError:
            raise
        except Exception as exc:
            diagnosis = diagnose(exc)
            retryable = diagnosis.fault is Fault.TRANSIENT or (
                diagnosis.fault is Fault.INTEGRITY and diagnosis.constraint in retry_on
            )
            if not retryable:
                error = translate(exc)
                if error is None:
                    raise
                raise error from exc
        spent = time.monotonic() - started
        if attempt == policy.attempts or spent + backoff > policy.lock_timeout:
            raise unavailable(busy=diagnosis is None or diagnosis.fault is Fault.TRANSIENT)
        await asyncio.sleep(backoff * (1 + random.random()))
        backoff = min(backoff * 2, 1.0)
    raise AssertionError("unreachable")  # pragma: no cover


async def ping() -> None:
    """Prove the database takes writes now: an empty write transaction (on SQLite it takes the
    write lock, so a file held by another process is found out too)."""
    from tortoise.transactions import in_transaction

    try:
        async with in_transaction() as connection:
            await connection.execute_query("SELECT 1")
    except Exception as exc:
        error = translate(exc)
        if error is None:
            raise
        raise error from exc


def guarded(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """A public use case: whatever the database raises outside `atomic` (reads) reaches the
    caller as the error hierarchy, never as a raw driver or ORM exception."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await method(*args, **kwargs)
        except KioskError:
            raise
        except Exception as exc:
            error = translate(exc)
            if error is None:
                raise
            raise error from exc

    return wrapper


async def audit(
    at: datetime, action: str, *, actor: str | None = None, subject: str = "", **details: Any
) -> None:
    """Append an audit record (call inside the transaction of the change it records)."""
    await AuditEvent.create(at=at, actor=actor, action=action, subject=subject, details=details)
