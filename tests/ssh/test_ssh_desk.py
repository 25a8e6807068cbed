"""The help desk over SSH, read with pyte: an operator finds a lawyer in the workspace and
renews one of the lawyer's mailboxes on their behalf; many operators search at once."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import asyncssh
import pytest

from kiosk.domain.model import OrderStatus, PaymentMethod
from kiosk.serve.sshd import SshServer
from tests.app.conftest import RENEWABLE
from tests.ssh.client import Term
from tests.ssh.conftest import LAWYER, OPERATOR, OPERATOR_NAME

pytestmark = pytest.mark.serial

Start = Callable[..., Any]
DOWN, END = "\x1b[B", "\x1b[F"


async def test_operator_renews_a_lawyers_mailbox_over_ssh(
    start_server: Start, operator_key: asyncssh.SSHKey
) -> None:
    """Cerca → the lawyer's page → Rinnovo assistito of a renewable mailbox → cash at the
    desk → "Rinnovo pagato" on screen; the order in the database names the operator."""
    server: SshServer = await start_server()
    term = await Term.open(server.port, OPERATOR, client_keys=[operator_key])
    try:
        await term.wait_for("Cerca")  # the workspace, the search field focused
        assert OPERATOR_NAME in term.text()
        term.type(LAWYER)
        await term.wait_for(f"{LAWYER} ·")  # the result's second line: userid · CF
        shown = await term.wait_for("1 iscritto trovato")
        assert "Avv. Maria Demo" in shown
        term.type("\r")  # Invio in the field: the highlighted subscriber's page
        shown = await term.wait_for(RENEWABLE)  # the mailboxes' table, focused
        rows = [line for line in shown.splitlines() if "@" in line and "/20" in line]
        position = next(i for i, line in enumerate(rows) if RENEWABLE in line)
        term.type(DOWN * position)
        await asyncio.sleep(0.3)
        term.type("a")  # Rinnovo assistito
        shown = await term.wait_for("Contanti allo sportello")
        assert "Servizio di rinnovo assistito" in shown and RENEWABLE in shown
        await asyncio.sleep(0.5)  # the list takes the focus once drawn
        term.type(END + "\r")  # the last method: cash; then Conferma has the focus
        await asyncio.sleep(0.5)
        term.type("\r")
        shown = await term.wait_for("Rinnovo pagato")
        assert "Ricevuto da     operatore.demo" in shown
        found = re.search(r"Ordine\s+([A-Z0-9]{10})\b", shown)
        assert found is not None, shown
        code = found.group(1)
    finally:
        await term.close()

    async def read(_services: Any) -> tuple[Any, ...]:
        from kiosk.store.models import DeskPayment, Invoice, Order

        order = await Order.get(code=code).select_related("operator", "subscriber", "mailbox")
        desk = await DeskPayment.get(order_id=order.id)
        invoice = await Invoice.get(order_id=order.id)
        return order, desk, invoice

    order, desk, invoice = await server.call(read)
    assert order.operator is not None and order.operator.userid == OPERATOR
    assert order.subscriber.userid == LAWYER and order.mailbox.address == RENEWABLE
    assert order.method == PaymentMethod.CONTANTI and order.status == OrderStatus.PAID
    assert order.fee_net_cents == 1000
    assert (desk.received_by, desk.on_behalf_of) == (OPERATOR, LAWYER)
    assert invoice.operator == OPERATOR
