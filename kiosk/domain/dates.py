"""Renewal windows, mailbox states and expiry dates.

Every expiry is computed from the mailbox's anchor (activation) date plus a whole number of
years, never by adding a year to the previous expiry: a box activated on 29 February expires on
28 February in common years and on 29 February again in leap years.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dateutil.relativedelta import relativedelta

from kiosk.domain.model import MailboxState

OPENS_BEFORE = relativedelta(months=3)
CLOSES_AFTER = relativedelta(months=6)


class WindowStatus(StrEnum):
    OPEN = "open"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"


@dataclass(frozen=True, slots=True)
class RenewalWindow:
    """The online renewal window: from `opens_on` to `closes_on`, both inclusive."""

    opens_on: date
    closes_on: date

    def status(self, today: date) -> WindowStatus:
        if today < self.opens_on:
            return WindowStatus.TOO_EARLY
        if today > self.closes_on:
            return WindowStatus.TOO_LATE
        return WindowStatus.OPEN


def renewal_window(expiry: date) -> RenewalWindow:
    """Three months before to six months after the expiry date."""
    return RenewalWindow(expiry - OPENS_BEFORE, expiry + CLOSES_AFTER)


def mailbox_state(expiry: date, today: date) -> MailboxState:
    if today <= expiry:
        return MailboxState.ATTIVA
    if today <= expiry + CLOSES_AFTER:
        return MailboxState.SOSPESA
    return MailboxState.CESSATA


def expiry_after(anchor: date, years: int) -> date:
    """The expiry `years` years after the anchor date (clamped to the month's end)."""
    if years < 0:
        raise ValueError("years must not be negative")
    return anchor + relativedelta(years=years)


def years_paid(anchor: date, expiry: date) -> int:
    """How many whole years separate anchor and expiry; ValueError if expiry is no anniversary."""
    years = expiry.year - anchor.year
    if years < 1 or expiry_after(anchor, years) != expiry:
        raise ValueError(f"{expiry} is not an anniversary of {anchor}")
    return years


def is_anniversary(anchor: date, expiry: date) -> bool:
    try:
        years_paid(anchor, expiry)
    except ValueError:
        return False
    return True


def next_expiry(anchor: date, current_expiry: date, years: int = 1) -> date:
    """The expiry after renewing for `years` more years, counted from the anchor."""
    if years < 1:
        raise ValueError("a renewal lasts at least one year")
    return expiry_after(anchor, years_paid(anchor, current_expiry) + years)


def days_left(expiry: date, today: date) -> int:
    """Days until expiry (negative once expired)."""
    return (expiry - today).days
