"""`pec-kiosk search` and `pec-kiosk db load-synthetic`: text and JSON, bad input (exit 2), the
refusal beside real subscribers (exit 1), and the synthetic data on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from stdnum.it import codicefiscale

from tests.cli.helpers import DEMO_USER, ROSSI, ROSSI_USER, Kiosk
from tests.cli.test_postgres import pg_url

__all__ = ["pg_url"]  # the fixture


def test_search_text_and_json(demo_db: Kiosk) -> None:
    text = demo_db("search", "ROSS", expect=0).stdout
    assert "1 iscritto trovato:" in text
    assert ROSSI_USER in text and "Avv. Giuseppe Rossi" in text and ROSSI in text
    found = demo_db.ok("search", "maria demo")
    assert found["query"] == "maria demo"
    (hit,) = found["hits"]
    assert (hit["userid"], hit["matched"], hit["mailbox_count"]) == (DEMO_USER, "name", 4)
    assert len(hit["mailboxes"]) == 3
    assert [h["userid"] for h in demo_db.ok("search", "avv", "--limit", "1")["hits"]] == [DEMO_USER]
    assert demo_db.ok("search", "zzzz")["hits"] == []
    assert "Nessun iscritto trovato." in demo_db("search", "zzzz", expect=0).stdout
    assert "almeno 2 caratteri" in demo_db("search", "r", expect=0).stdout


def test_search_bad_input_is_exit_2(demo_db: Kiosk) -> None:
    long = demo_db.refused("search", "x" * 255, code=2)
    assert long["error"] == "invalid_input" and "254" in long["message"]
    demo_db("search", "rossi", "--limit", "0", expect=2)
    demo_db("search", "rossi", "--limit", "dieci", expect=2)
    demo_db("search", expect=2)


def test_load_synthetic_refuses_real_data_unless_forced(demo_db: Kiosk) -> None:
    refused = demo_db.refused("db", "load-synthetic", "--mailboxes", "10")
    assert refused["error"] == "real_data"
    demo_db("db", "load-synthetic", "--mailboxes", "0", expect=2)
    demo_db("db", "load-synthetic", "--mailboxes", "molte", expect=2)
    report = demo_db.ok("db", "load-synthetic", "--mailboxes", "10", "--force")
    assert report["mailboxes"] == 10 and 4 <= report["subscribers"] <= 10
    assert demo_db.ok("db", "check")["consistent"]


def _load_and_search(kiosk: Kiosk) -> None:
    """On a new database: 2,000 boxes, then every subscriber's values are found."""
    report = kiosk.ok("db", "load-synthetic", "--mailboxes", "2000")
    assert report["mailboxes"] == 2000
    assert report["subscribers"] >= 2000 // 3
    again = kiosk.ok("db", "load-synthetic", "--mailboxes", "5")  # synthetic only: allowed
    assert again["mailboxes"] == 5
    hits = kiosk.ok("search", "nicol", "--limit", "200")["hits"]
    assert hits and all("Nicol" in h["nominativo"] for h in hits)
    hit = hits[0]
    assert codicefiscale.is_valid(hit["codice_fiscale"])
    assert hit["email"].endswith("@sintetico.invalid")
    assert 1 <= hit["mailbox_count"] <= 3
    for text in (hit["userid"], hit["mailboxes"][0], hit["codice_fiscale"].lower()):
        assert hit["userid"] in [h["userid"] for h in kiosk.ok("search", text)["hits"]]
    accented = kiosk.ok("search", "nicolo", "--limit", "200")["hits"]
    assert any("Nicolò" in h["nominativo"] for h in accented)
    assert kiosk.ok("db", "check")["consistent"]


def test_load_synthetic_and_search_on_sqlite(cli: Kiosk) -> None:
    _load_and_search(cli)


@pytest.mark.postgres
def test_load_synthetic_and_search_on_postgres(
    make_kiosk: Callable[..., Kiosk], pg_url: str
) -> None:
    _load_and_search(make_kiosk(KIOSK_DATABASE_URL=pg_url))
