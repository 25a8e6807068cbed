"""Weak password hashing is refused at start, except for the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kiosk.settings import OWASP_ARGON2ID, Settings, strong_enough


@pytest.mark.parametrize(
    ("time_cost", "memory_kib", "strong"),
    [
        (3, 65536, True),  # the default: RFC 9106's low-memory profile
        (1, 47104, True),
        (2, 19456, True),
        (5, 7168, True),
        (1, 47103, False),
        (2, 19455, False),
        (1, 19456, False),
        (4, 7168, False),
        (1, 1024, False),
    ],
)
def test_owasp_pairs(time_cost: int, memory_kib: int, strong: bool) -> None:
    assert strong_enough(time_cost, memory_kib) is strong


def test_weak_hashing_is_refused_in_italian_unless_in_test_mode(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        Settings(data_dir=tmp_path, password_time_cost=1, password_memory_kib=1024)
    message = str(err.value)
    assert "parametri di hashing delle password troppo deboli" in message
    assert all(f"{m} KiB con t >= {t}" in message for m, t in OWASP_ARGON2ID)
    settings = Settings(
        data_dir=tmp_path, password_time_cost=1, password_memory_kib=1024, test_mode=True
    )
    assert settings.password_memory_kib == 1024
    assert Settings(data_dir=tmp_path).password_time_cost == 3


def test_a_short_secret_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, secret_key="troppo-corta")
