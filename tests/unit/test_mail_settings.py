"""The SMTP settings: ports by security, the catcher only on loopback, a usable From, and a
password that never shows."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kiosk.settings import Settings


def test_ports_follow_the_security() -> None:
    assert Settings().smtp_effective_port == 25
    assert Settings(smtp_security="starttls").smtp_effective_port == 587
    assert Settings(smtp_security="tls").smtp_effective_port == 465
    assert Settings(smtp_catcher=True).smtp_effective_port == 2525
    assert Settings(smtp_security="tls", smtp_port=2465).smtp_effective_port == 2465


def test_catcher_only_on_loopback() -> None:
    with pytest.raises(ValidationError, match=r"127\.0\.0\.1"):
        Settings(smtp_catcher=True, smtp_host="10.1.2.3")
    assert Settings(smtp_catcher=True, smtp_host="localhost").catches_mail


def test_the_demo_catches_its_own_mail_unless_a_server_is_named() -> None:
    assert Settings(demo=True).catches_mail
    assert Settings(demo=True).smtp_effective_port == 2525
    assert not Settings().catches_mail
    assert not Settings(demo=True, smtp_host="127.0.0.2").catches_mail
    assert not Settings(demo=True, smtp_catcher=False).catches_mail


def test_sender_address_and_secret_password() -> None:
    with pytest.raises(ValidationError, match="KIOSK_MAIL_FROM"):
        Settings(mail_from="nessuno")
    settings = Settings(smtp_user="kiosk", smtp_password="s3cret-value")
    assert "s3cret-value" not in repr(settings) and "s3cret-value" not in str(settings)
    with pytest.raises(ValidationError):
        Settings(smtp_security="ssl")
