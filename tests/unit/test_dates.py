"""Renewal window, mailbox states and expiry dates (kiosk.domain.dates)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.dates import (
    RenewalWindow,
    WindowStatus,
    days_left,
    expiry_after,
    is_anniversary,
    mailbox_state,
    next_expiry,
    renewal_window,
    years_paid,
)
from kiosk.domain.model import MailboxState

DAY = timedelta(days=1)
# far enough from date.min / date.max that +-6 months and + N years never overflow
dates = st.dates(min_value=date(1901, 1, 1), max_value=date(2199, 12, 31))


def _shift_months(d: date, months: int) -> date:
    """Independent oracle: same day in the target month, clamped to that month's last day."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


# --- the window --------------------------------------------------------------------------------


def test_window_three_months_before_to_six_after() -> None:
    window = renewal_window(date(2026, 11, 25))
    assert window == RenewalWindow(date(2026, 8, 25), date(2027, 5, 25))


@pytest.mark.parametrize(
    ("expiry", "opens_on", "closes_on"),
    [
        (date(2026, 11, 25), date(2026, 8, 25), date(2027, 5, 25)),
        # 31 May - 3 months: there is no 31 February, clamp to the month's end
        (date(2026, 5, 31), date(2026, 2, 28), date(2026, 11, 30)),
        (date(2028, 5, 31), date(2028, 2, 29), date(2028, 11, 30)),
        # 31 August + 6 months lands in February
        (date(2025, 8, 31), date(2025, 5, 31), date(2026, 2, 28)),
        (date(2027, 8, 31), date(2027, 5, 31), date(2028, 2, 29)),
        (date(2026, 12, 31), date(2026, 9, 30), date(2027, 6, 30)),
        (date(2026, 3, 31), date(2025, 12, 31), date(2026, 9, 30)),
        (date(2026, 1, 15), date(2025, 10, 15), date(2026, 7, 15)),
        (date(2024, 2, 29), date(2023, 11, 29), date(2024, 8, 29)),
    ],
)
def test_window_dates_and_month_end_clamping(expiry: date, opens_on: date, closes_on: date) -> None:
    window = renewal_window(expiry)
    assert window.opens_on == opens_on
    assert window.closes_on == closes_on


@pytest.mark.parametrize(
    "expiry",
    [
        date(2026, 11, 25),
        date(2026, 5, 31),
        date(2028, 5, 31),
        date(2025, 8, 31),
        date(2024, 2, 29),
    ],
)
def test_window_edges_are_inclusive(expiry: date) -> None:
    window = renewal_window(expiry)
    assert window.status(window.opens_on - DAY) is WindowStatus.TOO_EARLY
    assert window.status(window.opens_on) is WindowStatus.OPEN
    assert window.status(expiry) is WindowStatus.OPEN
    assert window.status(window.closes_on) is WindowStatus.OPEN
    assert window.status(window.closes_on + DAY) is WindowStatus.TOO_LATE


def test_window_edges_concrete_days() -> None:
    window = renewal_window(date(2026, 5, 31))
    assert window.status(date(2026, 2, 27)) is WindowStatus.TOO_EARLY
    assert window.status(date(2026, 2, 28)) is WindowStatus.OPEN
    assert window.status(date(2026, 11, 30)) is WindowStatus.OPEN
    assert window.status(date(2026, 12, 1)) is WindowStatus.TOO_LATE


def test_the_window_is_three_months_before_to_six_after_at_the_month_ends() -> None:
    """Months have different lengths: the window is counted in calendar months, clamped."""
    window = renewal_window(date(2026, 5, 31))
    assert (window.opens_on, window.closes_on) == (date(2026, 2, 28), date(2026, 11, 30))
    leap = renewal_window(date(2028, 5, 31))
    assert leap.opens_on == date(2028, 2, 29)


@settings(max_examples=300, deadline=None)
@given(expiry=dates)
def test_window_matches_month_arithmetic_oracle(expiry: date) -> None:
    window = renewal_window(expiry)
    assert window.opens_on == _shift_months(expiry, -3)
    assert window.closes_on == _shift_months(expiry, 6)
    assert window.opens_on < expiry < window.closes_on


@settings(max_examples=300, deadline=None)
@given(expiry=dates, offset=st.integers(min_value=-400, max_value=400))
def test_window_status_agrees_with_bounds(expiry: date, offset: int) -> None:
    window = renewal_window(expiry)
    today = expiry + timedelta(days=offset)
    status = window.status(today)
    if today < window.opens_on:
        assert status is WindowStatus.TOO_EARLY
    elif today > window.closes_on:
        assert status is WindowStatus.TOO_LATE
    else:
        assert status is WindowStatus.OPEN
    # edges, on every expiry
    assert window.status(window.opens_on - DAY) is WindowStatus.TOO_EARLY
    assert window.status(window.opens_on) is WindowStatus.OPEN
    assert window.status(window.closes_on) is WindowStatus.OPEN
    assert window.status(window.closes_on + DAY) is WindowStatus.TOO_LATE


# --- mailbox state -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 1, 1), MailboxState.ATTIVA),
        (date(2026, 8, 30), MailboxState.ATTIVA),
        (date(2026, 8, 31), MailboxState.ATTIVA),  # the expiry day itself
        (date(2026, 9, 1), MailboxState.SOSPESA),
        (date(2027, 1, 15), MailboxState.SOSPESA),
        (date(2027, 2, 28), MailboxState.SOSPESA),  # expiry + 6 months, clamped
        (date(2027, 3, 1), MailboxState.CESSATA),
        (date(2030, 1, 1), MailboxState.CESSATA),
    ],
)
def test_mailbox_state(today: date, state: MailboxState) -> None:
    assert mailbox_state(date(2026, 8, 31), today) is state


@settings(max_examples=300, deadline=None)
@given(expiry=dates, offset=st.integers(min_value=-400, max_value=400))
def test_mailbox_state_agrees_with_window(expiry: date, offset: int) -> None:
    today = expiry + timedelta(days=offset)
    state = mailbox_state(expiry, today)
    assert (state is MailboxState.ATTIVA) == (today <= expiry)
    # cessata exactly when online renewal is too late
    too_late = renewal_window(expiry).status(today) is WindowStatus.TOO_LATE
    assert (state is MailboxState.CESSATA) == too_late
    if state is MailboxState.SOSPESA:
        assert renewal_window(expiry).status(today) is WindowStatus.OPEN


# --- expiries from the anchor ------------------------------------------------------------------


def test_leap_day_anchor_is_never_chained() -> None:
    anchor = date(2024, 2, 29)
    first = expiry_after(anchor, 1)
    assert first == date(2025, 2, 28)
    second = next_expiry(anchor, first)
    assert second == date(2026, 2, 28)
    third = next_expiry(anchor, second)
    assert third == date(2027, 2, 28)
    fourth = next_expiry(anchor, third)
    assert fourth == date(2028, 2, 29)  # chaining would give 28 Feb
    assert next_expiry(anchor, fourth) == date(2029, 2, 28)


def test_next_expiry_several_years() -> None:
    anchor = date(2024, 2, 29)
    assert next_expiry(anchor, date(2025, 2, 28), years=3) == date(2028, 2, 29)
    assert next_expiry(anchor, date(2025, 2, 28), years=2) == date(2027, 2, 28)


@pytest.mark.parametrize("years", [0, -1])
def test_next_expiry_needs_at_least_one_year(years: int) -> None:
    with pytest.raises(ValueError, match="at least one year"):
        next_expiry(date(2024, 2, 29), date(2025, 2, 28), years=years)


def test_next_expiry_rejects_a_non_anniversary() -> None:
    with pytest.raises(ValueError, match="not an anniversary"):
        next_expiry(date(2024, 3, 10), date(2025, 3, 11))


def test_expiry_after() -> None:
    assert expiry_after(date(2024, 2, 29), 0) == date(2024, 2, 29)
    assert expiry_after(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert expiry_after(date(2024, 2, 29), 4) == date(2028, 2, 29)
    assert expiry_after(date(2023, 12, 31), 3) == date(2026, 12, 31)
    with pytest.raises(ValueError, match="negative"):
        expiry_after(date(2024, 1, 1), -1)


def test_years_paid() -> None:
    anchor = date(2024, 2, 29)
    assert years_paid(anchor, date(2025, 2, 28)) == 1
    assert years_paid(anchor, date(2028, 2, 29)) == 4
    assert years_paid(date(2020, 6, 15), date(2026, 6, 15)) == 6


@pytest.mark.parametrize(
    ("anchor", "expiry"),
    [
        (date(2024, 2, 29), date(2024, 2, 29)),  # zero years: not a paid period
        (date(2024, 2, 29), date(2023, 2, 28)),  # before the anchor
        (date(2024, 2, 29), date(2025, 3, 1)),
        (date(2024, 2, 29), date(2028, 2, 28)),  # leap year: the anniversary is 29 Feb
        (date(2020, 6, 15), date(2026, 6, 14)),
        (date(2020, 6, 15), date(2026, 6, 16)),
        (date(2020, 6, 15), date(2026, 7, 15)),
        (date(2020, 12, 31), date(2021, 1, 1)),
    ],
)
def test_years_paid_rejects_non_anniversaries(anchor: date, expiry: date) -> None:
    with pytest.raises(ValueError, match="not an anniversary"):
        years_paid(anchor, expiry)
    assert is_anniversary(anchor, expiry) is False


def test_is_anniversary_true() -> None:
    assert is_anniversary(date(2024, 2, 29), date(2027, 2, 28)) is True
    assert is_anniversary(date(2024, 2, 29), date(2028, 2, 29)) is True


def test_days_left() -> None:
    assert days_left(date(2026, 12, 25), date(2026, 11, 25)) == 30
    assert days_left(date(2026, 11, 25), date(2026, 11, 25)) == 0
    assert days_left(date(2026, 11, 24), date(2026, 11, 25)) == -1


@settings(max_examples=250, deadline=None)
@given(anchor=dates, n=st.integers(min_value=1, max_value=60))
def test_next_expiry_is_anchor_plus_n_plus_one_years(anchor: date, n: int) -> None:
    current = expiry_after(anchor, n)
    renewed = next_expiry(anchor, current)
    assert renewed == expiry_after(anchor, n + 1)
    assert years_paid(anchor, current) == n
    assert years_paid(anchor, renewed) == n + 1
    assert renewed.year == anchor.year + n + 1
    if (anchor.month, anchor.day) == (2, 29) and not calendar.isleap(renewed.year):
        assert (renewed.month, renewed.day) == (2, 28)
    else:
        assert (renewed.month, renewed.day) == (anchor.month, anchor.day)


@settings(max_examples=200, deadline=None)
@given(anchor=dates, n=st.integers(min_value=1, max_value=40), k=st.integers(1, 5))
def test_renewing_k_years_equals_k_single_renewals(anchor: date, n: int, k: int) -> None:
    expiry = expiry_after(anchor, n)
    stepwise = expiry
    for _ in range(k):
        stepwise = next_expiry(anchor, stepwise)
    assert next_expiry(anchor, expiry, years=k) == stepwise == expiry_after(anchor, n + k)


@settings(max_examples=200, deadline=None)
@given(anchor=dates, expiry=dates)
def test_years_paid_only_for_exact_anniversaries(anchor: date, expiry: date) -> None:
    years = expiry.year - anchor.year
    expected = years >= 1 and expiry == _anniversary(anchor, years)
    assert is_anniversary(anchor, expiry) is expected
    if expected:
        assert years_paid(anchor, expiry) == years
    else:
        with pytest.raises(ValueError, match="not an anniversary"):
            years_paid(anchor, expiry)


def _anniversary(anchor: date, years: int) -> date:
    year = anchor.year + years
    if (anchor.month, anchor.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, anchor.month, anchor.day)
