"""Integer cents, IVA 22% half up, price breakdowns, amount parsing (kiosk.domain.money)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.money import (
    ASSISTED_FEE_NET_CENTS,
    MAX_AMOUNT_CENTS,
    PriceBreakdown,
    PriceLine,
    parse_amount,
    plain_amount,
    price,
    vat_cents,
)
from kiosk.i18n import money


def _decimal_vat(net: int, rate: int = 22) -> int:
    exact = Decimal(net) * Decimal(rate) / Decimal(100)
    return int(exact.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


# --- IVA ---------------------------------------------------------------------------------------


def test_the_default_rate_is_the_italian_standard_rate() -> None:
    assert vat_cents(10_000) == 2_200  # 100,00 € net: 22,00 € of IVA
    assert vat_cents(1_500) == 330


@pytest.mark.parametrize(
    ("net", "vat"),
    [
        (0, 0),
        (1, 0),  # 0.22
        (2, 0),  # 0.44
        (3, 1),  # 0.66
        (16, 4),  # 3.52
        (34, 7),  # 7.48: just below the half
        (25, 6),  # 5.5 exactly: half up
        (75, 17),  # 16.5
        (125, 28),  # 27.5
        (1000, 220),
        (1500, 330),
        (2500, 550),
        (4000, 880),
        (99_999_999_999, 22_000_000_000),  # 21999999999.78 rounds up
    ],
)
def test_vat_examples(net: int, vat: int) -> None:
    assert vat_cents(net) == vat


def test_every_exact_half_cent_rounds_up() -> None:
    # 22 * net ends in 50 exactly when net = 25 (mod 50)
    halves = [net for net in range(1, 5001) if (net * 22) % 100 == 50]
    assert halves[:3] == [25, 75, 125]
    assert len(halves) == 100
    for net in halves:
        assert vat_cents(net) * 100 - net * 22 == 50, net


def test_negative_net_rounds_symmetrically() -> None:
    assert vat_cents(-25) == -6
    assert vat_cents(-3) == -1
    assert vat_cents(-1) == 0


def test_other_rates() -> None:
    assert vat_cents(1000, rate_percent=10) == 100
    assert vat_cents(25, rate_percent=4) == 1
    assert vat_cents(1250, rate_percent=4) == 50
    assert vat_cents(1000, rate_percent=0) == 0


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_vat_equals_decimal_half_up(net: int) -> None:
    assert vat_cents(net) == _decimal_vat(net)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**10), st.sampled_from([4, 5, 10, 22]))
def test_vat_any_rate_equals_decimal_half_up(net: int, rate: int) -> None:
    assert vat_cents(net, rate_percent=rate) == _decimal_vat(net, rate)


# --- price -------------------------------------------------------------------------------------


def test_assisted_fee_is_ten_euro_plus_iva() -> None:
    assert ASSISTED_FEE_NET_CENTS == 1000
    fee = price([PriceLine("assisted_fee", "Rinnovo assistito", ASSISTED_FEE_NET_CENTS)])
    assert (fee.net_cents, fee.vat_cents, fee.total_cents) == (1000, 220, 1220)
    assert plain_amount(fee.total_cents) == "12.20"


def test_price_sums_lines() -> None:
    lines = (
        PriceLine("renewal", "Rinnovo PEC 1 anno", 1500),
        PriceLine("assisted_fee", "Rinnovo assistito", ASSISTED_FEE_NET_CENTS),
    )
    result = price(lines)
    assert result == PriceBreakdown(lines, 2500, 550, 3050, 22)
    assert result.lines == lines


def test_price_accepts_a_list_and_keeps_a_tuple() -> None:
    lines = [PriceLine("renewal", "Rinnovo", 3500)]
    result = price(lines)
    assert isinstance(result.lines, tuple)
    assert result.total_cents == 4270


def test_vat_is_computed_on_the_total_not_per_line() -> None:
    # per line: 5.5 -> 6 twice = 12; on the total 50 * 0.22 = 11
    result = price([PriceLine("renewal", "a", 25), PriceLine("assisted_fee", "b", 25)])
    assert result.vat_cents == 11
    assert result.total_cents == 61


def test_price_rejects_no_lines() -> None:
    with pytest.raises(ValueError, match="at least one line"):
        price([])


def test_price_rejects_a_negative_total() -> None:
    with pytest.raises(ValueError, match="negative"):
        price([PriceLine("renewal", "a", 100), PriceLine("discount", "b", -200)])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=6))
def test_price_properties(nets: list[int]) -> None:
    lines = [PriceLine("renewal", f"riga {i}", n) for i, n in enumerate(nets)]
    result = price(lines)
    assert result.net_cents == sum(nets)
    assert result.vat_cents == _decimal_vat(sum(nets))
    assert result.total_cents == result.net_cents + result.vat_cents


# --- parsing and formatting --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12.20", 1220),
        ("12,20", 1220),
        ("12,2", 1220),
        ("12.2", 1220),
        ("12", 1200),
        ("0,05", 5),
        ("0", 0),
        ("1.234,50", 123450),
        ("1.234.567,89", 123456789),
        ("EUR 12.20", 1220),
        ("eur 12,20", 1220),
        ("EUR12.20", 1220),
        ("€12,20", 1220),
        ("€ 12,20", 1220),
        ("12,20 €", 1220),
        ("12,20\u00a0€", 1220),  # Babel's Italian format
        ("  12.20  ", 1220),
        ("999999999.99", 99_999_999_999),
    ],
)
def test_parse_amount_accepts(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "EUR",
        "€",
        "12.345.678.901",
        "-5",
        "-5,00",
        "+5",
        "12,345",
        "12.20.30",
        "1,2,3",
        "12 20",
        "1e3",
        "12,20 USD",
        "1234567890",  # more than nine digits of euros
        ".50",
        "12.",
    ],
)
def test_parse_amount_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="importo non valido"):
        parse_amount(text)


def test_parse_amount_rejects_three_decimals() -> None:
    with pytest.raises(ValueError, match="importo non valido"):
        parse_amount("12.999")


@pytest.mark.parametrize(
    ("cents", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (100, "1.00"),
        (1220, "12.20"),
        (123456, "1234.56"),
        (99_999_999_999, "999999999.99"),
        (-1220, "-12.20"),
        (-5, "-0.05"),
    ],
)
def test_plain_amount(cents: int, text: str) -> None:
    assert plain_amount(cents) == text


def test_max_amount_is_the_epc_ceiling() -> None:
    assert plain_amount(MAX_AMOUNT_CENTS) == "999999999.99"


amounts = st.integers(min_value=0, max_value=MAX_AMOUNT_CENTS)


@settings(max_examples=300, deadline=None)
@given(amounts)
def test_plain_amount_round_trips(cents: int) -> None:
    text = plain_amount(cents)
    assert text.count(".") == 1
    assert len(text.split(".")[1]) == 2
    assert parse_amount(text) == cents


@settings(max_examples=300, deadline=None)
@given(amounts)
def test_italian_grouped_amount_round_trips(cents: int) -> None:
    euros, rest = divmod(cents, 100)
    grouped = f"{euros:,}".replace(",", ".")
    assert parse_amount(f"{grouped},{rest:02d}") == cents
    assert parse_amount(f"€ {euros},{rest:02d}") == cents


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**10))
def test_babel_italian_format_round_trips(cents: int) -> None:
    assert parse_amount(money(cents)) == cents
