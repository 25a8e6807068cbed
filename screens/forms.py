"""Form building blocks: a label beside its input, and every field checked at once."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Label, Static

from kiosk.errors import InvalidInput
from kiosk.i18n import _
from screens.widgets.bounded_input import BoundedInput


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
    yield from labelled(
        label,
        field_id,
        BoundedInput(
            value=value,
            id=field_id,
            password=password,
            max_length=max_length,
            placeholder=placeholder,
        ),
    )


def new_password(label: str) -> ComposeResult:
    """A new password and its confirmation (ids `password`, `password_confirm`)."""
    yield from field(label, "password", password=True, max_length=128)
    yield from field(_("Ripetere la password"), "password_confirm", password=True, max_length=128)


def labelled(label: str, field_id: str, widget: Widget) -> ComposeResult:
    """Any input widget with a label beside it and an error line under it."""
    with Horizontal(classes="form-row"):
        yield Label(label, classes="field-label")
        with Vertical(classes="field-input"):
            yield widget
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
