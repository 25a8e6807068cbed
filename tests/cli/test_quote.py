"""`pec-kiosk renewal quote`: the cost and next expiry, or the reason it cannot go ahead."""

from __future__ import annotations

from typing import Any

from tests.cli.helpers import (
    CESSATA,
    DEMO_USER,
    RENEWABLE,
    ROSSI,
    ROSSI_USER,
    SOSPESA,
    TOO_EARLY,
    Kiosk,
)

QUOTE_KEYS = {
    "renewable",
    "reason",
    "current_expiry",
    "next_expiry",
    "opens_on",
    "net_cents",
    "vat_cents",
    "total_cents",
    "order_code",
}


def test_renewable_quote_shows_cost_and_next_expiry(demo: Kiosk) -> None:
    q = demo.ok("renewal", "quote", DEMO_USER, RENEWABLE)
    assert q.keys() >= QUOTE_KEYS
    assert q["renewable"] is True
    assert q["reason"] is None
    assert q["order_code"] is None
    assert (q["current_expiry"], q["next_expiry"]) == ("2026-12-15", "2027-12-15")
    assert (q["net_cents"], q["vat_cents"], q["total_cents"]) == (1500, 330, 1830)

    # a sospesa box (expired 40 days ago) is still renewable, from its old expiry
    q = demo.ok("renewal", "quote", DEMO_USER, SOSPESA)
    assert q["renewable"] is True
    assert (q["current_expiry"], q["next_expiry"]) == ("2026-10-16", "2027-10-16")
    assert (q["net_cents"], q["vat_cents"], q["total_cents"]) == (2500, 550, 3050)

    # for people: Italian labels and amounts, exit 0
    text = demo("renewal", "quote", DEMO_USER, RENEWABLE, expect=0)
    assert "Prossima scadenza" in text.stdout
    assert "15/12/2027" in text.stdout
    assert "18,30" in text.stdout
    # the lookup tolerates case and spaces
    q = demo.ok("renewal", "quote", "AVV.Demo", f"  {RENEWABLE.upper()} ")
    assert q["renewable"] is True


def test_assisted_quote_adds_ten_euro_plus_vat(demo: Kiosk) -> None:
    plain = demo.ok("renewal", "quote", ROSSI_USER, ROSSI)
    assisted = demo.ok("renewal", "quote", ROSSI_USER, ROSSI, "--assisted")
    assert (plain["net_cents"], plain["vat_cents"], plain["total_cents"]) == (1200, 264, 1464)
    assert assisted["net_cents"] == plain["net_cents"] + 1000
    assert assisted["vat_cents"] == 484  # 22% of 22,00, on the whole taxable amount
    assert assisted["total_cents"] == 2684
    assert assisted["next_expiry"] == plain["next_expiry"] == "2028-01-09"


def refusal(kiosk: Kiosk, userid: str, pec: str, reason: str) -> dict[str, Any]:
    q: dict[str, Any] = kiosk.refused("renewal", "quote", userid, pec)
    assert q.keys() >= QUOTE_KEYS, q
    assert q["renewable"] is False
    assert q["reason"] == reason, q
    assert q["total_cents"] is None
    assert q["next_expiry"] is None
    assert q["message"]
    return q


def test_quote_refusals_exit_1_with_their_reason(demo: Kiosk) -> None:
    q = refusal(demo, DEMO_USER, "nessuno@legalmail.it", "unknown_mailbox")
    assert q["order_code"] is None

    q = refusal(demo, ROSSI_USER, RENEWABLE, "not_owner")
    assert RENEWABLE in q["message"]

    q = refusal(demo, DEMO_USER, TOO_EARLY, "too_early")
    assert q["opens_on"] == "2027-03-13"
    assert q["current_expiry"] == "2027-06-13"

    q = refusal(demo, DEMO_USER, CESSATA, "too_late")
    assert q["current_expiry"] == "2026-03-20"
    assert "06 68417891" in q["message"]
    assert "segreteriacommercialelextel@visura.it" in q["message"]

    # for people: the reason in Italian on stderr, exit 1
    text = demo("renewal", "quote", DEMO_USER, TOO_EARLY, expect=1)
    assert "si apre 3 mesi prima, dal 13/03/2027" in text.stderr
    text = demo("renewal", "quote", DEMO_USER, CESSATA, expect=1)
    assert "Supporto Vendite" in text.stderr


def test_pending_order_is_named_in_the_refusal(demo: Kiosk) -> None:
    order = demo.ok("renewal", "order", DEMO_USER, SOSPESA, "--method", "bonifico")
    q = refusal(demo, DEMO_USER, SOSPESA, "pending")
    assert q["order_code"] == order["order_code"]
    assert order["order_code"] in q["message"]
    # the other boxes are not affected
    assert demo.ok("renewal", "quote", DEMO_USER, RENEWABLE)["renewable"] is True


def test_malformed_address_is_bad_input(demo: Kiosk) -> None:
    data = demo.refused("renewal", "quote", DEMO_USER, "non-un-indirizzo", code=2)
    assert data["error"] == "invalid_input"


def test_clock_from_env_and_window_opening_day(demo_db: Kiosk) -> None:
    """KIOSK_NOW sets the clock like --now (which wins); the window opens on its first day."""
    eve = {"KIOSK_NOW": "2027-03-12T23:59:00+01:00"}
    first_day = {"KIOSK_NOW": "2027-03-13T00:01:00+01:00"}
    q = demo_db.refused("renewal", "quote", DEMO_USER, TOO_EARLY, now=None, env=eve)
    assert (q["reason"], q["opens_on"]) == ("too_early", "2027-03-13")
    q = demo_db.ok("renewal", "quote", DEMO_USER, TOO_EARLY, now=None, env=first_day)
    assert (q["renewable"], q["next_expiry"]) == (True, "2028-06-13")
    q = demo_db.refused("renewal", "quote", DEMO_USER, TOO_EARLY, env=first_day)  # --now NOW
    assert q["reason"] == "too_early"


def test_global_json_option(demo: Kiosk) -> None:
    result = demo("--json", "renewal", "quote", DEMO_USER, RENEWABLE, expect=0)
    assert result.json["total_cents"] == 1830
    result = demo("--json", "renewal", "quote", DEMO_USER, CESSATA, expect=1)
    assert result.json["reason"] == "too_late"
    result = demo("--json", "account", "show", DEMO_USER, expect=0)
    assert result.json["balance_cents"] == 1830
