"""The one error hierarchy of the program's core. Every message is for people (Italian, through
the catalogue); every class has its CLI exit code and its place on screen.

- `InvalidInput`: the input itself is wrong (which field, and why). Exit 2, beside the field.
- `Refusal`: a business rule says no; `reason` is a stable machine code. Exit 1.
- `Conflict`: the database refused a change that broke one of its invariants (a concurrent change
  got there first); `constraint` names the invariant. Exit 1.
- `Unavailable`: the database cannot be reached, or stayed busy. Nothing was changed. Exit 3
  (exit 2 when it refuses the program's credentials or privileges: `config`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from kiosk.i18n import _


class Reason(StrEnum):
    """Why a request was refused: the codes the CLI prints with `--json` and screens act on."""

    # renewal
    UNKNOWN_MAILBOX = "unknown_mailbox"
    NOT_OWNER = "not_owner"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    PENDING = "pending"
    NO_PRICE = "no_price"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    NOT_OPERATOR = "not_operator"
    DESK_ONLY = "desk_only"  # cash is taken only at the desk, by an operator
    CHEQUE_USED = "cheque_used"  # a cheque (bank and number) already handed in
    NOT_ADMIN = "not_admin"  # the administration's own actions (top-ups, operators...)
    # orders and payments
    UNKNOWN_ORDER = "unknown_order"
    NOT_PENDING = "not_pending"
    CANCELLED = "cancelled"
    ALREADY_PAID = "already_paid"
    WRONG_AMOUNT = "wrong_amount"
    REFERENCE_USED = "reference_used"
    EXPIRY_MOVED = "expiry_moved"
    NOT_CARD = "not_card"  # the bank's page is for card orders
    BANK_UNAVAILABLE = "bank_unavailable"  # the card gateway did not answer or refused
    # accounts and authentication
    UNKNOWN_USER = "unknown_user"
    NOT_SUBSCRIBER = "not_subscriber"
    BAD_CREDENTIALS = "bad_credentials"
    LOCKED = "locked"
    THROTTLED = "throttled"  # too many failures: the next try must wait (wait_seconds)
    RATE_LIMITED = "rate_limited"
    BAD_CODE = "bad_code"
    NO_PIN = "no_pin"  # the kiosk's exit PIN was never set
    MAIL_GONE = "mail_gone"  # an outbox message whose code row no longer exists
    UNKNOWN_MAIL = "unknown_mail"  # no outbox message with that number
    MAIL_NOT_FAILED = "mail_not_failed"  # `outbox retry` of a message that has not failed
    RENEWABLE = "renewable"
    # the help desk's queues
    UNKNOWN_CALLBACK = "unknown_callback"
    CALLBACK_TAKEN = "callback_taken"  # taken by another operator
    CALLBACK_CLOSED = "callback_closed"
    DEMO_PRESENT = "demo_present"
    UNKNOWN_LINE = "unknown_line"  # no statement line needing a person with that number
    LINE_RESOLVED = "line_resolved"  # that statement line was resolved already
    SELF = "self"  # an administrator cannot disable or reset their own account
    LAST_ADMIN = "last_admin"  # the last enabled administrator stays enabled
    REAL_DATA = "real_data"  # synthetic data refused beside real subscribers
    # documents and printing
    NOT_OFFLINE = "not_offline"  # a payment reminder is for bonifico, bollettino, assegno
    NO_INVOICE = "no_invoice"  # the order has no invoice (yet)
    NOT_PAID = "not_paid"  # a receipt is for a paid order
    UNKNOWN_INVOICE = "unknown_invoice"
    NO_TAX_CODE = "no_tax_code"  # FatturaPA needs the customer's codice fiscale
    PRINT_DISABLED = "print_disabled"
    PRINT_FAILED = "print_failed"
    # the help desk
    ALREADY_LINKED = "already_linked"  # the mailbox is already this subscriber's
    OWNED_ELSEWHERE = "owned_elsewhere"  # the mailbox belongs to another person
    # remote support
    UNKNOWN_KEY = "unknown_key"  # no SSH key with that fingerprint


class KioskError(Exception):
    """Anything the core refuses or cannot do, with a message for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(KioskError, ValueError):
    """Bad input: which field and why, in words the user can act on."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Refusal(KioskError):
    """A business rule refuses the request."""

    def __init__(self, reason: Reason, message: str, **details: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details


class Conflict(KioskError):
    """The database refused a change that breaks an invariant (`constraint` names it)."""

    def __init__(self, constraint: str, message: str) -> None:
        super().__init__(message)
        self.constraint = constraint


class Unavailable(KioskError):
    """The database is unreachable (or, `busy`, held by others past the lock timeout)."""

    def __init__(
        self, message: str, *, busy: bool = False, detail: str = "", config: bool = False
    ) -> None:
        super().__init__(message)
        self.busy = busy
        self.detail = detail  # the driver's code (SQLSTATE, SQLite result, exception name)
        # the database answered but refuses this program (unknown role, wrong password, no
        # privilege, read-only file): the configuration must change, waiting will not help
        self.config = config


def unavailable(*, busy: bool = False, detail: str = "") -> Unavailable:
    """The database is not there (or, `busy`, held by others): the same words everywhere."""
    if busy:
        return Unavailable(
            _("Database occupato: riprovare tra qualche istante."), busy=True, detail=detail
        )
    return Unavailable(
        _(
            "Il servizio non è disponibile in questo momento (database non raggiungibile). "
            "Riprovare tra poco o rivolgersi allo sportello."
        ),
        detail=detail,
    )
