"""A rendered outbox message as an RFC 5322 message: headers, plain-text body, attachments."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

from kiosk.services.dto import RenderedMail


def compose(mail: RenderedMail, *, sender: str, at: datetime) -> EmailMessage:
    """The message with its own Message-ID (made when it was queued: a resend keeps it)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = mail.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no automatic replies, please
    message.set_content(mail.body)
    for attachment in mail.attachments:
        maintype, _slash, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return message
