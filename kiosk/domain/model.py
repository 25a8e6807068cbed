"""Vocabulary shared by every layer: mailbox families, states, payment methods, order states."""

from __future__ import annotations

from enum import StrEnum

from kiosk.i18n import N_, _


class MailboxFamily(StrEnum):
    """The three kinds of PEC mailbox the seed distinguishes."""

    CONVENZIONE_ORDINE = "convenzione_ordine"
    DOMINIO_CONVENZIONE = "dominio_convenzione"
    LEGALMAIL = "legalmail"

    @property
    def label(self) -> str:
        return _(_FAMILY_LABELS[self])

    @property
    def short_label(self) -> str:
        return _(_FAMILY_SHORT[self])


_FAMILY_SHORT = {
    MailboxFamily.CONVENZIONE_ORDINE: N_("convenzione Ordine"),
    MailboxFamily.DOMINIO_CONVENZIONE: N_("dominio in convenzione"),
    MailboxFamily.LEGALMAIL: N_("@legalmail.it"),
}
_FAMILY_LABELS = {
    MailboxFamily.CONVENZIONE_ORDINE: N_("PEC in convenzione con l'Ordine Forense"),
    MailboxFamily.DOMINIO_CONVENZIONE: N_("PEC con dominio in convenzione"),
    MailboxFamily.LEGALMAIL: N_("PEC @legalmail.it"),
}


class MailboxState(StrEnum):
    """attiva: today <= expiry; sospesa: expired but renewable; cessata: past the window."""

    ATTIVA = "attiva"
    SOSPESA = "sospesa"
    CESSATA = "cessata"

    @property
    def label(self) -> str:
        return _(_STATE_LABELS[self])


_STATE_LABELS = {
    MailboxState.ATTIVA: N_("attiva"),
    MailboxState.SOSPESA: N_("sospesa"),
    MailboxState.CESSATA: N_("cessata"),
}


class PaymentMethod(StrEnum):
    PREPAID = "prepaid"
    CARTA = "carta"
    BONIFICO = "bonifico"
    BOLLETTINO = "bollettino"
    ASSEGNO = "assegno"
    CONTANTI = "contanti"  # cash, handed in at the help desk (assisted renewals only)

    @property
    def offline(self) -> bool:
        """Paid outside the program and confirmed later by the administration."""
        return self in (PaymentMethod.BONIFICO, PaymentMethod.BOLLETTINO, PaymentMethod.ASSEGNO)

    @property
    def desk_only(self) -> bool:
        """Taken only by an operator at the desk, in an assisted renewal."""
        return self is PaymentMethod.CONTANTI

    @property
    def label(self) -> str:
        return _(_METHOD_LABELS[self])


_METHOD_LABELS = {
    PaymentMethod.PREPAID: N_("conto prepagato"),
    PaymentMethod.CARTA: N_("carta di credito"),
    PaymentMethod.BONIFICO: N_("bonifico"),
    PaymentMethod.BOLLETTINO: N_("bollettino postale"),
    PaymentMethod.ASSEGNO: N_("assegno"),
    PaymentMethod.CONTANTI: N_("contanti"),
}


class OrderStatus(StrEnum):
    """pending: awaiting payment; paid: invoiced, renewal due; activated; cancelled."""

    PENDING = "pending"
    PAID = "paid"
    ACTIVATED = "activated"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in OPEN_ORDER_STATUSES

    @property
    def label(self) -> str:
        return _(_ORDER_STATUS_LABELS[self])


_ORDER_STATUS_LABELS = {
    OrderStatus.PENDING: N_("in attesa di pagamento"),
    OrderStatus.PAID: N_("pagato, rinnovo in corso"),
    OrderStatus.ACTIVATED: N_("rinnovato"),
    OrderStatus.CANCELLED: N_("annullato"),
}


# An order is "open" until it is finished (activated) or dropped (cancelled): a mailbox has at
# most one open order. The database's partial unique index is built from this same tuple.
OPEN_ORDER_STATUSES = (OrderStatus.PENDING, OrderStatus.PAID)


class Role(StrEnum):
    SUBSCRIBER = "subscriber"
    OPERATOR = "operator"
    ADMIN = "admin"


_ROLE_LABELS = {
    Role.SUBSCRIBER: N_("avvocato"),
    Role.OPERATOR: N_("operatore"),
    Role.ADMIN: N_("amministrazione"),
}


def role_label(role: Role) -> str:
    return _(_ROLE_LABELS[role])
