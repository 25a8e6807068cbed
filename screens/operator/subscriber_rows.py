"""The subscriber page's tables: their columns and one row per item (plain text, from data).

Kept apart from the screen so that the screen holds the behaviour and this the wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rich.text import Text

from kiosk.clock import ROME
from kiosk.domain.dates import WindowStatus
from kiosk.domain.model import OrderStatus
from kiosk.i18n import N_, _, day, hour, moment, money
from kiosk.services.dto import MailboxView
from kiosk.services.subscriber_dto import SubscriberPage
from screens.widgets.literal import literal

Row = tuple[str, tuple[Text, ...]]  # (row key, cells)


@dataclass(frozen=True, slots=True)
class Table:
    """One tab's list: its tab title, table id, columns, and how the page becomes rows."""

    tab: str  # N_() text
    table_id: str
    columns: tuple[str, ...]  # N_() texts
    rows: Callable[[SubscriberPage], Iterable[Row]]
    total: Callable[[SubscriberPage], int] | None = None  # when the list is bounded


def _cells(*values: str) -> tuple[Text, ...]:
    return tuple(literal(v) for v in values)


def window_text(box: MailboxView) -> str:
    if box.window is WindowStatus.OPEN:
        return _("aperto fino al {date}").format(date=day(box.closes_on))
    if box.window is WindowStatus.TOO_EARLY:
        return _("dal {date}").format(date=day(box.opens_on))
    return _("chiuso: Supporto Vendite")


def open_order_text(box: MailboxView) -> str:
    order = box.open_order
    if order is None:
        return "—"
    if order.status is OrderStatus.PAID:
        due = order.activation_due_at
        when = day(due.astimezone(ROME).date()) if due else ""
        return _("{code} pagato, rinnovo il {date}").format(code=order.code, date=when)
    return _("{code} da pagare ({total})").format(code=order.code, total=money(order.total_cents))


def _mailboxes(page: SubscriberPage) -> Iterable[Row]:
    for box in page.account.mailboxes:
        yield (
            box.address,
            _cells(
                box.address,
                box.state.label,
                day(box.expiry),
                window_text(box),
                open_order_text(box),
            ),
        )


def _ledger(page: SubscriberPage) -> Iterable[Row]:
    kinds = {"topup": _("ricarica"), "debit": _("addebito"), "adjustment": _("rettifica")}
    for i, entry in enumerate(page.ledger):
        yield (
            f"ledger-{i}",
            _cells(
                moment(entry.at),
                money(entry.amount_cents),
                kinds.get(entry.kind, entry.kind),
                entry.description,
                entry.recorded_by or "",
            ),
        )


def _orders(page: SubscriberPage) -> Iterable[Row]:
    for order in page.orders:
        yield (
            order.code,
            _cells(
                order.code,
                order.pec,
                order.method.label + (" · " + _("assistito") if order.assisted else ""),
                money(order.total_cents),
                order.status.label,
                moment(order.created_at),
            ),
        )


def _invoices(page: SubscriberPage) -> Iterable[Row]:
    for invoice in page.invoices:
        yield (
            invoice.order_code,
            _cells(
                invoice.number,
                day(invoice.issued_at.astimezone(ROME).date()),
                invoice.order_code,
                invoice.pec,
                money(invoice.total_cents),
            ),
        )


def _callbacks(page: SubscriberPage) -> Iterable[Row]:
    states = {"open": _("da richiamare"), "done": _("chiusa")}
    for callback in page.callbacks:
        yield (
            f"callback-{callback.id}",
            _cells(
                callback.pec,
                callback.phone,
                states.get(callback.status, callback.status),
                moment(callback.created_at),
            ),
        )


def _audit(page: SubscriberPage) -> Iterable[Row]:
    for i, line in enumerate(page.audit):
        yield (
            f"audit-{i}",
            _cells(moment(line.at), line.actor or "—", line.action, line.subject, line.details),
        )


TABLES: tuple[Table, ...] = (
    Table(
        N_("Caselle"),
        "mailboxes",
        (N_("Casella PEC"), N_("Stato"), N_("Scadenza"), N_("Rinnovo online"), N_("Ordine")),
        _mailboxes,
    ),
    Table(
        N_("Movimenti"),
        "ledger",
        (N_("Data"), N_("Importo"), N_("Tipo"), N_("Descrizione"), N_("Registrato da")),
        _ledger,
        lambda p: p.ledger_total,
    ),
    Table(
        N_("Ordini"),
        "orders",
        (N_("Ordine"), N_("Casella PEC"), N_("Pagamento"), N_("Totale"), N_("Stato"), N_("Creato")),
        _orders,
        lambda p: p.orders_total,
    ),
    Table(
        N_("Fatture"),
        "invoices",
        (N_("Fattura"), N_("Emessa"), N_("Ordine"), N_("Casella PEC"), N_("Totale")),
        _invoices,
    ),
    Table(
        N_("Richiamate"),
        "callbacks",
        (N_("Casella PEC"), N_("Telefono"), N_("Stato"), N_("Richiesta")),
        _callbacks,
    ),
    Table(
        N_("Registro"),
        "audit",
        (N_("Quando"), N_("Chi"), N_("Azione"), N_("Oggetto"), N_("Dettagli")),
        _audit,
        lambda p: p.audit_total,
    ),
)


def identity_text(page: SubscriberPage) -> Text:
    """Who they are, their credit and whether they can log in (three lines)."""
    account = page.account
    cf = page.codice_fiscale or _("nessun codice fiscale")
    proven = _("verificato") if page.cf_proven else _("non verificato")
    text = literal(account.nominativo, "bold")
    text.append(literal(f" · {account.userid} · CF {cf} ({proven})\n"))
    text.append(
        literal(
            _("E-mail {email} · area {area} · iscritto dal {date}").format(
                email=account.email,
                area=account.area_code,
                date=day(page.created_at.astimezone(ROME).date()),
            )
            + "\n"
        )
    )
    text.append(
        _("Credito prepagato: {amount}").format(amount=money(account.balance_cents)), "bold"
    )
    text.append(" · " + login_text(page))
    return text


def login_text(page: SubscriberPage) -> str:
    if not page.has_password:
        return _("accesso: mai registrato (nessuna password)")
    if page.login_held_until is not None:
        return _("accesso: bloccato fino alle {time}").format(time=hour(page.login_held_until))
    return _("accesso: regolare")


def bounded_note(shown: int, total: int) -> str:
    """Under a bounded list: how much of it is shown."""
    if total > shown:
        return _("Gli ultimi {shown} di {total}.").format(shown=shown, total=total)
    return ""


def find(items: Iterable[Any], attribute: str, key: str | None) -> Any:
    return next((i for i in items if key is not None and getattr(i, attribute) == key), None)
