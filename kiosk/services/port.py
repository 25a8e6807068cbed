"""The one narrow interface through which screens reach the core, and what it tells them.

Screens see `Desk` (what they may ask) and frozen data (what they get back); never the ORM, the
settings or the reference files. `kiosk.services.frontdesk.FrontDesk` implements it on top of the
services; tests may implement it too. This module is light on purpose: the kiosk imports it
before its first paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from kiosk.domain.model import PaymentMethod, Role
from kiosk.refdata import Contacts
from kiosk.services.operator_port import OperatorDesk

# the DTOs are only named in annotations: their module is imported after the first paint
if TYPE_CHECKING:
    from kiosk.services.dto import (
        AccountView,
        CallbackView,
        DocumentFile,
        DocumentKind,
        EmailedDocument,
        OrderView,
        Quote,
        RegistrationStarted,
        SessionUser,
    )


@dataclass(frozen=True, slots=True)
class AreaChoice:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class DemoLogin:
    userid: str
    password: str
    role: Role


@dataclass(frozen=True, slots=True)
class KioskFacts:
    """What the kiosk states before any database call, from the reference data alone (the
    welcome page shows it before the settings are validated): contacts, prices of the desk, the
    areas one can register in, the demo logins (demo mode only, never in kiosk mode)."""

    contacts: Contacts
    areas: tuple[AreaChoice, ...]
    default_area: str
    vat_rate_percent: int
    assisted_fee_net_cents: int
    assisted_fee_vat_cents: int
    demo: bool = False
    demo_logins: tuple[DemoLogin, ...] = ()

    @property
    def assisted_fee_gross_cents(self) -> int:
        return self.assisted_fee_net_cents + self.assisted_fee_vat_cents


@dataclass(frozen=True, slots=True)
class DeskRules:
    """How this desk is configured (the validated settings): known once the database link is
    up, which is before any screen that needs them."""

    card_wait_seconds: float  # how long the card screen waits for the bank
    card_poll_seconds: float  # how often it asks for the order's state meanwhile
    can_print: bool = False  # a print command is configured: the result offers printing


class Link(StrEnum):
    """The state of the kiosk's link to its database."""

    CONNECTING = "connecting"
    READY = "ready"
    DOWN = "down"  # unreachable: retrying with backoff
    BUSY = "busy"  # reachable but locked by someone else: retrying with backoff


@dataclass(frozen=True, slots=True)
class LinkState:
    link: Link
    retry_at: float | None = None  # monotonic time of the next attempt, while down or busy


class Desk(Protocol):
    """Everything a kiosk screen may ask of the core."""

    @property
    def facts(self) -> KioskFacts: ...

    @property
    def rules(self) -> DeskRules:
        """The desk's configured rules (available once the settings are validated)."""
        ...

    @property
    def operator(self) -> OperatorDesk:
        """The help desk's calls (operators and administrators)."""
        ...

    async def login(self, userid: str, password: str) -> SessionUser: ...

    async def start_registration(
        self,
        *,
        userid: str,
        nominativo: str,
        codice_fiscale: str,
        email: str,
        password: str,
        password_confirm: str,
        area_code: str,
    ) -> RegistrationStarted: ...

    async def complete_registration(
        self, handle: str, code: str, *, userid: str | None = None
    ) -> SessionUser: ...

    async def request_recovery(self, identifier: str) -> str: ...

    async def reset_password(
        self, userid: str, code: str, password: str, password_confirm: str
    ) -> SessionUser: ...

    async def overview(self, userid: str) -> AccountView: ...

    async def quote(
        self, userid: str, pec: str, *, assisted: bool = False, replacing: str | None = None
    ) -> Quote: ...

    async def place_order(
        self, userid: str, pec: str, method: PaymentMethod, *, replacing: str | None = None
    ) -> OrderView: ...

    async def order(self, code: str) -> OrderView: ...

    async def cancel_order(self, code: str, *, actor: str) -> OrderView: ...

    async def request_callback(self, pec: str, *, phone: str, userid: str) -> CallbackView: ...

    async def open_bank(self, order_code: str) -> str:
        """COLLEGAMENTO A BANCA: the bank's payment page for this card order (opened at the bank
        the first time, and again after a declined card); `Refusal(BANK_UNAVAILABLE)` when the
        bank does not answer. The order's view then says whether the bank declined the card
        (`card_declined`); only the bank's notification marks it paid."""
        ...

    async def print_document(self, order_code: str, kind: DocumentKind) -> DocumentFile:
        """Make the payment reminder or the invoice (PDF) and send it to the desk's printer;
        `Refusal(PRINT_FAILED)` says what went wrong in words for the person at the desk."""
        ...

    async def email_document(self, order_code: str, kind: DocumentKind) -> EmailedDocument:
        """Queue the payment reminder or the invoice (PDF attached) to the subscriber's e-mail
        on record; the answer names the address partially masked."""
        ...

    async def demo_notice(self) -> str | None:
        """In demo mode, when the demo data were made for another day: what to know, and how to
        make them again for today."""
        ...

    async def exit_pin_is_set(self) -> bool: ...

    async def check_exit_pin(self, pin: str) -> bool: ...

    async def record_exit(self) -> None: ...
