"""Form building blocks shared by the registration and recovery screens."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from kiosk.domain.validation import InvalidInput


def field(
    label: str,
    field_id: str,
    *,
    password: bool = False,
    max_length: int = 120,
    value: str = "",
    placeholder: str = "",
) -> ComposeResult:
    """A labelled input with its own error line (`#<field_id>-error`)."""
    with Vertical(classes="form-row"):
        yield Label(label, classes="field-label")
        yield Input(
            value=value,
            id=field_id,
            password=password,
            max_length=max_length,
            placeholder=placeholder,
        )
        yield Static(id=f"{field_id}-error", classes="field-error")


def check_all(checks: dict[str, Callable[[], object]]) -> list[InvalidInput]:
    """Run every field's validator and collect all the errors, not just the first."""
    errors = []
    for name, check in checks.items():
        try:
            check()
        except InvalidInput as exc:
            errors.append(InvalidInput(name, exc.message))
    return errors
