"""What the global options decided, for every subcommand (light: no database imports)."""

from __future__ import annotations

from dataclasses import dataclass

import click

from kiosk.settings import Settings


@dataclass
class CliState:
    settings: Settings
    as_json: bool = False
    reset_demo: bool = False


def state() -> CliState:
    return click.get_current_context().find_object(CliState)  # type: ignore[return-value]


def wants_json(local: bool) -> bool:
    return local or state().as_json
