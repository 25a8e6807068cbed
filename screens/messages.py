"""Messages the screens send up to the app (attributes down, messages up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

# the DTOs are only named in annotations: their module is imported after the first paint
if TYPE_CHECKING:
    from kiosk.services.dto import AccountView, SessionUser


class SessionStarted(Message):
    """Someone logged in (or registered, or reset their password); `account` if already read."""

    def __init__(self, user: SessionUser, account: AccountView | None = None) -> None:
        super().__init__()
        self.user = user
        self.account = account


class SessionEnded(Message):
    """Fine, Esci, or the idle timeout: back to the welcome screen with nothing left behind."""

    def __init__(self, reason: str = "logout") -> None:
        super().__init__()
        self.reason = reason


class GoHome(Message):
    """Back to the session's first screen (the list of mailboxes), closing what is above it."""


class HandoverStarted(Message):
    """An operator authenticated inside the lawyer's session: they act on the lawyer's behalf."""

    def __init__(self, operator: SessionUser) -> None:
        super().__init__()
        self.operator = operator


class HandoverFinished(Message):
    """Restituisci (`returned`: the lawyer's own session again) or Termina (`ended`)."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how
