"""The database checked against the invariants the services keep (`pec-kiosk db check`).

The schema enforces what it can (unique numbers, a balance never negative, append-only ledger);
this checks what spans rows and tables, after a crash, a restore or a hand edit:

- every prepaid balance is the sum of its ledger entries;
- every paid or activated order has its payment and its invoice, and no other order has either;
- each year's invoice numbers are 1..N with no gap, dated in the order of their numbers;
- at most one open (pending or paid) order per mailbox;
- each year's invoice counter is that year's highest invoice number.

Only reads: it can run beside the kiosks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise

from tortoise.functions import Count, Sum

from kiosk.domain.model import OPEN_ORDER_STATUSES, OrderStatus
from kiosk.i18n import _, money
from kiosk.services.context import ServiceContext
from kiosk.services.dto import Problem, ProblemKind
from kiosk.services.tx import guarded
from kiosk.store.models import (
    Invoice,
    InvoiceCounter,
    Order,
    Payment,
    PrepaidAccount,
    PrepaidEntry,
)

PAID_STATUSES = (OrderStatus.PAID, OrderStatus.ACTIVATED)


class ConsistencyService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def check(self) -> list[Problem]:
        """Every inconsistency found (empty: the database is consistent)."""
        problems: list[Problem] = []
        problems += await _ledger()
        problems += await _payments_and_invoices()
        problems += await _invoice_numbers()
        problems += await _open_orders()
        return problems


async def _ledger() -> list[Problem]:
    sums: dict[int, int] = {
        int(account): int(total or 0)
        for account, total in await PrepaidEntry.annotate(total=Sum("amount_cents"))
        .group_by("account_id")
        .values_list("account_id", "total")
    }
    problems = []
    for account in await PrepaidAccount.all().prefetch_related("subscriber"):
        ledger = sums.pop(account.id, 0)
        if ledger != account.balance_cents:
            problems.append(
                _ledger_problem(account.subscriber.userid, account.balance_cents, ledger)
            )
    for account_id, ledger in sums.items():  # entries of an account that does not exist
        problems.append(_ledger_problem(f"#{account_id}", 0, ledger))
    return problems


def _ledger_problem(userid: str, balance: int, ledger: int) -> Problem:
    return Problem(
        ProblemKind.LEDGER_BALANCE,
        userid,
        _(
            "Conto prepagato di {userid}: il credito ({balance}) non è la somma dei movimenti "
            "({ledger})."
        ).format(userid=userid, balance=money(balance), ledger=money(ledger)),
    )


async def _payments_and_invoices() -> list[Problem]:
    paid = {str(s) for s in PAID_STATUSES}
    codes = dict(await Order.all().values_list("id", "code"))
    statuses = {i: str(s) for i, s in await Order.all().values_list("id", "status")}
    payments = _counts(await Payment.all().values_list("order_id", flat=True))
    invoices = _counts(await Invoice.all().values_list("order_id", flat=True))
    problems = []
    for order_id, status in sorted(statuses.items()):
        code = str(codes[order_id])
        has_payment, has_invoice = payments.get(order_id, 0), invoices.get(order_id, 0)
        if status in paid:
            if has_payment != 1:
                problems.append(
                    Problem(
                        ProblemKind.PAID_WITHOUT_PAYMENT,
                        code,
                        _("Ordine {code} pagato senza un pagamento registrato.").format(code=code),
                    )
                )
            if has_invoice != 1:
                problems.append(
                    Problem(
                        ProblemKind.PAID_WITHOUT_INVOICE,
                        code,
                        _("Ordine {code} pagato senza fattura.").format(code=code),
                    )
                )
        else:
            if has_payment:
                problems.append(
                    Problem(
                        ProblemKind.UNPAID_WITH_PAYMENT,
                        code,
                        _(
                            "Ordine {code} non pagato ({status}) con un pagamento registrato."
                        ).format(code=code, status=status),
                    )
                )
            if has_invoice:
                problems.append(
                    Problem(
                        ProblemKind.UNPAID_WITH_INVOICE,
                        code,
                        _("Ordine {code} non pagato ({status}) con una fattura.").format(
                            code=code, status=status
                        ),
                    )
                )
    return problems


def _counts(ids: Iterable[object]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for order_id in ids:
        counts[int(str(order_id))] += 1
    return counts


async def _invoice_numbers() -> list[Problem]:
    by_year: dict[int, list[tuple[int, datetime]]] = defaultdict(list)
    for year, number, issued_at in (
        await Invoice.all().order_by("year", "number").values_list("year", "number", "issued_at")
    ):
        by_year[int(year)].append((int(number), issued_at))
    problems = []
    for year, rows in sorted(by_year.items()):
        numbers = [n for n, _at in rows]
        missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
        if missing:
            shown = ", ".join(str(n) for n in missing[:10]) + (" …" if len(missing) > 10 else "")
            problems.append(
                Problem(
                    ProblemKind.INVOICE_GAP,
                    str(year),
                    _("Fatture del {year}: numeri mancanti {numbers}.").format(
                        year=year, numbers=shown
                    ),
                )
            )
        for (before, before_at), (number, at) in pairwise(rows):
            if at < before_at:
                problems.append(
                    Problem(
                        ProblemKind.INVOICE_DATE_ORDER,
                        f"{year}/{number:06d}",
                        _(
                            "Fattura {year}/{number:06d} datata prima della {year}/{before:06d}."
                        ).format(year=year, number=number, before=before),
                    )
                )
    counters = {
        int(y): int(n) for y, n in await InvoiceCounter.all().values_list("year", "last_number")
    }
    highest = {year: max(n for n, _at in rows) for year, rows in by_year.items()}
    for year in sorted(set(counters) | set(highest)):
        counter, top = counters.get(year, 0), highest.get(year, 0)
        if counter != top:
            problems.append(
                Problem(
                    ProblemKind.INVOICE_COUNTER,
                    str(year),
                    _(
                        "Contatore delle fatture del {year} a {counter}, ma l'ultima fattura è la "
                        "numero {top}."
                    ).format(year=year, counter=counter, top=top),
                )
            )
    return problems


async def _open_orders() -> list[Problem]:
    rows = (
        await Order.filter(status__in=[str(s) for s in OPEN_ORDER_STATUSES])
        .annotate(n=Count("id"))
        .group_by("mailbox_id")
        .filter(n__gt=1)
        .values_list("mailbox_id", "n")
    )
    problems = []
    for mailbox_id, n in rows:
        codes = await Order.filter(
            mailbox_id=mailbox_id, status__in=[str(s) for s in OPEN_ORDER_STATUSES]
        ).values_list("code", flat=True)
        address = await _address(int(mailbox_id))
        problems.append(
            Problem(
                ProblemKind.OPEN_ORDERS,
                address,
                _("Casella {pec}: {count} ordini aperti ({codes}).").format(
                    pec=address, count=n, codes=", ".join(sorted(str(c) for c in codes))
                ),
            )
        )
    return problems


async def _address(mailbox_id: int) -> str:
    from kiosk.store.models import Mailbox

    box = await Mailbox.get_or_none(id=mailbox_id)
    return box.address if box else f"#{mailbox_id}"
