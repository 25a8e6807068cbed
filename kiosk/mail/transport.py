"""The SMTP client: one conversation per message with the configured relay (aiosmtplib).

Security from the settings: `none` (plain, for a relay on this machine or the catcher),
`starttls` (upgrade required), `tls` (implicit TLS, usually port 465); certificates are checked
(a private CA: `KIOSK_SMTP_CA_FILE`). The password is read only here and never logged.
Failures come back as `DeliveryError`, temporary (try again later) or permanent (a 5xx
refusal of the message or its recipient).
"""

from __future__ import annotations

import ssl
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib

from kiosk.settings import Settings


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def _tls_context(self) -> ssl.SSLContext | None:
        if self.settings.smtp_security == "none":
            return None
        cafile = self.settings.smtp_ca_file
        return ssl.create_default_context(cafile=str(cafile) if cafile else None)

    async def send(self, message: EmailMessage) -> None:
        s = self.settings
        password = s.smtp_password.get_secret_value() if s.smtp_password else None
        try:
            await aiosmtplib.send(
                message,
                hostname=s.smtp_host,
                port=s.smtp_effective_port,
                username=s.smtp_user or None,
                password=password if s.smtp_user else None,
                use_tls=s.smtp_security == "tls",
                start_tls=s.smtp_security == "starttls",
                tls_context=self._tls_context(),
                timeout=s.smtp_timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            raise DeliveryError(_describe(exc), permanent=all(c >= 500 for c in codes)) from None
        except aiosmtplib.SMTPAuthenticationError as exc:
            # the relay refused our credentials: a configuration to fix, the message waits
            raise DeliveryError(_describe(exc), permanent=False) from None
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryError(_describe(exc), permanent=exc.code >= 500) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryError(_describe(exc), permanent=False) from None


def _describe(exc: BaseException) -> str:
    """What went wrong, in one line (SMTP replies and socket errors carry no secret)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:500]
