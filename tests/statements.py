"""The statement fixtures of tests/data/statements/, filled with the codes of real orders.

Every fixture holds the same story: a debit (ignored); a good bonifico for order A with its code
written as a payer would (lower case, dashes, spaces); order B's code with one character wrong
(the check character fails; B is suggested); the good line again with the same entry reference
(a duplicate); B's code with the wrong amount; the cancelled order C's code; a credit without
any order code. camt.053 001.02 adds a pending entry (ignored), 001.08 a batch entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.domain.ordercode import ALPHABET

STATEMENTS = Path(__file__).resolve().parent / "data" / "statements"
# fixture -> (--format, --profile, debits and pending entries ignored, entry reference of A)
FIXTURES = {
    "banca.csv": ("csv", "banca", 1, "0000112"),
    "banca-bom.csv": ("csv", None, 1, "0000112"),
    "dare-avere.csv": ("csv", "dare-avere", 1, "DA-0002"),
    "camt053-001.02.xml": ("camt053", None, 2, "2026112300002"),
    "camt053-001.08.xml": (None, None, 1, "E-0002"),
}
# what needs a person in every fixture
TO_CHECK = ["cancelled", "duplicate_line", "mistyped_code", "no_code", "wrong_amount"]


@dataclass(frozen=True)
class Codes:
    good: str  # A: pending, paid by the statement (30,50)
    open_: str  # B: pending; mistyped once, paid with a wrong amount once (total 14,64)
    cancelled: str  # C: cancelled (18,30)


def written(code: str) -> str:
    """A code as payers write it: `rlm-4k7q 2x3`."""
    return f"{code[:3].lower()}-{code[3:7].lower()} {code[7:].lower()}"


def typo(code: str) -> str:
    """One character of the body replaced: the check character no longer agrees."""
    i = 5
    replacement = next(ch for ch in ALPHABET if ch != code[i])
    return code[:i] + replacement + code[i + 1 :]


def fill(name: str, codes: Codes) -> bytes:
    """The fixture's bytes, in its own encoding, with the placeholders replaced."""
    raw = (STATEMENTS / name).read_bytes()
    encoding = "cp1252" if name in ("banca.csv", "dare-avere.csv") else "utf-8"
    text = raw.decode(encoding)
    for placeholder, value in {
        "@GOOD_WRITTEN@": written(codes.good),
        "@TYPO@": typo(codes.open_),
        "@WRONG@": codes.open_,
        "@CANCELLED@": codes.cancelled,
    }.items():
        text = text.replace(placeholder, value)
    return text.encode(encoding)


def camt(entries: str, version: str = "001.02") -> bytes:
    """A minimal camt.053 document around some `<Ntry>` elements."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.{version}">'
        f"<BkToCstmrStmt><Stmt>{entries}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def credit(ref: str, amount: str, causale: str) -> str:
    """One booked credit `<Ntry>`."""
    return (
        f'<Ntry><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
        f"<BookgDt><Dt>2026-11-24</Dt></BookgDt><AcctSvcrRef>{ref}</AcctSvcrRef>"
        f"<NtryDtls><TxDtls><RmtInf><Ustrd>{causale}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )
