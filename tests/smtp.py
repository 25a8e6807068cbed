"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, in a thread of its own): plain,
STARTTLS or implicit TLS with a self-signed certificate made here (openssl), with or without
AUTH. It keeps what it receives; `on_data` runs before it answers (a test may kill the sender
there: the message is received, the sender never hears the 250)."""

from __future__ import annotations

import email.policy
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from kiosk.settings import Settings

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def make_certificate(directory: Path) -> Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost (openssl in a subprocess)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not found: cannot make a test certificate")
    cert, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return Certificate(cert, key)


@dataclass
class Inbox:
    """What the server received, parsed; `rejecting`: answer every RCPT with this reply."""

    raw: list[bytes] = field(default_factory=list)
    on_data: Callable[[bytes], None] | None = None
    rejecting: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.rejecting:
            return self.rejecting
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        data = envelope.original_content or b""
        assert isinstance(data, bytes)
        with self._lock:
            self.raw.append(data)
        if self.on_data is not None:
            self.on_data(data)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            raw = list(self.raw)
        parsed = []
        for data in raw:
            message: Any = BytesParser(policy=email.policy.default).parsebytes(data)
            parsed.append(message)
        return parsed


def _authenticator(user: str, password: str) -> Callable[..., AuthResult]:
    def check(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False)

    return check


@contextmanager
def smtp_server(
    port: int | None = None,
    *,
    security: str = "none",
    certificate: Certificate | None = None,
    auth: tuple[str, str] | None = None,
    inbox: Inbox | None = None,
) -> Iterator[tuple[int, Inbox]]:
    """Serve on 127.0.0.1:`port` (a free one if None) until the block ends."""
    port = port or free_port()
    inbox = inbox or Inbox()
    kwargs: dict[str, Any] = {}
    if security == "starttls":
        assert certificate is not None
        kwargs |= {"tls_context": certificate.server_context(), "require_starttls": True}
    elif security == "tls":
        assert certificate is not None
        kwargs["ssl_context"] = certificate.server_context()
    if auth is not None:
        kwargs |= {
            "authenticator": _authenticator(*auth),
            "auth_required": True,
            "auth_require_tls": security != "none",
        }
    controller = Controller(inbox, hostname=HOST, port=port, **kwargs)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def smtp_settings(base: Settings, port: int, **changes: Any) -> Settings:
    """`base` pointed at the test server."""
    return base.model_copy(update={"smtp_host": HOST, "smtp_port": port, **changes})
