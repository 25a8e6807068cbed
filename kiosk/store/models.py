"""Tortoise models. Only `kiosk.services` uses them; screens see frozen dataclasses.

Invariants live in the schema as well as in the services: unique order codes, unique invoice
(year, number), one payment and one invoice per order here; the ones Tortoise cannot declare
portably (at most one open order per mailbox, a balance never below zero, append-only ledger and
audit) are created by migration 0002 from `kiosk.store.invariants`.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from kiosk.domain.model import MailboxFamily, OrderStatus, PaymentMethod, Role


class Area(Model):
    """A subscriber area: www.lextel.it or a convention area of an Ordine Forense."""

    code = fields.CharField(max_length=100, primary_key=True)
    name = fields.CharField(max_length=200)
    ordine = fields.CharField(max_length=200, default="")
    ordine_domains: fields.Field[list[str]] = fields.JSONField(default=list)
    convention_domains: fields.Field[list[str]] = fields.JSONField(default=list)
    is_default = fields.BooleanField(default=False)

    class Meta:
        table = "area"


class Price(Model):
    """Net price in cents of a one-year renewal, per area and mailbox family."""

    id = fields.IntField(primary_key=True)
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="prices", on_delete=fields.RESTRICT
    )
    family = fields.CharEnumField(MailboxFamily, max_length=32)
    net_cents: fields.Field[int] = fields.BigIntField()
    area_id: str  # the foreign keys' columns, for the type checker

    class Meta:
        table = "price"
        unique_together = (("area", "family"),)


class Subscriber(Model):
    """Anyone who logs in: lawyers (subscriber), help-desk operators, administration."""

    id = fields.IntField(primary_key=True)
    userid = fields.CharField(max_length=32, unique=True)
    nominativo = fields.CharField(max_length=120)
    codice_fiscale = fields.CharField(max_length=16, null=True, db_index=True)
    email = fields.CharField(max_length=254)
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="subscribers", on_delete=fields.RESTRICT
    )
    role = fields.CharEnumField(Role, max_length=16, default=Role.SUBSCRIBER)
    password_hash = fields.CharField(max_length=200, null=True)
    # True when the codice fiscale is vouched for: imported from the provider, entered by the
    # back office, or an account bound to such a record by proving its e-mail on record. A
    # self-registration proves an e-mail address, not a codice fiscale: False, and it never
    # stands in the way of the provider's import of that codice fiscale.
    cf_proven = fields.BooleanField(default=True, db_default=True)
    created_at = fields.DatetimeField()
    # the language e-mails to this subscriber are written in: the kiosk's language the last
    # time they logged in, registered or recovered their credentials (Italian by default)
    lang = fields.CharField(max_length=8, default="it", db_default="it")
    # an operator or administrator the administration disabled: cannot log in nor act (null:
    # enabled). Staff accounts are disabled, never deleted: the audit trail names them.
    disabled_at = fields.DatetimeField(null=True)
    area_id: str

    class Meta:
        table = "subscriber"


class Mailbox(Model):
    id = fields.IntField(primary_key=True)
    address = fields.CharField(max_length=254, unique=True)
    family = fields.CharEnumField(MailboxFamily, max_length=32)
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="mailboxes", on_delete=fields.RESTRICT
    )
    owner: fields.ForeignKeyRelation[Subscriber] = fields.ForeignKeyField(
        "models.Subscriber", related_name="mailboxes", on_delete=fields.RESTRICT
    )
    anchor_date = fields.DateField()  # activation: every expiry is anchor + N years
    expiry_date = fields.DateField()
    created_at = fields.DatetimeField()
    area_id: str
    owner_id: int

    class Meta:
        table = "mailbox"
        # the expiry radar (an area's boxes by expiry) and the callback queue (boxes whose
        # window closed lately, every area)
        indexes = (("area_id", "expiry_date"), ("expiry_date",))


class PrepaidAccount(Model):
    id = fields.IntField(primary_key=True)
    subscriber: fields.OneToOneRelation[Subscriber] = fields.OneToOneField(
        "models.Subscriber", related_name="prepaid", on_delete=fields.RESTRICT
    )
    balance_cents: fields.Field[int] = fields.BigIntField(default=0)
    subscriber_id: int

    class Meta:
        table = "prepaid_account"


class PrepaidEntry(Model):
    """The append-only ledger: the balance is always the sum of its entries."""

    id = fields.IntField(primary_key=True)
    account: fields.ForeignKeyRelation[PrepaidAccount] = fields.ForeignKeyField(
        "models.PrepaidAccount", related_name="entries", on_delete=fields.RESTRICT
    )
    amount_cents: fields.Field[int] = fields.BigIntField()  # + top-up, - debit
    kind = fields.CharField(max_length=16)  # topup | debit | adjustment
    order_id = fields.IntField(null=True)
    description = fields.CharField(max_length=200)
    created_at = fields.DatetimeField()
    reference = fields.CharField(max_length=140, null=True)  # the payment behind a top-up
    recorded_by = fields.CharField(max_length=64, null=True)  # the operator who entered it

    class Meta:
        table = "prepaid_entry"


class Order(Model):
    """A renewal order for one mailbox, one year."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=10, unique=True)
    mailbox: fields.ForeignKeyRelation[Mailbox] = fields.ForeignKeyField(
        "models.Mailbox", related_name="orders", on_delete=fields.RESTRICT
    )
    subscriber: fields.ForeignKeyRelation[Subscriber] = fields.ForeignKeyField(
        "models.Subscriber", related_name="orders", on_delete=fields.RESTRICT
    )
    operator: fields.ForeignKeyNullableRelation[Subscriber] = fields.ForeignKeyField(
        "models.Subscriber", related_name="assisted_orders", null=True, on_delete=fields.RESTRICT
    )
    method = fields.CharEnumField(PaymentMethod, max_length=16)
    status = fields.CharEnumField(OrderStatus, max_length=16, default=OrderStatus.PENDING)
    renewal_net_cents: fields.Field[int] = fields.BigIntField()
    fee_net_cents: fields.Field[int] = fields.BigIntField(default=0)
    net_cents: fields.Field[int] = fields.BigIntField()
    vat_cents: fields.Field[int] = fields.BigIntField()
    total_cents: fields.Field[int] = fields.BigIntField()
    current_expiry = fields.DateField()
    next_expiry = fields.DateField()
    created_at = fields.DatetimeField()
    paid_at = fields.DatetimeField(null=True)
    activation_due_at = fields.DatetimeField(null=True)
    activated_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    mailbox_id: int
    subscriber_id: int
    operator_id: int | None

    class Meta:
        table = "renewal_order"
        indexes = (("status", "activation_due_at"),)


class Payment(Model):
    id = fields.IntField(primary_key=True)
    order: fields.OneToOneRelation[Order] = fields.OneToOneField(
        "models.Order", related_name="payment", on_delete=fields.RESTRICT
    )
    method = fields.CharEnumField(PaymentMethod, max_length=16)
    amount_cents: fields.Field[int] = fields.BigIntField()
    reference = fields.CharField(max_length=140)
    received_at = fields.DatetimeField()
    recorded_by = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "payment"


class DeskPayment(Model):
    """Money handed in at the help desk for an order (an assisted renewal): cash, or a cheque.

    The order is paid (invoiced, renewal scheduled) when the money is received; a cheque's row
    stays `to_be_cashed` until a bank statement line shows it credited, then `cashed` (with
    the line's entry reference). Cash is `received`. The `payment` row is never changed."""

    id = fields.IntField(primary_key=True)
    order: fields.OneToOneRelation[Order] = fields.OneToOneField(
        "models.Order", related_name="desk_payment", on_delete=fields.RESTRICT
    )
    method = fields.CharEnumField(PaymentMethod, max_length=16)
    amount_cents: fields.Field[int] = fields.BigIntField()
    received_at = fields.DatetimeField()
    received_by = fields.CharField(max_length=32)  # the operator's userid
    on_behalf_of = fields.CharField(max_length=32)  # the subscriber's userid
    handover = fields.BooleanField(default=False)  # in the lawyer's own session, handed over
    cheque_bank = fields.CharField(max_length=80, null=True)
    cheque_number = fields.CharField(max_length=20, null=True, db_index=True)
    cheque_drawer = fields.CharField(max_length=120, null=True)
    status = fields.CharField(max_length=16, db_index=True)  # received | to_be_cashed | cashed
    cashed_at = fields.DatetimeField(null=True)
    cashed_reference = fields.CharField(max_length=140, null=True)  # the statement line's
    order_id: int

    class Meta:
        table = "desk_payment"
        table_description = "Money handed in at the help desk: cash, or a cheque to be cashed."


class CardPayment(Model):
    """A payment opened at the bank for a card order: one per attempt (a declined card may be
    followed by another attempt on the same order). The page URL is what the link shows."""

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="card_payments", on_delete=fields.RESTRICT
    )
    payment_id = fields.CharField(max_length=64, unique=True)
    token = fields.CharField(max_length=128)
    page_url = fields.CharField(max_length=500)
    status = fields.CharField(max_length=8, default="pending")  # pending | ok | ko
    bank_txn_id = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField()
    settled_at = fields.DatetimeField(null=True)
    order_id: int

    class Meta:
        table = "card_payment"
        table_description = "A payment opened at the bank for a card order (one per attempt)."


class BankNotification(Model):
    """Every server-to-server notification the bank sent, whatever became of it.

    `paid_txn_id` is set only on the one notification that recorded the payment: unique, so a
    replay or a concurrent duplicate can never record a second one. `needs_person` marks money
    that arrived and could not be applied (refund or manual match)."""

    id = fields.IntField(primary_key=True)
    received_at = fields.DatetimeField()
    body_sha256 = fields.CharField(max_length=64)
    signature_ok = fields.BooleanField()
    outcome = fields.CharField(max_length=24)
    needs_person = fields.BooleanField(default=False, db_index=True)
    order_code = fields.CharField(max_length=16, null=True)
    payment_id = fields.CharField(max_length=64, null=True)
    bank_txn_id = fields.CharField(max_length=64, null=True)
    paid_txn_id = fields.CharField(max_length=64, null=True, unique=True)
    detail = fields.CharField(max_length=500, default="")

    class Meta:
        table = "bank_notification"
        table_description = "Every notification received from the bank, and what became of it."


class InvoiceCounter(Model):
    """The last invoice number of each year, bumped inside the invoicing transaction."""

    id = fields.IntField(primary_key=True)
    year = fields.IntField(unique=True)
    last_number = fields.IntField(default=0)

    class Meta:
        table = "invoice_counter"


class Invoice(Model):
    id = fields.IntField(primary_key=True)
    year = fields.IntField()
    number = fields.IntField()
    order: fields.OneToOneRelation[Order] = fields.OneToOneField(
        "models.Order", related_name="invoice", on_delete=fields.RESTRICT
    )
    issued_at = fields.DatetimeField()
    customer_name = fields.CharField(max_length=120)
    customer_cf = fields.CharField(max_length=16, null=True)
    customer_email = fields.CharField(max_length=254)
    net_cents: fields.Field[int] = fields.BigIntField()
    vat_cents: fields.Field[int] = fields.BigIntField()
    total_cents: fields.Field[int] = fields.BigIntField()
    # an assisted renewal: the help-desk operator who placed the order (userid), as printed
    operator = fields.CharField(max_length=32, null=True)

    class Meta:
        table = "invoice"
        unique_together = (("year", "number"),)


class RecoveryCode(Model):
    """A single-use credential-recovery code. Never stored in clear: the code is derived from
    `nonce` with the deployment's secret key when the e-mail is rendered, and checked against
    its argon2 hash."""

    id = fields.IntField(primary_key=True)
    subscriber: fields.ForeignKeyRelation[Subscriber] = fields.ForeignKeyField(
        "models.Subscriber", related_name="recovery_codes", on_delete=fields.CASCADE
    )
    code_hash = fields.CharField(max_length=200)
    nonce = fields.CharField(max_length=64, default="", db_default="")
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    subscriber_id: int

    class Meta:
        table = "recovery_code"


class PendingRegistration(Model):
    """Iscriviti, step one: everything the form said, waiting for the e-mailed code.

    Holds no claim on the codice fiscale (nothing looks at it but its own second step).
    `kind`: `new` (a new account, code to the e-mail typed), `bind` (the codice fiscale belongs
    to an imported subscriber without a password: the code went to the e-mail on record, and
    proving it sets that subscriber's password), `already` (that subscriber has a password: the
    e-mail on record was told so, and no code completes this row).
    """

    id = fields.IntField(primary_key=True)
    handle = fields.CharField(max_length=32, unique=True)  # what the screen holds
    kind = fields.CharField(max_length=16)
    subscriber: fields.ForeignKeyNullableRelation[Subscriber] = fields.ForeignKeyField(
        "models.Subscriber", related_name="registrations", null=True, on_delete=fields.CASCADE
    )
    userid = fields.CharField(max_length=32)
    nominativo = fields.CharField(max_length=120)
    codice_fiscale = fields.CharField(max_length=16)
    email = fields.CharField(max_length=254)
    area: fields.ForeignKeyRelation[Area] = fields.ForeignKeyField(
        "models.Area", related_name="registrations", on_delete=fields.RESTRICT
    )
    password_hash = fields.CharField(max_length=200)
    code_hash = fields.CharField(max_length=200)
    nonce = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    subscriber_id: int | None
    area_id: str

    class Meta:
        table = "pending_registration"


class AuthThrottle(Model):
    """One row per throttled key: a userid's or a terminal's wrong passwords, the exit PIN's
    wrong tries, the code e-mails asked for one identifier. `key` is the sha256 of kind and
    identifier, so the table names nobody. Reserved (row locked, attempt counted) in a
    transaction of its own before any secret is checked."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    kind = fields.CharField(max_length=16)
    failures = fields.IntField(default=0)  # in a row (passwords, PIN)
    last_failure_at = fields.DatetimeField(null=True)
    next_allowed_at = fields.DatetimeField(null=True)  # the progressive delay
    locked_until = fields.DatetimeField(null=True)
    count = fields.IntField(default=0)  # requests in the current window (code e-mails)
    window_start = fields.DatetimeField(null=True)

    class Meta:
        table = "auth_throttle"


class CallbackRequest(Model):
    """A request to be called back by Supporto Vendite about a mailbox past the window.

    `status`: open -> taken (by `taken_by`, at `taken_at`) -> closed (by `handled_by`, at
    `handled_at`, with its `outcome`); rows from before the queue may say `done` (closed).
    `origin_key` is set on the requests the queue made itself for a box whose window closed
    (`window:<mailbox id>:<expiry>`): unique, so two operators taking the same box at once
    make one request; NULL for the requests left at the kiosk or the desk.
    """

    id = fields.IntField(primary_key=True)
    subscriber: fields.ForeignKeyNullableRelation[Subscriber] = fields.ForeignKeyField(
        "models.Subscriber", related_name="callbacks", null=True, on_delete=fields.RESTRICT
    )
    pec_address = fields.CharField(max_length=254)
    phone = fields.CharField(max_length=32, default="")
    note = fields.CharField(max_length=500, default="")
    status = fields.CharField(max_length=16, default="open")  # open | done
    created_at = fields.DatetimeField()
    handled_at = fields.DatetimeField(null=True)
    handled_by = fields.CharField(max_length=32, null=True)
    taken_by = fields.CharField(max_length=32, null=True)
    taken_at = fields.DatetimeField(null=True)
    outcome = fields.CharField(max_length=500, default="", db_default="")
    origin_key = fields.CharField(max_length=100, null=True, unique=True)

    class Meta:
        table = "callback_request"
        indexes = (("status", "created_at"),)


class CallbackNote(Model):
    """A note on a callback request: appended, never edited (who wrote it, and when)."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[CallbackRequest] = fields.ForeignKeyField(
        "models.CallbackRequest", related_name="notes", on_delete=fields.RESTRICT
    )
    at = fields.DatetimeField()
    author = fields.CharField(max_length=32)
    text = fields.CharField(max_length=500)
    request_id: int

    class Meta:
        table = "callback_note"
        table_description = "A note on a callback request (appended, never edited)."


class OutboxEmail(Model):
    """E-mails waiting to be sent, written in the transaction of the change they report.

    Every message is stored as `template` and non-secret `params` (e.g. the code row's id, the
    order code, the recipient's language) and rendered at send time, attachments included
    (`kiosk.services.mailtexts`); rows from before templates keep their `subject` and `body`.

    Delivery (`kiosk.mail.sender`): `pending` rows due at `next_attempt_at` are claimed
    (`sending`, a lease until `claimed_until`, a fresh `claim_token`), sent with their own
    `message_id` (made when the row is written, so a resend after a crash is recognisable),
    then `sent`; a temporary failure puts the row back to `pending` later (exponential
    backoff), a permanent one or too many attempts make it `failed`. `dedupe_key` makes a
    message that must go once (an expiry reminder) unique.
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=32)
    to_address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    body = fields.TextField()
    template = fields.CharField(max_length=32, default="", db_default="")
    params: fields.Field[dict[str, object]] = fields.JSONField(default=dict, db_default={})
    created_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=500, null=True)
    status = fields.CharField(max_length=16, default="pending", db_default="pending")
    message_id = fields.CharField(max_length=200, default="", db_default="")
    next_attempt_at = fields.DatetimeField(null=True)  # null: due now
    claimed_until = fields.DatetimeField(null=True)
    claim_token = fields.CharField(max_length=32, null=True)
    dedupe_key = fields.CharField(max_length=200, null=True, unique=True)

    class Meta:
        table = "outbox_email"
        indexes = (("status", "next_attempt_at"),)


class AuditEvent(Model):
    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField()
    actor = fields.CharField(max_length=32, null=True)
    action = fields.CharField(max_length=48, db_index=True)
    subject = fields.CharField(max_length=254, default="")
    details: fields.Field[dict[str, object]] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_event"


class KioskFact(Model):
    """Small key-value facts about the database itself (e.g. the day the demo was built for)."""

    key = fields.CharField(max_length=64, primary_key=True)
    value = fields.CharField(max_length=200)

    class Meta:
        table = "kiosk_meta"


class StatementLine(Model):
    """A credit line of an imported bank statement and what reconciliation made of it.

    Unique by the bank's entry reference: importing the same statement again (or an overlapping
    one) finds its lines here and changes nothing."""

    id = fields.IntField(primary_key=True)
    entry_reference = fields.CharField(max_length=140, unique=True)
    file_hash = fields.CharField(max_length=64)  # sha256 of the statement file
    booked_on = fields.DateField(null=True)
    amount_cents = fields.BigIntField()
    causale = fields.CharField(max_length=500, default="")
    outcome = fields.CharField(max_length=24)  # confirmed, or why a person must look
    order_code = fields.CharField(max_length=10, null=True)
    imported_at = fields.DatetimeField()
    operator = fields.CharField(max_length=32, null=True)
    # what the administration made of a line that needed a person (`outcome` keeps why it
    # did): null while open, `matched` (confirmed for `order_code`) or `refund` (to be sent
    # back), with who, when and their note
    resolution = fields.CharField(max_length=16, null=True)
    resolved_at = fields.DatetimeField(null=True)
    resolved_by = fields.CharField(max_length=32, null=True)
    resolution_note = fields.CharField(max_length=500, default="", db_default="")

    class Meta:
        table = "statement_line"


class SshKey(Model):
    """An SSH public key for `pec-kiosk serve ssh`: one key, one operator account or one kiosk
    terminal (exactly one of the two: a CHECK of migration 0016, and the service's rule).

    The fingerprint (SHA256, as OpenSSH prints it) is the key's identity; the public key itself
    is kept so that the list can show it and a deployment can audit what was authorised. An
    operator's key opens that operator's session; a terminal's key opens a kiosk on its welcome
    page, named `terminal` (its KIOSK_TERMINAL_ID), where anyone may log in."""

    id = fields.IntField(primary_key=True)
    fingerprint = fields.CharField(max_length=64, unique=True)
    public_key = fields.TextField()
    comment = fields.CharField(max_length=200, default="")
    operator: fields.ForeignKeyNullableRelation[Subscriber] = fields.ForeignKeyField(
        "models.Subscriber", related_name="ssh_keys", null=True, on_delete=fields.CASCADE
    )
    terminal = fields.CharField(max_length=64, null=True)
    added_by = fields.CharField(max_length=32)
    added_at = fields.DatetimeField()
    operator_id: int | None

    class Meta:
        table = "ssh_key"


class SearchTerm(Model):
    """The subscriber search's index (`kiosk.domain.search`): one row per normalised term of a
    subscriber (userid, codice fiscale, each PEC address, each word of the name).

    Written by the services that create subscribers and mailboxes (`kiosk.services.search`
    keeps it), backfilled by migration 0012, which also makes its indexes: (term,
    subscriber_id, field) for the prefix range scan, (subscriber_id, term) for the words after
    the first and for rebuilding one subscriber's terms. `subscriber_id` is a plain column:
    subscribers are never deleted, and the bulk loaders write millions of these rows."""

    id = fields.IntField(primary_key=True)
    term = fields.CharField(max_length=254)
    subscriber_id = fields.IntField()
    field = fields.CharField(max_length=8)

    class Meta:
        table = "search_term"
