"""How to pay an order outside the program: coordinates, causale, and the QR payloads.

Bonifico gets an EPC QR code (EPC069-12, version 002, UTF-8) that a banking app reads to fill in
the transfer; bollettino and assegno get the same instructions as plain text (also as a QR, so a
phone can keep them).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.model import PaymentMethod
from kiosk.domain.money import plain_amount
from kiosk.i18n import _, money

EPC_MAX_BYTES = 331
EPC_NAME_MAX = 70
EPC_REMITTANCE_MAX = 140
EPC_INFO_MAX = 70
EPC_MIN_CENTS = 1
EPC_MAX_CENTS = 99_999_999_999


@dataclass(frozen=True, slots=True)
class BankCoordinates:
    beneficiary: str
    iban: str
    bic: str
    bank_name: str


@dataclass(frozen=True, slots=True)
class PostalCoordinates:
    account_number: str  # conto corrente postale
    holder: str  # intestatario


@dataclass(frozen=True, slots=True)
class ChequeCoordinates:
    payee: str  # "non trasferibile" made out to
    desk: str  # where to hand it in
    mail_address: str  # where to send it


@dataclass(frozen=True, slots=True)
class Payee:
    bank: BankCoordinates
    postal: PostalCoordinates
    cheque: ChequeCoordinates
    admin_email: str


@dataclass(frozen=True, slots=True)
class PaymentInstructions:
    """Everything a payer needs: shown on screen, printed, and encoded in the QR."""

    method: PaymentMethod
    order_code: str
    amount_cents: int
    causale: str
    details: tuple[tuple[str, str], ...]  # (label, value) rows, in display order
    admin_email: str
    qr_payload: str  # EPC for bonifico; the essentials as text for bollettino and assegno

    @property
    def text(self) -> str:
        rows = [f"{label}: {value}" for label, value in self.details]
        rows.append(
            _("Inviare copia del versamento all'indirizzo {email}").format(email=self.admin_email)
        )
        return "\n".join(rows)


class EpcError(ValueError):
    """A field does not fit the EPC QR specification."""


def epc_payload(bank: BankCoordinates, amount_cents: int, remittance: str, info: str = "") -> str:
    """The EPC069-12 v002 payload for a SEPA credit transfer, with an unstructured remittance."""
    from stdnum import bic as stdnum_bic
    from stdnum import iban as stdnum_iban

    name = " ".join(bank.beneficiary.split())
    if not name or len(name) > EPC_NAME_MAX:
        raise EpcError(f"beneficiary name must be 1-{EPC_NAME_MAX} characters")
    if not stdnum_iban.is_valid(bank.iban):
        raise EpcError("invalid IBAN")
    bic = stdnum_bic.compact(bank.bic) if bank.bic else ""
    if bic and not stdnum_bic.is_valid(bic):
        raise EpcError("invalid BIC")
    if not EPC_MIN_CENTS <= amount_cents <= EPC_MAX_CENTS:
        raise EpcError("amount must be between EUR0.01 and EUR999999999.99")
    remittance = " ".join(remittance.split())
    if len(remittance) > EPC_REMITTANCE_MAX:
        raise EpcError(f"remittance must be at most {EPC_REMITTANCE_MAX} characters")
    info = " ".join(info.split())  # one field, one line: no newline may add a 13th line
    if len(info) > EPC_INFO_MAX:
        raise EpcError(f"information must be at most {EPC_INFO_MAX} characters")
    fields = [
        "BCD",
        "002",
        "1",  # UTF-8
        "SCT",
        bic,
        name,
        stdnum_iban.compact(bank.iban),
        "EUR" + plain_amount(amount_cents),
        "",  # purpose
        "",  # structured (RF) reference: we use the unstructured one below
        remittance,
        info,
    ]
    payload = "\n".join(fields).rstrip("\n")
    if len(payload.encode("utf-8")) > EPC_MAX_BYTES:
        raise EpcError(f"payload exceeds {EPC_MAX_BYTES} bytes")
    return payload


def causale(order_code: str) -> str:
    """The payment reason: the order code first, so even a truncated causale carries it.

    Kept short on purpose: the order code identifies everything else, and a short payload keeps
    the QR small enough (version 5, 45×45 modules with the quiet zone) to fit an 80×24 terminal.
    """
    return f"{order_code} RINNOVO PEC"


def _plain_euro(cents: int) -> str:
    return "EUR " + plain_amount(cents).replace(".", ",")


def payment_instructions(
    method: PaymentMethod, payee: Payee, order_code: str, amount_cents: int
) -> PaymentInstructions:
    """Instructions for bonifico, bollettino or assegno."""
    from stdnum import iban as stdnum_iban

    reason = causale(order_code)
    amount = money(amount_cents)
    details: list[tuple[str, str]]
    if method is PaymentMethod.BONIFICO:
        details = [
            (_("Beneficiario"), payee.bank.beneficiary),
            (_("IBAN"), stdnum_iban.format(payee.bank.iban)),
            (_("BIC"), payee.bank.bic),
            (_("Banca"), payee.bank.bank_name),
            (_("Importo"), amount),
            (_("Causale"), reason),
        ]
    elif method is PaymentMethod.BOLLETTINO:
        details = [
            (_("Conto corrente postale"), payee.postal.account_number),
            (_("Intestatario"), payee.postal.holder),
            (_("Importo"), amount),
            (_("Causale"), reason),
        ]
    elif method is PaymentMethod.ASSEGNO:
        details = [
            (_("Assegno non trasferibile intestato a"), payee.cheque.payee),
            (_("Importo"), amount),
            (_("Consegna allo sportello"), payee.cheque.desk),
            (_("Oppure spedire a"), payee.cheque.mail_address),
            (_("Da scrivere sul retro"), reason),
        ]
    else:
        raise ValueError(f"{method} is not an offline payment method")
    if method is PaymentMethod.BONIFICO:
        qr = epc_payload(payee.bank, amount_cents, reason)
    elif method is PaymentMethod.BOLLETTINO:
        qr = "\n".join(
            [
                _("BOLLETTINO POSTALE"),
                f"C/C {payee.postal.account_number}",
                payee.postal.holder,
                _plain_euro(amount_cents),
                reason,
            ]
        )
    else:
        qr = "\n".join(
            [
                _("ASSEGNO NON TRASFERIBILE"),
                payee.cheque.payee,
                _plain_euro(amount_cents),
                _("Sul retro: {causale}").format(causale=reason),
            ]
        )
    return PaymentInstructions(
        method, order_code, amount_cents, reason, tuple(details), payee.admin_email, qr
    )


def coordinates(
    method: PaymentMethod, payee: Payee, amount_cents: int
) -> tuple[tuple[str, str], ...]:
    """Where and how to pay, before the order (and its code) exists: the rows without causale."""
    return tuple(
        (label, value)
        for label, value in payment_instructions(method, payee, "RLM0000000", amount_cents).details
        if label not in (_("Causale"), _("Da scrivere sul retro"))
    )
