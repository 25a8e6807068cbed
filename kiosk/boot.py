"""What the kiosk's first frame needs from the settings, read before they are validated.

Importing pydantic-settings costs about 100 ms, a third of a bare Textual app's first frame. The
welcome page needs only five settings: the language, the demo and kiosk modes, the data and the
reference-data folders. `preview` reads those from the same sources as `Settings` (arguments,
then `KIOSK_*` variables, then the TOML file), without pydantic; the kiosk paints with them and
validates the whole `Settings` right after the first frame. Whenever a value is not one that
`Settings` would read the same way without doubt (an unusual spelling, an unreadable file),
`preview` answers None and the kiosk validates first, as every other command does.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

# pydantic's lax booleans, as `Settings` reads them from the environment
TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
LANGS = ("it", "en")
FIELDS = ("lang", "demo", "kiosk_mode", "data_dir", "refdata_dir")


def default_data_dir() -> Path:
    """The user data directory (`~/.local/share/pec-kiosk` on Linux)."""
    return platformdirs.user_data_path("pec-kiosk")


def default_refdata_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "data", here / "_data"):  # checkout, then installed wheel
        if (candidate / "areas.toml").exists():
            return candidate
    return here.parent / "data"


def config_file(environ: Mapping[str, str]) -> Path | None:
    """`$KIOSK_CONFIG`, else `config.toml` in the data directory if there is one."""
    explicit = environ.get("KIOSK_CONFIG")
    if explicit:
        return Path(explicit)
    data_dir = environ.get("KIOSK_DATA_DIR")
    base = Path(data_dir) if data_dir else default_data_dir()
    candidate = base / "config.toml"
    return candidate if candidate.exists() else None


@dataclass(frozen=True, slots=True)
class Preview:
    """The settings the first frame shows; `Settings` has the same values once validated."""

    lang: str
    demo: bool
    kiosk_mode: bool
    data_dir: Path
    refdata_dir: Path

    def agrees_with(self, settings: object) -> bool:
        return all(getattr(self, name) == getattr(settings, name) for name in FIELDS)


class _Unsure(Exception):
    """A value `Settings` might read otherwise: validate before painting."""


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
        return value.strip().lower() in TRUE
    raise _Unsure


def _lang(value: object) -> str:
    if value in LANGS:
        return str(value)
    raise _Unsure


def _path(value: object) -> Path:
    if isinstance(value, Path):
        return value
    if isinstance(value, str) and value and value == value.strip():
        return Path(value)
    raise _Unsure


def preview(
    overrides: Mapping[str, object], environ: Mapping[str, str] | None = None
) -> Preview | None:
    """The five settings as `Settings(**overrides)` will have them, or None when unsure."""
    env = os.environ if environ is None else environ
    # pydantic-settings matches variable names without regard to case
    variables = {k.lower(): v for k, v in env.items() if k.lower().startswith("kiosk_")}
    try:
        toml: dict[str, object] = {}
        path = config_file(env)
        if path is not None:
            with path.open("rb") as f:
                toml = {k.lower(): v for k, v in tomllib.load(f).items()}

        def pick(name: str) -> object:
            if name in overrides:
                return overrides[name]
            if f"kiosk_{name}" in variables:
                return variables[f"kiosk_{name}"]
            return toml.get(name)

        def given(name: str) -> bool:
            return name in overrides or f"kiosk_{name}" in variables or name in toml

        return Preview(
            lang=_lang(pick("lang")) if given("lang") else "it",
            demo=_bool(pick("demo")) if given("demo") else False,
            kiosk_mode=_bool(pick("kiosk_mode")) if given("kiosk_mode") else False,
            data_dir=_path(pick("data_dir")) if given("data_dir") else default_data_dir(),
            refdata_dir=(
                _path(pick("refdata_dir")) if given("refdata_dir") else default_refdata_dir()
            ),
        )
    except (_Unsure, OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
