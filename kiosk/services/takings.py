"""The day's takings: payments received on a calendar day in Rome, totalled by method and by
operator, and the desk's cash-up report (PDF) saved under the data directory or printed.

A payment's *operator* is the desk operator behind it: the order's operator (an assisted
renewal), else whoever recorded the payment if that is an operator or an administrator (a
payment confirmed at the desk or by the back office); a payment made by the lawyer alone
(prepaid at the kiosk) or notified by the bank has none ("self-service / banca").
Amounts are integer cents, as stored with the payment.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from kiosk.clock import ROME
from kiosk.documents.cashup import CashUpContent, CashUpLine, CashUpTotal, cashup_pdf
from kiosk.documents.files import private_dir, write_private
from kiosk.documents.seller import load_seller
from kiosk.domain.model import PaymentMethod, Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _, day, language
from kiosk.services.context import ServiceContext
from kiosk.services.desk_views import Takings, TakingsFile, TakingsPayment, TakingsTotal
from kiosk.services.documents import DOCUMENTS_DIR
from kiosk.services.staff import require_staff
from kiosk.services.tx import audit, guarded
from kiosk.store.models import Payment, Subscriber

REPORTS_DIR = "incassi"
FIRST_DAY = date(2000, 1, 1)


def rome_day_bounds(on: date) -> tuple[datetime, datetime]:
    """The instants (UTC) where a calendar day in Rome starts and the next one starts (23 or
    25 hours apart on the days the clocks change)."""
    start = datetime.combine(on, time(0), tzinfo=ROME).astimezone(UTC)
    end = datetime.combine(on + timedelta(days=1), time(0), tzinfo=ROME).astimezone(UTC)
    return start, end


def method_label(value: str) -> str:
    try:
        return PaymentMethod(value).label
    except ValueError:  # a method this version does not know: as the row says
        return value


class TakingsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _day(self, on: date | None) -> date:
        today = self.ctx.clock.today()
        on = on or today
        if not FIRST_DAY <= on <= today:
            raise InvalidInput(
                "day",
                _("Giorno non valido: {day} (non oltre oggi, {today}).").format(
                    day=day(on), today=day(today)
                ),
            )
        return on

    @guarded
    async def day(self, operator: str, on: date | None = None) -> Takings:
        """The takings of `on` (today by default)."""
        await require_staff(operator)
        return await self._takings(self._day(on))

    async def _takings(self, on: date) -> Takings:
        start, end = rome_day_bounds(on)
        rows = (
            await Payment.filter(received_at__gte=start, received_at__lt=end)
            .order_by("received_at", "id")
            .prefetch_related("order__mailbox", "order__operator")
        )
        recorders = {r.recorded_by for r in rows if r.recorded_by}
        staff = {
            str(u)
            for u in await Subscriber.filter(
                userid__in=list(recorders), role__in=(Role.OPERATOR, Role.ADMIN)
            ).values_list("userid", flat=True)
        }
        payments = []
        for row in rows:
            order = row.order
            who = order.operator.userid if order.operator else None
            if who is None and row.recorded_by in staff:
                who = row.recorded_by
            method = str(row.method)
            payments.append(
                TakingsPayment(
                    at=row.received_at,
                    order_code=order.code,
                    pec=order.mailbox.address,
                    method=method,
                    method_label=method_label(method),
                    amount_cents=row.amount_cents,
                    operator=who,
                    reference=row.reference,
                )
            )
        by_method: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        by_operator: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for p in payments:
            for table, key in ((by_method, p.method), (by_operator, p.operator or "")):
                table[key][0] += 1
                table[key][1] += p.amount_cents
        methods = tuple(
            TakingsTotal(k, method_label(k), n, cents)
            for k, (n, cents) in sorted(by_method.items(), key=lambda kv: -kv[1][1])
        )
        operators = tuple(
            TakingsTotal(k, k or _("self-service / banca"), n, cents)
            for k, (n, cents) in sorted(by_operator.items(), key=lambda kv: (kv[0] == "", kv[0]))
        )
        return Takings(
            on, tuple(payments), methods, operators, sum(p.amount_cents for p in payments)
        )

    def _content(self, takings: Takings, me: str) -> CashUpContent:
        now = self.ctx.now()
        with language("it"):  # the report is Italian, whatever the kiosk's language (no await)

            def total(t: TakingsTotal, label: str | None = None) -> CashUpTotal:
                return CashUpTotal(label or t.label, t.count, t.amount_cents)

            methods = tuple(total(t, method_label(t.key)) for t in takings.by_method)
            operators = tuple(
                total(t, t.key or "self-service / banca") for t in takings.by_operator
            )
            lines = tuple(
                CashUpLine(
                    time=p.at.astimezone(ROME).strftime("%H:%M"),
                    order_code=p.order_code,
                    pec=p.pec,
                    method=method_label(p.method),
                    operator=p.operator or "-",
                    reference=p.reference,
                    amount_cents=p.amount_cents,
                )
                for p in takings.payments
            )
        return CashUpContent(
            day=takings.day,
            made_at=now,
            made_at_text=now.astimezone(ROME).strftime("%d/%m/%Y %H:%M"),
            made_by=me,
            by_method=methods,
            by_operator=operators,
            lines=lines,
            total_cents=takings.total_cents,
        )

    async def _write(self, me: str, on: date) -> TakingsFile:
        takings = await self._takings(on)
        content = self._content(takings, me)
        directory = self.ctx.settings.data_dir / DOCUMENTS_DIR
        private_dir(directory, enforce=True)
        directory = private_dir(directory / REPORTS_DIR, enforce=True)
        path = directory / f"incassi-{on.isoformat()}.pdf"
        seller = load_seller(self.ctx.settings.refdata_dir)

        def write() -> bool:
            return write_private(path, cashup_pdf(seller, content))

        written = await asyncio.to_thread(write)
        return TakingsFile(on, path, written)

    @guarded
    async def report(self, operator: str, on: date | None = None) -> TakingsFile:
        """The cash-up report of `on` as a PDF under the data directory (0600), audited."""
        me, _role = await require_staff(operator)
        on = self._day(on)
        made = await self._write(me, on)
        now = self.ctx.now()
        await self.ctx.atomic(
            lambda: audit(now, "takings.report", actor=me, subject=on.isoformat())
        )
        return made

    @guarded
    async def print_report(self, operator: str, on: date | None = None) -> TakingsFile:
        """Make the report and send it to the desk's printer (`KIOSK_PRINT_COMMAND`)."""
        from kiosk.documents.printing import send_to_printer

        me, _role = await require_staff(operator)
        on = self._day(on)
        command = self.ctx.settings.print_command
        if command is None:
            raise Refusal(
                Reason.PRINT_DISABLED,
                _("La stampa non è configurata su questa postazione (KIOSK_PRINT_COMMAND)."),
            )
        made = await self._write(me, on)
        await send_to_printer(command, made.path, seconds=self.ctx.settings.print_timeout)
        now = self.ctx.now()
        await self.ctx.atomic(
            lambda: audit(now, "takings.printed", actor=me, subject=on.isoformat())
        )
        return TakingsFile(made.day, made.path, made.written, printed=True)
