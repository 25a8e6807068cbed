"""`pec-kiosk renewal order`: prepaid debit, offline payment instructions (EPC QR), card."""

from __future__ import annotations

import re
from typing import Any

from tests.cli.helpers import (
    DEMO_USER,
    OPERATOR,
    RENEWABLE,
    ROSSI,
    ROSSI_USER,
    SOSPESA,
    TOO_EARLY,
    Kiosk,
    mailbox,
)

CODE_RE = re.compile(r"^RLM[0-9A-Z]{7}$")
ORDER_KEYS = {"order_code", "status", "total_cents", "next_expiry"}


def order(kiosk: Kiosk, userid: str, pec: str, method: str, *extra: str) -> dict[str, Any]:
    data: dict[str, Any] = kiosk.ok("renewal", "order", userid, pec, "--method", method, *extra)
    assert data.keys() >= ORDER_KEYS, data
    assert CODE_RE.match(data["order_code"]), data["order_code"]
    return data


def test_prepaid_order_debits_the_balance_and_blocks_a_second_order(demo: Kiosk) -> None:
    assert demo.ok("account", "show", DEMO_USER)["balance_cents"] == 1830

    data = order(demo, DEMO_USER, RENEWABLE, "prepaid")
    assert data["status"] == "paid"
    assert data["total_cents"] == 1830
    assert data["next_expiry"] == "2027-12-15"
    assert data["balance_after_cents"] == 0
    assert data["invoice_number"] == "2026/000001"
    assert data["activation_due_at"] is not None

    account = demo.ok("account", "show", DEMO_USER)
    assert account["balance_cents"] == 1830 - data["total_cents"]
    box = mailbox(account, RENEWABLE)
    assert box["renewable"] is False
    assert box["expiry"] == "2026-12-15"  # renewed 24 hours after the debit, not now

    again = demo.refused("renewal", "order", DEMO_USER, RENEWABLE, "--method", "prepaid")
    assert again["error"] == "pending"
    assert data["order_code"] in again["message"]
    q = demo.refused("renewal", "quote", DEMO_USER, RENEWABLE)
    assert (q["reason"], q["order_code"]) == ("pending", data["order_code"])
    assert demo.ok("account", "show", DEMO_USER)["balance_cents"] == 0


def test_prepaid_order_beyond_the_balance_is_refused_and_leaves_nothing(demo: Kiosk) -> None:
    result = demo("renewal", "order", DEMO_USER, SOSPESA, "--method", "prepaid", "--json")
    assert result.code == 1, result
    assert result.json["error"] == "insufficient_balance"
    assert "EFFETTUA VERSAMENTO APPOSITO" in result.json["message"]
    text = demo("renewal", "order", DEMO_USER, SOSPESA, "--method", "prepaid", expect=1)
    assert "non copre il totale" in text.stderr

    account = demo.ok("account", "show", DEMO_USER)
    assert account["balance_cents"] == 1830
    assert mailbox(account, SOSPESA)["renewable"] is True  # no order was left behind
    assert demo.ok("renewal", "quote", DEMO_USER, SOSPESA)["renewable"] is True


def test_bonifico_order_gives_code_instructions_and_epc_payload(demo: Kiosk) -> None:
    data = order(demo, DEMO_USER, RENEWABLE, "bonifico")
    code = data["order_code"]
    assert data["status"] == "pending"
    assert data["total_cents"] == 1830
    assert data["next_expiry"] == "2027-12-15"
    assert data["invoice_number"] is None

    payload = data["epc_payload"]
    assert payload.startswith("BCD\n002\n1\nSCT\n")
    fields = payload.split("\n")
    assert "EUR18.30" in fields
    assert "IT60X0542811101000000123456" in fields
    assert code in payload
    assert len(payload.encode()) <= 331

    ins = data["instructions"]
    assert ins["causale"].startswith(code)
    assert ins["admin_email"] == "amministrazione@lextel.it"
    values = {d["label"]: d["value"] for d in ins["details"]}
    assert values["IBAN"].replace(" ", "") == "IT60X0542811101000000123456"
    assert "18,30" in values["Importo"]

    # nothing is debited for an offline payment; the box now has a pending order
    account = demo.ok("account", "show", DEMO_USER)
    assert account["balance_cents"] == 1830
    assert mailbox(account, RENEWABLE)["renewable"] is False
    q = demo.refused("renewal", "quote", DEMO_USER, RENEWABLE)
    assert (q["reason"], q["order_code"]) == ("pending", code)
    again = demo.refused("renewal", "order", DEMO_USER, RENEWABLE, "--method", "carta")
    assert again["error"] == "pending"


def test_bonifico_order_for_people(demo: Kiosk) -> None:
    result = demo("renewal", "order", ROSSI_USER, ROSSI, "--method", "bonifico", expect=0)
    assert "Codice ordine" in result.stdout
    assert re.search(r"RLM[0-9A-Z]{7}", result.stdout)
    assert "Inviare copia del versamento all'indirizzo amministrazione@lextel.it" in result.stdout
    assert "14,64" in result.stdout


def test_bollettino_and_assegno_orders_give_instructions_without_epc(demo: Kiosk) -> None:
    slip = order(demo, DEMO_USER, SOSPESA, "bollettino")
    assert slip["status"] == "pending"
    assert slip["total_cents"] == 3050
    assert not slip.get("epc_payload")
    text = slip["instructions"]["text"]
    assert "001023456789" in text  # conto corrente postale
    assert slip["order_code"] in text
    assert "BCD\n002" not in text  # no EPC payload (an order code may hold the letters BCD)

    cheque = order(demo, ROSSI_USER, ROSSI, "assegno")
    assert cheque["status"] == "pending"
    assert cheque["total_cents"] == 1464
    assert not cheque.get("epc_payload")
    text = cheque["instructions"]["text"]
    assert "Lextel S.p.A." in text
    assert cheque["order_code"] in text
    assert "BCD\n002" not in text  # no EPC payload (an order code may hold the letters BCD)
    assert cheque["order_code"] != slip["order_code"]


def test_card_order_is_pending_until_the_bank_confirms(demo: Kiosk) -> None:
    data = order(demo, DEMO_USER, RENEWABLE, "carta")
    assert data["status"] == "pending"
    assert data["invoice_number"] is None
    assert not data.get("epc_payload")
    assert demo.ok("account", "show", DEMO_USER)["balance_cents"] == 1830


def test_assisted_order_by_an_operator(demo: Kiosk) -> None:
    quote = demo.ok("renewal", "quote", ROSSI_USER, ROSSI, "--assisted")
    data = order(demo, ROSSI_USER, ROSSI, "bonifico", "--operator", OPERATOR)
    assert data["assisted"] is True
    assert data["operator"] == OPERATOR
    assert (data["net_cents"], data["vat_cents"], data["total_cents"]) == (
        quote["net_cents"],
        quote["vat_cents"],
        quote["total_cents"],
    )
    assert data["total_cents"] == 2684
    assert "EUR26.84" in data["epc_payload"].split("\n")


def test_order_refusals(demo: Kiosk) -> None:
    refused = demo.refused("renewal", "order", DEMO_USER, TOO_EARLY, "--method", "bonifico")
    assert refused["error"] == "too_early"
    refused = demo.refused("renewal", "order", ROSSI_USER, RENEWABLE, "--method", "bonifico")
    assert refused["error"] == "not_owner"
    refused = demo.refused("renewal", "order", DEMO_USER, "x@legalmail.it", "--method", "carta")
    assert refused["error"] == "unknown_mailbox"
    refused = demo.refused(
        "renewal", "order", DEMO_USER, RENEWABLE, "--method", "bonifico", "--operator", ROSSI_USER
    )
    assert refused["error"] == "not_operator"
    # cash is a method, but only at the desk (the assisted renewal): a refusal, not bad usage
    cash = demo("renewal", "order", DEMO_USER, RENEWABLE, "--method", "contanti", expect=1)
    assert "solo allo sportello" in cash.stderr
    demo("renewal", "order", DEMO_USER, RENEWABLE, expect=2)  # --method is required
    # none of these left an order behind
    assert demo.ok("renewal", "quote", DEMO_USER, RENEWABLE)["renewable"] is True
