"""Money in integer euro cents, IVA at 22% rounded half up to the cent.

IVA is computed once on the taxable total of an order (as in the invoice summary), not per line,
so the invoice and the quote always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

VAT_RATE_PERCENT = 22
ASSISTED_FEE_NET_CENTS = 1000  # "RINNOVO ASSISTITO: € 10 + iva"
MAX_AMOUNT_CENTS = 99_999_999_999  # 999.999.999,99: the EPC QR ceiling, far above any order


def vat_cents(net_cents: int, rate_percent: int = VAT_RATE_PERCENT) -> int:
    """IVA on a net amount, rounded half up (away from zero) to the cent."""
    product = abs(net_cents) * rate_percent
    vat = (product + 50) // 100
    return vat if net_cents >= 0 else -vat


@dataclass(frozen=True, slots=True)
class PriceLine:
    code: str  # "renewal" or "assisted_fee"
    description: str
    net_cents: int


@dataclass(frozen=True, slots=True)
class PriceBreakdown:
    lines: tuple[PriceLine, ...]
    net_cents: int
    vat_cents: int
    total_cents: int
    vat_rate_percent: int = VAT_RATE_PERCENT


def price(lines: tuple[PriceLine, ...] | list[PriceLine]) -> PriceBreakdown:
    if not lines:
        raise ValueError("an order has at least one line")
    net = sum(line.net_cents for line in lines)
    if net < 0:
        raise ValueError("net total must not be negative")
    vat = vat_cents(net)
    return PriceBreakdown(tuple(lines), net, vat, net + vat)


_PLAIN = re.compile(r"^(\d{1,9})(?:[.,](\d{1,2}))?$")
_GROUPED = re.compile(r"^(\d{1,3}(?:\.\d{3}){1,2}),(\d{1,2})$")


def parse_amount(text: str) -> int:
    """Read `12.20`, `12,20`, `12,2`, `12` or `1.234,50` as cents; ValueError otherwise.

    A dot is a thousands separator only beside decimal comma (`1.234,50`); alone it is the
    decimal point, so `12.999` is refused rather than read as twelve thousand euro.
    """
    cleaned = text.strip().removeprefix("€").removesuffix("€").strip()
    if cleaned.upper().startswith("EUR"):
        cleaned = cleaned[3:].strip()
    match = _GROUPED.match(cleaned) or _PLAIN.match(cleaned)
    if not match:
        raise ValueError(f"importo non valido: {text!r}")
    euros = int(match.group(1).replace(".", ""))
    cents = int((match.group(2) or "0").ljust(2, "0"))
    return euros * 100 + cents


def plain_amount(cents: int) -> str:
    """`1220` → `12.20`: the machine format (CLI input, EPC QR, XML)."""
    if cents < 0:
        return "-" + plain_amount(-cents)
    return f"{cents // 100}.{cents % 100:02d}"
