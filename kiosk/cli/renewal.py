"""Renewal and payment commands: quote, order, confirm, activate, cancel."""

from __future__ import annotations

from typing import Any

import click

from kiosk.cli.exceptions import exceptions
from kiosk.cli.output import (
    EXIT_REFUSED,
    amount_cents,
    emit_json,
    json_option,
    neutral,
    neutral_lines,
    plain,
    table,
)
from kiosk.cli.runner import run, run_as
from kiosk.cli.state import wants_json
from kiosk.cli.statements import import_statement
from kiosk.domain.model import PaymentMethod
from kiosk.errors import Refusal
from kiosk.i18n import _, day, moment, money
from kiosk.services.dto import (
    ActivationRun,
    OrderView,
    PaymentConfirmation,
    Quote,
    RenewalRefusal,
)
from kiosk.services.facade import Services


def quote_json(result: Quote | RenewalRefusal) -> dict[str, Any]:
    if isinstance(result, Quote):
        return {
            "renewable": True,
            "reason": None,
            "message": None,
            "pec": result.mailbox.address,
            "userid": result.userid,
            "state": result.mailbox.state.value,
            "current_expiry": result.current_expiry.isoformat(),
            "next_expiry": result.next_expiry.isoformat(),
            "opens_on": result.mailbox.opens_on.isoformat(),
            "net_cents": result.net_cents,
            "vat_cents": result.vat_cents,
            "total_cents": result.total_cents,
            "lines": plain(result.lines),
            "assisted": result.assisted,
            "order_code": None,
            "balance_cents": result.balance_cents,
            "vat_rate_percent": result.vat_rate_percent,
        }
    contacts = result.contacts
    return {
        "renewable": False,
        "reason": result.reason.value,
        "message": result.message,
        "pec": result.pec,
        "current_expiry": result.current_expiry.isoformat() if result.current_expiry else None,
        "next_expiry": None,
        "opens_on": result.opens_on.isoformat() if result.opens_on else None,
        "net_cents": None,
        "vat_cents": None,
        "total_cents": None,
        "order_code": result.order.code if result.order else None,
        "order_status": result.order.status.value if result.order else None,
        "sales_support": {"phone": contacts.sales_phone, "email": contacts.sales_email}
        if contacts
        else None,
    }


def order_json(order: OrderView) -> dict[str, Any]:
    data: dict[str, Any] = {
        "order_code": order.code,
        "status": order.status.value,
        "method": order.method.value,
        "userid": order.userid,
        "pec": order.pec,
        "net_cents": order.net_cents,
        "vat_cents": order.vat_cents,
        "total_cents": order.total_cents,
        "current_expiry": order.current_expiry.isoformat(),
        "next_expiry": order.next_expiry.isoformat(),
        "assisted": order.assisted,
        "operator": order.operator,
        "invoice_number": order.invoice_number,
        "activation_due_at": order.activation_due_at.isoformat()
        if order.activation_due_at
        else None,
        "balance_after_cents": order.balance_after_cents,
        "lines": plain(order.lines),
        "payment_url": order.payment_url,
        "card_declined": order.card_declined,
    }
    if order.instructions is not None:
        ins = order.instructions
        data["instructions"] = {
            "causale": ins.causale,
            "details": [{"label": k, "value": v} for k, v in ins.details],
            "admin_email": ins.admin_email,
            "text": ins.text,
        }
        data["epc_payload"] = ins.qr_payload if order.method is PaymentMethod.BONIFICO else None
    return data


def print_order(order: OrderView) -> None:
    rows = [
        (_("Codice ordine"), order.code),
        (_("Casella"), order.pec),
        (_("Pagamento"), order.method.label),
        (_("Totale"), money(order.total_cents)),
        (_("Nuova scadenza"), day(order.next_expiry)),
        (_("Stato"), order.status.label),
    ]
    if order.invoice_number:
        rows.append((_("Fattura"), order.invoice_number))
    if order.activation_due_at:
        rows.append((_("Rinnovo previsto"), moment(order.activation_due_at)))
    if order.balance_after_cents is not None:
        rows.append((_("Credito residuo"), money(order.balance_after_cents)))
    if order.card_declined:
        rows.append((_("Carta"), _("rifiutata dalla banca")))
    if order.payment_url:
        rows.append((_("Pagina di pagamento"), order.payment_url))
    table(rows)
    if order.instructions:
        click.echo()
        click.echo(neutral_lines(order.instructions.text))


@click.group()
def renewal() -> None:
    """Rinnovo di una casella PEC."""


@renewal.command("quote")
@click.argument("userid")
@click.argument("pec")
@click.option("--assisted", is_flag=True, help="Rinnovo assistito (EUR 10 + IVA in più).")
@json_option
def quote(userid: str, pec: str, assisted: bool, as_json: bool) -> None:
    """Costo del rinnovo e prossima scadenza (o il motivo per cui non si può)."""

    async def work(services: Services) -> Quote | RenewalRefusal:
        try:
            return await services.renewals.quote(userid, pec, assisted=assisted)
        except RenewalRefusal as refusal:  # for a quote, "no" is an answer: same JSON shape
            return refusal

    result = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(quote_json(result))
    elif isinstance(result, Quote):
        rows = [(line.description, money(line.net_cents)) for line in result.lines]
        rows += [
            (_("Imponibile"), money(result.net_cents)),
            (_("IVA {rate}%").format(rate=result.vat_rate_percent), money(result.vat_cents)),
            (_("Totale"), money(result.total_cents)),
            (_("Scadenza attuale"), day(result.current_expiry)),
            (_("Prossima scadenza"), day(result.next_expiry)),
        ]
        table(rows)
    else:
        click.echo(neutral(result.message), err=True)
    if isinstance(result, RenewalRefusal):
        raise SystemExit(EXIT_REFUSED)


@renewal.command("order")
@click.argument("userid")
@click.argument("pec")
@click.option(
    "--method",
    required=True,
    type=click.Choice([m.value for m in PaymentMethod]),
    help="prepaid = PRELEVA DAL CONTO PREPAGATO; gli altri: EFFETTUA VERSAMENTO APPOSITO.",
)
@click.option("--operator", default=None, help="Userid dell'operatore (rinnovo assistito).")
@json_option
def order(userid: str, pec: str, method: str, operator: str | None, as_json: bool) -> None:
    """Conferma il rinnovo: crea l'ordine e il suo codice RLM."""

    async def work(services: Services, actor: str) -> OrderView:
        placed = await services.renewals.place_order(
            userid, pec, PaymentMethod(method), operator=operator, actor=actor
        )
        if placed.method is not PaymentMethod.CARTA:
            return placed
        try:  # the bank's page for the card, as the kiosk's COLLEGAMENTO A BANCA opens it
            await services.cards.checkout(placed.code)
        except Refusal as refusal:  # the order stands, without a bank page yet
            click.echo(refusal.message, err=True)
            return placed
        return await services.renewals.order(placed.code)

    result = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(order_json(result))
    else:
        print_order(result)


@renewal.command("show")
@click.argument("code")
@json_option
def show(code: str, as_json: bool) -> None:
    """Lo stato di un ordine."""

    async def work(services: Services) -> OrderView:
        return await services.renewals.order(code)

    result = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(order_json(result))
    else:
        print_order(result)


@renewal.command("cancel")
@click.argument("code")
@json_option
def cancel(code: str, as_json: bool) -> None:
    """Annulla un ordine in attesa di pagamento."""

    async def work(services: Services, actor: str) -> OrderView:
        return await services.renewals.cancel(code, actor=actor)

    result = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(order_json(result))
    else:
        click.echo(_("Ordine {code} annullato.").format(code=result.code))


@click.group()
def payments() -> None:
    """Pagamenti ricevuti fuori dal chiosco."""


@payments.command("confirm")
@click.argument("causale")
@click.option("--amount", required=True, help="Importo ricevuto, es. 12.20")
@click.option("--reference", required=True, help="Riferimento: CRO/TRN, n. bollettino o assegno.")
@click.option(
    "--force",
    is_flag=True,
    help="Conferma anche se il riferimento è già usato per un altro ordine.",
)
@click.option("--note", default="", help="Perché (obbligatoria con --force).")
@json_option
def confirm(
    causale: str, amount: str, reference: str, force: bool, note: str, as_json: bool
) -> None:
    """Conferma il pagamento di un ordine: fattura e rinnovo dopo 24 ore.

    CAUSALE è il codice dell'ordine (RLM…) o la causale come l'ha scritta chi ha pagato.
    """
    cents = amount_cents(amount, as_json=wants_json(as_json))

    async def work(services: Services, actor: str) -> PaymentConfirmation:
        return await services.payments.confirm(
            causale, cents, reference, actor=actor, force=force, note=note
        )

    result = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(result)
        return
    if result.already_confirmed:
        click.echo(_("Pagamento già registrato: nessuna modifica."))
    table(
        [
            (_("Codice ordine"), result.order_code),
            (_("Fattura"), result.invoice_number),
            (_("Rinnovo previsto"), moment(result.activation_due_at)),
        ]
    )


payments.add_command(import_statement)  # payments import FILE
payments.add_command(exceptions)  # payments exceptions list|match|refund


@click.command("activate-due")
@json_option
def activate_due(as_json: bool) -> None:
    """Rinnova le caselle il cui rinnovo pagato è giunto a scadenza (24 ore).

    Rinnova quel che può: un ordine che non si può rinnovare è elencato e lasciato a una
    persona, gli altri proseguono; in quel caso il codice di uscita è 1.
    """

    async def work(services: Services, actor: str) -> ActivationRun:
        return await services.payments.activate_due(actor=actor)

    run_result = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({"activated": run_result.activated, "failed": run_result.failed})
    else:
        for a in run_result.activated:
            click.echo(
                _("{pec}: rinnovata fino al {expiry} (ordine {code})").format(
                    pec=neutral(a.pec), expiry=day(a.new_expiry), code=a.order_code
                )
            )
        for f in run_result.failed:
            click.echo(_("Non rinnovato: {reason}").format(reason=neutral(f.reason)), err=True)
        click.echo(_("Caselle rinnovate: {n}").format(n=len(run_result.activated)))
    if run_result.failed:
        raise SystemExit(EXIT_REFUSED)


@click.command("cancel-stale")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Giorni senza pagamento (predefinito: impostazione unpaid_order_days).",
)
@json_option
def cancel_stale(days: int | None, as_json: bool) -> None:
    """Annulla gli ordini rimasti senza pagamento."""

    async def work(services: Services, actor: str) -> list[str]:
        return await services.payments.cancel_stale(days=days, actor=actor)

    codes = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({"cancelled": codes})
    else:
        click.echo(
            _("Ordini annullati: {n}").format(n=len(codes))
            + (f" ({', '.join(codes)})" if codes else "")
        )
