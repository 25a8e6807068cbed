"""Reconciliation of offline payments from a bank statement (`payments import`).

Each credit line is matched by the order code in its causale (the check character tells a
mistyped code from a valid one) and its amount: a valid code of a pending order with the exact
total is confirmed through `PaymentService.confirm`, with the bank's entry reference as the
payment's reference. Anything else is listed for a person and confirmed by nobody. Every line
is recorded in `statement_line` under its entry reference, so that importing the same statement
again (or one that overlaps it) changes nothing. A dry run decides the same way and writes
nothing. A file that cannot be read whole is refused whole (`InvalidInput`, exit 2).

The confirmation and the line's record are two transactions (`confirm` owns its own): after a
crash between them, importing again finds the payment already there with the same reference and
amount (`already_recorded`), and records the line then. Two imports of one file at once end the
same way: `confirm` is idempotent, and the unique entry reference keeps one record per line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import date

from kiosk.clock import ROME
from kiosk.domain import ordercode
from kiosk.domain.model import OrderStatus
from kiosk.errors import Conflict, InvalidInput, Refusal
from kiosk.i18n import _, day, money
from kiosk.payments.statements import (
    StatementEntry,
    StatementError,
    StatementFormat,
    derived_reference,
    sniff,
)
from kiosk.payments.statements.camt import parse_camt053
from kiosk.payments.statements.csvfile import load_profiles, parse_csv
from kiosk.payments.statements.matching import suggest, written_codes
from kiosk.services.context import ServiceContext
from kiosk.services.desk import cash_cheque, cheque_for
from kiosk.services.dto import LineOutcome, StatementImport, StatementLineResult
from kiosk.services.payments import REFERENCE_MAX, PaymentService
from kiosk.services.tx import audit, guarded
from kiosk.store.models import Order, Payment, StatementLine

CAUSALE_MAX = 500
_REFUSALS = {
    "unknown_order": LineOutcome.UNKNOWN_ORDER,
    "cancelled": LineOutcome.CANCELLED,
    "already_paid": LineOutcome.ALREADY_PAID,
    "wrong_amount": LineOutcome.WRONG_AMOUNT,
    "reference_used": LineOutcome.REFERENCE_USED,
}


def read_statement(
    ctx: ServiceContext, data: bytes, fmt: str | None, profile: str | None
) -> tuple[list[StatementEntry], StatementFormat, str | None]:
    """The file's movements, its format and the CSV profile used; `InvalidInput` if unreadable."""
    chosen = StatementFormat(fmt) if fmt else sniff(data)
    try:
        if chosen is StatementFormat.CAMT053:
            return parse_camt053(data), chosen, None
        try:
            default, profiles = load_profiles(ctx.settings.refdata_dir)
        except (OSError, ValueError) as exc:
            raise InvalidInput(
                "profile",
                _("Profili degli estratti conto non leggibili: {error}").format(error=exc),
            ) from None
        name = profile or default
        if name not in profiles:
            raise InvalidInput(
                "profile",
                _("Profilo {name} sconosciuto; profili: {names}.").format(
                    name=name, names=", ".join(sorted(profiles))
                ),
            )
        return parse_csv(data, profiles[name]), chosen, name
    except StatementError as exc:
        raise InvalidInput(
            "file", _("Estratto conto non leggibile ({text}).").format(text=exc.text)
        ) from None


class ReconcileService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def import_statement(
        self,
        data: bytes,
        *,
        fmt: str | None = None,
        profile: str | None = None,
        dry_run: bool = False,
        actor: str | None = None,
    ) -> StatementImport:
        """Match every credit line of the statement; confirm what matches (unless `dry_run`)."""
        entries, chosen, profile_name = read_statement(self.ctx, data, fmt, profile)
        file_hash = hashlib.sha256(data).hexdigest()
        credits = [e for e in entries if e.credit and e.booked]
        ignored = len(entries) - len(credits)
        refs = [_fit(e) for e in credits]
        known = {
            row.entry_reference: row for row in await StatementLine.filter(entry_reference__in=refs)
        }
        open_codes = list(
            await Order.filter(status=OrderStatus.PENDING).values_list("code", flat=True)
        )
        run = _Run(open_codes=[str(c) for c in open_codes])
        results = []
        for original, ref in zip(credits, refs, strict=True):
            entry = replace(original, reference=ref)
            result = await self._line(entry, known.get(ref), run, dry_run, actor)
            if not dry_run and result.outcome not in (
                LineOutcome.DUPLICATE,
                LineOutcome.ALREADY_IMPORTED,
            ):
                result = await self._record(entry, result, file_hash, actor)
            results.append(result)
        outcome = StatementImport(
            file_hash, chosen.value, profile_name, dry_run, tuple(results), ignored
        )
        recorded = [
            r
            for r in results
            if r.outcome not in (LineOutcome.DUPLICATE, LineOutcome.ALREADY_IMPORTED)
        ]
        if recorded and not dry_run:  # a re-import that adds nothing leaves no trace either

            async def record() -> None:
                await audit(
                    self.ctx.now(),
                    "statement.imported",
                    actor=actor,
                    subject=file_hash,
                    format=chosen.value,
                    confirmed=len(outcome.confirmed),
                    to_check=len(outcome.to_check),
                    settled=len(outcome.settled),
                    ignored=ignored,
                )

            await self.ctx.atomic(record)
        return outcome

    async def _line(
        self,
        entry: StatementEntry,
        earlier: StatementLine | None,
        run: _Run,
        dry_run: bool,
        actor: str | None,
    ) -> StatementLineResult:
        def result(
            outcome: LineOutcome,
            message: str,
            *,
            order_code: str | None = None,
            invoice_number: str | None = None,
            suggestions: tuple[str, ...] = (),
        ) -> StatementLineResult:
            return StatementLineResult(
                entry.where,
                entry.reference,
                entry.booked_on,
                entry.amount_cents,
                entry.causale,
                outcome,
                message,
                order_code,
                invoice_number,
                suggestions,
            )

        first = run.first_seen.setdefault(entry.reference, entry.where)
        if first != entry.where:
            return result(
                LineOutcome.DUPLICATE,
                _("Riga ripetuta nel file: stesso riferimento di {where}.").format(where=first),
            )
        if earlier is not None:
            return result(
                LineOutcome.ALREADY_IMPORTED,
                _("Già importata il {day} ({outcome}).").format(
                    day=day(earlier.imported_at.astimezone(ROME).date()),
                    outcome=LineOutcome(earlier.outcome).label,
                ),
                order_code=earlier.order_code,
            )
        if entry.currency != "EUR":
            return result(
                LineOutcome.NOT_EURO,
                _("Importo in {currency}, non in euro.").format(currency=entry.currency),
            )
        cheque = await cheque_for(entry.causale, entry.amount_cents)
        if cheque is not None:  # a cheque received at the desk: its order is already paid
            cheque_code = cheque.order.code
            if dry_run:
                return result(
                    LineOutcome.CHEQUE_CASHED,
                    _("Assegno da incassare dell'ordine {code} (prova: nessuna modifica).").format(
                        code=cheque_code
                    ),
                    order_code=cheque_code,
                )
            if await cash_cheque(self.ctx, cheque, entry.reference, actor):
                return result(
                    LineOutcome.CHEQUE_CASHED,
                    _("Assegno n. {number} dell'ordine {code} incassato.").format(
                        number=cheque.cheque_number, code=cheque_code
                    ),
                    order_code=cheque_code,
                )
        code = ordercode.find_in_causale(entry.causale)
        if code is None:
            if not written_codes(entry.causale) and not ordercode.near_misses(entry.causale):
                return result(LineOutcome.NO_CODE, _("Nessun codice ordine nella causale."))
            nearest = suggest(entry.causale, run.open_codes)
            if nearest:
                message = _(
                    "Codice ordine scritto male (il carattere di controllo non torna): forse "
                    "{codes}? Verificare e confermare a mano."
                ).format(codes=", ".join(nearest))
            else:
                message = _(
                    "Codice ordine scritto male (il carattere di controllo non torna) e nessun "
                    "ordine aperto simile."
                )
            return result(LineOutcome.MISTYPED, message, suggestions=nearest)
        if code in run.paid_here:
            return result(
                LineOutcome.ALREADY_PAID,
                _(
                    "L'ordine {code} è già pagato da un'altra riga di questo estratto ({where})."
                ).format(code=code, where=run.paid_here[code]),
                order_code=code,
            )
        outcome, message = await _assess(code, entry)
        if outcome is not LineOutcome.CONFIRMED or dry_run:
            if outcome is LineOutcome.CONFIRMED:
                run.paid_here[code] = entry.where
                message = _("Da confermare (prova: nessuna modifica).")
            return result(outcome, message, order_code=code)
        try:
            done = await PaymentService(self.ctx).confirm(
                code, entry.amount_cents, entry.reference, actor=actor
            )
        except Refusal as exc:  # changed since we looked: the service's word is final
            outcome = _REFUSALS.get(exc.reason.value, LineOutcome.UNKNOWN_ORDER)
            return result(outcome, exc.message, order_code=code)
        run.paid_here[code] = entry.where
        if done.already_confirmed:
            return result(
                LineOutcome.ALREADY_RECORDED,
                _("Pagamento già registrato."),
                order_code=code,
                invoice_number=done.invoice_number,
            )
        return result(
            LineOutcome.CONFIRMED,
            _("Pagamento confermato: fattura {number}.").format(number=done.invoice_number),
            order_code=code,
            invoice_number=done.invoice_number,
        )

    async def _record(
        self, entry: StatementEntry, result: StatementLineResult, file_hash: str, actor: str | None
    ) -> StatementLineResult:
        """Remember the line; one imported meanwhile by another run is reported as such."""

        async def work() -> None:
            await StatementLine.create(
                entry_reference=entry.reference,
                file_hash=file_hash,
                booked_on=entry.booked_on,
                amount_cents=entry.amount_cents,
                causale=entry.causale[:CAUSALE_MAX],
                outcome=result.outcome.value,
                order_code=result.order_code,
                imported_at=self.ctx.now(),
                operator=actor,
            )

        try:
            await self.ctx.atomic(work)
        except Conflict:
            return replace(
                result,
                outcome=LineOutcome.ALREADY_IMPORTED,
                message=_("Importata nel frattempo da un'altra esecuzione."),
            )
        return result


@dataclass(slots=True)
class _Run:
    """One import: the open orders' codes, and what earlier lines of the file did (reference →
    where it was first seen; order code → the line that paid it)."""

    open_codes: list[str]
    first_seen: dict[str, str] = field(default_factory=dict)
    paid_here: dict[str, str] = field(default_factory=dict)


async def _assess(code: str, entry: StatementEntry) -> tuple[LineOutcome, str]:
    """What `confirm` would say, read without writing (the dry run's answer, and the check
    before a real confirmation)."""
    order = await Order.get_or_none(code=code)
    if order is None:
        return LineOutcome.UNKNOWN_ORDER, _("Nessun ordine con codice {code}.").format(code=code)
    if order.status == OrderStatus.CANCELLED:
        return LineOutcome.CANCELLED, _(
            "L'ordine {code} è stato annullato: il pagamento va restituito o abbinato a mano."
        ).format(code=code)
    if order.status in (OrderStatus.PAID, OrderStatus.ACTIVATED):
        payment = await Payment.get_or_none(order_id=order.id)
        if (
            payment is not None
            and payment.amount_cents == entry.amount_cents
            and payment.reference == entry.reference
        ):
            return LineOutcome.ALREADY_RECORDED, _("Pagamento già registrato.")
        return LineOutcome.ALREADY_PAID, _(
            "L'ordine {code} risulta già pagato (riferimento {ref})."
        ).format(code=code, ref=payment.reference if payment else "?")
    if entry.amount_cents != order.total_cents:
        return LineOutcome.WRONG_AMOUNT, _(
            "Importo {amount} diverso dal totale dell'ordine {code} ({total})."
        ).format(amount=money(entry.amount_cents), code=code, total=money(order.total_cents))
    used = (
        await Payment.filter(reference__iexact=entry.reference)
        .exclude(order_id=order.id)
        .prefetch_related("order")
        .first()
    )
    if used is not None:
        return LineOutcome.REFERENCE_USED, _(
            "Il riferimento {ref} è già stato registrato per l'ordine {other}."
        ).format(ref=entry.reference, other=used.order.code)
    return LineOutcome.CONFIRMED, ""


def _fit(entry: StatementEntry) -> str:
    """The entry reference as `confirm` takes it (spaces folded, at most 140 characters)."""
    reference = " ".join(entry.reference.split())
    if len(reference) <= REFERENCE_MAX:
        return reference
    return derived_reference(entry.booked_on or date.min, entry.amount_cents, reference, 1)
