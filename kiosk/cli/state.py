"""What the global options decided, for every subcommand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from kiosk.cli.folder import private_folder
from kiosk.i18n import set_language
from kiosk.settings import Settings, SettingsInvalid, load_settings


@dataclass
class CliState:
    settings: Settings
    as_json: bool = False
    reset_demo: bool = False


def state() -> CliState:
    return click.get_current_context().find_object(CliState)  # type: ignore[return-value]


def wants_json(local: bool) -> bool:
    return local or state().as_json


def prepare(overrides: dict[str, Any]) -> Settings:
    """The settings, validated; the language set; the data directory private and logging
    there. Bad settings are bad usage (exit 2), said in Italian."""
    try:
        settings = load_settings(**overrides)
    except SettingsInvalid as exc:
        raise click.UsageError(str(exc)) from None
    set_language(settings.lang)
    private_folder(settings.data_dir)
    return settings
