"""The first frame's settings (`kiosk.boot.preview`) are the validated settings' own values.

The kiosk paints from the preview and validates `Settings` after the first frame: whenever the
preview answers, it must answer what pydantic-settings reads from the same arguments, variables
and TOML file; where it cannot be sure it must say so (None), never guess.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kiosk.boot import FIELDS, preview
from kiosk.settings import Settings

BOOL_WORDS = ["1", "0", "true", "false", "True", "FALSE", "yes", "no", "on", "off", "t", "n"]
ODD_WORDS = ["", " true", "2", "si", "enabled", "none"]
LANG_WORDS = ["it", "en", "IT", "de", " en", ""]


def env_values(name: str) -> st.SearchStrategy[str]:
    if name == "lang":
        return st.sampled_from(LANG_WORDS)
    return st.sampled_from(BOOL_WORDS + ODD_WORDS)


def toml_literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"'


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    env=st.dictionaries(
        st.sampled_from(["lang", "demo", "kiosk_mode"]).flatmap(
            lambda n: st.tuples(st.just(n), st.sampled_from(["KIOSK_", "kiosk_", "Kiosk_"]))
        ),
        st.none(),
        max_size=3,
    ).flatmap(
        lambda keys: st.fixed_dictionaries(
            {f"{prefix}{name.upper()}": env_values(name) for name, prefix in keys}
        )
    ),
    toml=st.dictionaries(
        st.sampled_from(["lang", "demo", "kiosk_mode"]),
        st.one_of(st.booleans(), st.sampled_from(["it", "en", "yes", "1", "x"]), st.integers(0, 2)),
        max_size=3,
    ),
    overrides=st.dictionaries(
        st.sampled_from(["lang", "demo", "kiosk_mode"]),
        st.one_of(st.booleans(), st.sampled_from(["it", "en"])),
        max_size=2,
    ),
)
def test_the_preview_is_what_the_settings_read_or_nothing(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    toml: dict[str, object],
    overrides: dict[str, Any],
) -> None:
    data_dir = tmp_path_factory.mktemp("data")
    config = data_dir / "config.toml"
    config.write_text("".join(f"{k} = {toml_literal(v)}\n" for k, v in toml.items()))
    environ = {"KIOSK_DATA_DIR": str(data_dir), "KIOSK_CONFIG": str(config), **env}
    with monkeypatch.context() as m:
        for key in list(__import__("os").environ):
            if key.lower().startswith("kiosk_"):
                m.delenv(key)
        for key, value in environ.items():
            m.setenv(key, value)
        seen = preview(overrides)
        try:
            validated: Settings | None = Settings(test_mode=True, **overrides)
        except ValidationError:
            validated = None
    if seen is not None and validated is not None:
        assert seen.agrees_with(validated), (seen, {f: getattr(validated, f) for f in FIELDS})
    if validated is None:  # what pydantic refuses, the preview may not read as something
        return
    plain = all(isinstance(v, bool) or v in ("it", "en") for v in toml.values())
    if plain and all(
        v.lower() in {w.lower() for w in BOOL_WORDS} | {"it", "en"} for v in env.values()
    ):
        assert seen is not None  # the usual spellings are previewed, not sent the slow way


def test_defaults_and_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("KIOSK_REFDATA_DIR", str(tmp_path / "r"))
    seen = preview({})
    assert seen is not None
    assert seen.agrees_with(Settings())
    assert (seen.lang, seen.demo, seen.kiosk_mode) == ("it", False, False)
    assert seen.refdata_dir == tmp_path / "r"


def test_an_unreadable_config_file_is_validated_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "config.toml"
    broken.write_text("lang = \n")
    monkeypatch.setenv("KIOSK_CONFIG", str(broken))
    assert preview({}) is None
    monkeypatch.setenv("KIOSK_CONFIG", str(tmp_path / "missing.toml"))
    assert preview({}) is None
