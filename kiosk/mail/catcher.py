"""The demo's and development's SMTP catcher: an SMTP server on loopback (aiosmtpd) that keeps
every message it receives under the data directory (`mail/*.eml`, directory 0700, files 0600)
instead of delivering it, so that a newcomer can read the recovery code the kiosk sent.

`start_catcher` serves on the running event loop (the lead's `serve` and `--demo` start it when
`KIOSK_SMTP_CATCHER=1`); `caught` reads the stored messages back (`pec-kiosk outbox caught`).
It only ever listens on a loopback address.
"""

from __future__ import annotations

import asyncio
import email.policy
import ipaddress
import logging
import secrets
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from kiosk.documents.files import private_dir, write_private
from kiosk.settings import Settings

MAIL_DIR = "mail"


def mail_dir(data_dir: Path) -> Path:
    return data_dir / MAIL_DIR


class CatchingHandler:
    """aiosmtpd handler: every message accepted is written to `directory` as a .eml file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        name = f"{time.time_ns()}-{secrets.token_hex(4)}.eml"
        directory = private_dir(self.directory, enforce=True)
        await asyncio.to_thread(write_private, directory / name, data)
        return "250 Message accepted for delivery"


async def start_catcher(
    settings: Settings, *, host: str | None = None, port: int | None = None
) -> asyncio.Server:
    """Serve the catcher on this event loop at `host:port` (default: the SMTP settings, so the
    sender delivers to it). Close it with `server.close(); await server.wait_closed()`."""
    host = host or settings.smtp_host
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError("the SMTP catcher listens on loopback addresses only")
    handler = CatchingHandler(mail_dir(settings.data_dir))
    # aiosmtpd logs every SMTP command at INFO: addresses, line by line, into the kiosk's log
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(handler, hostname="pec-kiosk-catcher", ident="pec-kiosk catcher"),
        host=host,
        port=settings.smtp_effective_port if port is None else port,
    )


@dataclass(frozen=True, slots=True)
class CaughtMail:
    path: Path
    subject: str
    to: str
    sender: str
    date: str
    message_id: str
    body: str
    attachments: tuple[str, ...]


def read_caught(path: Path) -> CaughtMail:
    message: Any = BytesParser(policy=email.policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    body_part = message.get_body(preferencelist=("plain",))
    body = body_part.get_content() if body_part is not None else ""
    names = tuple(
        part.get_filename() or "" for part in message.iter_attachments() if part.get_filename()
    )
    return CaughtMail(
        path=path,
        subject=" ".join(str(message.get("Subject", "")).split()),
        to=str(message.get("To", "")),
        sender=str(message.get("From", "")),
        date=str(message.get("Date", "")),
        message_id=str(message.get("Message-ID", "")),
        body=str(body),
        attachments=names,
    )


def caught(data_dir: Path, last: int | None = None) -> list[CaughtMail]:
    """The messages the catcher kept, oldest first (the last `last` of them)."""
    directory = mail_dir(data_dir)
    if not directory.is_dir():
        return []
    files = sorted(directory.glob("*.eml"))
    if last is not None:
        files = files[-last:] if last > 0 else []
    return [read_caught(path) for path in files]
