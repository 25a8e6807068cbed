"""What services raise. Every message is for people (Italian, through the catalogue).

- `InvalidInput` (from the domain): the input itself is wrong. CLI exit code 2.
- `Refused`: a rule says no (too early, not yours, insufficient balance...). CLI exit code 1.
- `Unavailable`: the database could not be reached or stayed busy. Nothing was changed.
"""

from __future__ import annotations

from typing import Any

from kiosk.domain.validation import InvalidInput

__all__ = ["InvalidInput", "Refused", "ServiceError", "Unavailable"]


class ServiceError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Refused(ServiceError):
    """A business rule refuses the request; `reason` is a stable machine code."""

    def __init__(self, reason: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details


class Unavailable(ServiceError):
    """The database is unreachable or kept failing transiently; retry later."""
