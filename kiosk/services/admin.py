"""The administration's money desk: top up a prepaid account, confirm an offline payment by its
order code, import a bank statement, and resolve the lines it could not match (match one to an
order, or mark it for refund).

Every call names the acting administrator (`actor`), checked first (`require_admin`): an
operator, a disabled administrator or an unknown userid is refused before anything is looked
up, so the refusal tells nothing about orders, accounts or lines. The rest reuses the back
office's own rules (`AccountService.top_up`, `PaymentService.confirm`, `ReconcileService`):
the same amounts, the same checks, the same audit records, with the administrator as actor.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from kiosk.domain import validation
from kiosk.domain.model import Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _
from kiosk.services.admin_dto import AccountHolder, Resolution, StatementException, TopUpDone
from kiosk.services.context import ServiceContext
from kiosk.services.dto import LineOutcome, OrderView, PaymentConfirmation, StatementImport
from kiosk.services.tx import audit, guarded
from kiosk.store.models import PrepaidAccount, StatementLine, Subscriber

EXCEPTIONS_SHOWN = 500  # the newest lines listed at once
STATEMENT_MAX_BYTES = 50 * 1024 * 1024  # a statement file read from a path typed on screen
_NEEDS_PERSON = tuple(o.value for o in LineOutcome if o.needs_person)


def not_admin() -> Refusal:
    return Refusal(Reason.NOT_ADMIN, _("Operazione riservata all'amministrazione."))


async def require_admin(actor: str) -> Subscriber:
    """The enabled administrator `actor`, or `Refusal(NOT_ADMIN)` — the same for an operator,
    a disabled account and an unknown userid."""
    uid = actor.strip().lower()
    user = await Subscriber.get_or_none(userid=uid) if validation.is_userid(uid) else None
    if user is None or Role(user.role) is not Role.ADMIN or user.disabled_at is not None:
        raise not_admin()
    return user


def exception_view(line: StatementLine, invoice_number: str | None = None) -> StatementException:
    return StatementException(
        id=line.id,
        reference=line.entry_reference,
        booked_on=line.booked_on,
        amount_cents=line.amount_cents,
        causale=line.causale,
        outcome=LineOutcome(line.outcome),
        order_code=line.order_code,
        imported_at=line.imported_at,
        resolution=Resolution(line.resolution) if line.resolution else None,
        resolved_at=line.resolved_at,
        resolved_by=line.resolved_by,
        note=line.resolution_note,
        invoice_number=invoice_number,
    )


class AdminService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # --- prepaid accounts ------------------------------------------------------------------

    @guarded
    async def account_holder(self, userid: str, *, actor: str) -> AccountHolder:
        """Whose account a top-up goes to (shown before it is confirmed)."""
        await require_admin(actor)
        user = await Subscriber.get_or_none(userid=validation.userid_ref(userid))
        if user is None:
            raise Refusal(
                Reason.UNKNOWN_USER, _("Nessun utente con userid {userid}.").format(userid=userid)
            )
        if Role(user.role) is not Role.SUBSCRIBER:
            raise Refusal(
                Reason.NOT_SUBSCRIBER,
                _("{userid} non è un iscritto: il conto prepagato è dei soli avvocati.").format(
                    userid=user.userid
                ),
            )
        account = await PrepaidAccount.get_or_none(subscriber_id=user.id)
        return AccountHolder(user.userid, user.nominativo, account.balance_cents if account else 0)

    @guarded
    async def top_up(
        self, userid: str, amount_cents: int, *, actor: str, reference: str, note: str = ""
    ) -> TopUpDone:
        """Credit a lawyer's prepaid account (`AccountService.top_up`'s rules and audit)."""
        from kiosk.services.accounts import AccountService

        await require_admin(actor)
        balance = await AccountService(self.ctx).top_up(
            userid, amount_cents, actor=actor, reference=reference, note=note
        )
        return TopUpDone(validation.userid_ref(userid), amount_cents, balance)

    # --- offline payments ------------------------------------------------------------------

    @guarded
    async def order(self, code: str, *, actor: str) -> OrderView:
        """The order a payment is about to be confirmed for (amount, payer, state)."""
        from kiosk.services.renewal import find_order
        from kiosk.services.views import order_view

        await require_admin(actor)
        return await order_view(self.ctx, await find_order(code))

    @guarded
    async def confirm_payment(
        self,
        code: str,
        amount_cents: int,
        reference: str,
        *,
        actor: str,
        force: bool = False,
        note: str = "",
    ) -> PaymentConfirmation:
        """`PaymentService.confirm`: exact amount, a bank reference pays one order only (unless
        `force`d with a note), idempotent."""
        from kiosk.services.payments import PaymentService

        await require_admin(actor)
        return await PaymentService(self.ctx).confirm(
            code, amount_cents, reference, actor=actor, force=force, note=note
        )

    # --- bank statements -------------------------------------------------------------------

    @guarded
    async def import_statement(
        self, path: str, *, actor: str, fmt: str | None = None, profile: str | None = None
    ) -> StatementImport:
        """Read the statement file at `path` (on the kiosk's host) and reconcile it
        (`ReconcileService.import_statement`); a file that cannot be read is `InvalidInput`."""
        from kiosk.services.reconcile import ReconcileService

        await require_admin(actor)
        data = await asyncio.to_thread(_read_statement, path)
        return await ReconcileService(self.ctx).import_statement(
            data, fmt=fmt, profile=profile, actor=actor
        )

    @guarded
    async def exceptions(
        self, *, actor: str, include_resolved: bool = False
    ) -> tuple[StatementException, ...]:
        """The imported lines that needed a person (open ones, or all), oldest first."""
        await require_admin(actor)
        query = StatementLine.filter(outcome__in=_NEEDS_PERSON)
        if not include_resolved:
            query = query.filter(resolution=None)
        lines = await query.order_by("-imported_at", "-id").limit(EXCEPTIONS_SHOWN)
        return tuple(exception_view(line) for line in reversed(lines))

    async def _open_line(self, line_id: int) -> StatementLine:
        line = await StatementLine.get_or_none(id=line_id)
        if line is None or not LineOutcome(line.outcome).needs_person:
            raise Refusal(
                Reason.UNKNOWN_LINE,
                _("Nessuna riga da verificare con il numero {id}.").format(id=line_id),
            )
        if line.resolution is not None:
            raise _resolved(line)
        return line

    @guarded
    async def match_exception(
        self, line_id: int, order_code: str, *, actor: str, force: bool = False, note: str = ""
    ) -> StatementException:
        """Confirm `order_code`'s payment with this line's amount and bank reference, under the
        automatic match's rules (exact amount; a reference already used for another order only
        with `force` and a note), and mark the line matched: one transaction."""
        from kiosk.services.payments import INVOICE_RACES, PaymentService
        from kiosk.services.renewal import find_order

        await require_admin(actor)
        note = validation.free_text(note, "note", validation.NOTE_MAX)
        if force and not note:
            raise InvalidInput("note", _("Per confermare comunque serve una nota che dica perché."))
        line = await self._open_line(line_id)
        if LineOutcome(line.outcome) is LineOutcome.NOT_EURO:
            raise Refusal(
                Reason.WRONG_AMOUNT,
                _("La riga {id} non è in euro: non può pagare un ordine, va restituita.").format(
                    id=line.id
                ),
            )
        order = await find_order(order_code)
        now = self.ctx.now()

        async def work() -> StatementException:
            if not await StatementLine.filter(id=line.id, resolution=None).update(
                resolution=Resolution.MATCHED.value,
                resolved_at=now,
                resolved_by=actor,
                resolution_note=note,
                order_code=order.code,
            ):
                raise _resolved(line)  # resolved by someone else a moment ago
            done = await PaymentService(self.ctx).apply(
                order.id,
                line.amount_cents,
                line.entry_reference,
                actor=actor,
                force=force,
                note=note,
            )
            await audit(
                now,
                "statement.line_matched",
                actor=actor,
                subject=line.entry_reference,
                line=line.id,
                order=order.code,
                outcome=line.outcome,
                already_recorded=done.already_confirmed,
                forced=force,
                note=note,
            )
            fresh = await StatementLine.get(id=line.id)
            return exception_view(fresh, done.invoice_number)

        return await self.ctx.atomic(work, retry_on=INVOICE_RACES)

    @guarded
    async def refund_exception(self, line_id: int, *, actor: str, note: str) -> StatementException:
        """Mark the line's money to be sent back to the payer (the note says to whom, how)."""
        await require_admin(actor)
        note = validation.free_text(note, "note", validation.NOTE_MAX)
        if not note:
            raise InvalidInput(
                "note", _("Indicare una nota per il rimborso (a chi, come, perché).")
            )
        line = await self._open_line(line_id)
        now = self.ctx.now()

        async def work() -> StatementException:
            if not await StatementLine.filter(id=line.id, resolution=None).update(
                resolution=Resolution.REFUND.value,
                resolved_at=now,
                resolved_by=actor,
                resolution_note=note,
            ):
                raise _resolved(line)
            await audit(
                now,
                "statement.line_refund",
                actor=actor,
                subject=line.entry_reference,
                line=line.id,
                outcome=line.outcome,
                amount_cents=line.amount_cents,
                note=note,
            )
            return exception_view(await StatementLine.get(id=line.id))

        return await self.ctx.atomic(work)


def _resolved(line: StatementLine) -> Refusal:
    return Refusal(
        Reason.LINE_RESOLVED,
        _("La riga {id} è già stata risolta.").format(id=line.id),
    )


def _read_statement(path: str) -> bytes:
    """The bytes of the statement file at `path`, or `InvalidInput` saying why not."""
    text = path.strip()
    if not text:
        raise InvalidInput("path", _("Indicare il percorso del file dell'estratto conto."))
    file = Path(text).expanduser()
    try:
        if not file.is_file():
            raise InvalidInput("path", _("Il file {path} non esiste.").format(path=text))
        if file.stat().st_size > STATEMENT_MAX_BYTES:
            raise InvalidInput(
                "path", _("Il file {path} è troppo grande per un estratto conto.").format(path=text)
            )
        return file.read_bytes()
    except OSError as exc:
        raise InvalidInput(
            "path",
            _("File non leggibile: {path} ({error}).").format(path=text, error=exc.strerror or exc),
        ) from None
