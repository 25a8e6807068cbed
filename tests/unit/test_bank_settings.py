"""The bank's addresses follow `serve`'s port unless set; secrets never show; amounts parse."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from kiosk.payments.gateway import BankClient, GatewayError, parse_amount
from kiosk.payments.signing import sign, signature_ok
from kiosk.settings import Settings


def test_the_bank_and_the_notification_follow_the_serve_port() -> None:
    s = Settings(serve_port=9123)
    assert s.bank_base_url == "http://127.0.0.1:9123/bank"
    assert s.bank_page_base_url == s.bank_base_url
    assert s.notify_url == "http://127.0.0.1:9123/notify"
    assert Settings(serve_host="0.0.0.0").notify_url == "http://127.0.0.1:8770/notify"
    assert Settings(serve_host="::1").bank_base_url == "http://[::1]:8770/bank"
    set_ = Settings(
        bank_url="https://sandbox.gestpay.net/",
        bank_public_url="https://pay.example.it",
        bank_notify_url="https://kiosk.example.it/notify",
    )
    assert set_.bank_base_url == "https://sandbox.gestpay.net"
    assert set_.bank_page_base_url == "https://pay.example.it"
    assert set_.notify_url == "https://kiosk.example.it/notify"


def test_secrets_never_show_and_the_sandbox_defaults_are_flagged() -> None:
    s = Settings(bank_api_key="k" * 40, bank_notify_secret="n" * 40)
    assert "k" * 40 not in repr(s) and "n" * 40 not in str(s.model_dump())
    assert not s.sandbox_bank_credentials
    assert Settings().sandbox_bank_credentials
    client = BankClient("http://127.0.0.1:1/bank", shop_login="X", api_key=s.bank_api_key)
    assert "k" * 40 not in repr(client)


def test_pages_are_shown_at_the_public_address() -> None:
    client = BankClient(
        "http://127.0.0.1:8770/bank",
        shop_login="X",
        api_key=SecretStr("k"),
        public_url="https://pay.example.it/bank",
    )
    assert (
        client.public_page("http://127.0.0.1:8770/bank/pagam?a=X&b=t")
        == "https://pay.example.it/bank/pagam?a=X&b=t"
    )
    assert client.public_page("https://elsewhere/p") == "https://elsewhere/p"


def test_amounts_and_signatures() -> None:
    assert parse_amount("30.50") == 3050 and parse_amount(18.3) == 1830
    for bad in ("30.505", "-1", "abc"):
        with pytest.raises(GatewayError):
            parse_amount(bad)
    secret = SecretStr("shared")
    body = b'{"paymentID": "1"}'
    assert signature_ok(secret, body, sign(secret, body).upper())
    assert not signature_ok(secret, body + b" ", sign(secret, body))
    assert not signature_ok(SecretStr("other"), body, sign(secret, body))
    assert not signature_ok(secret, body, None)
