"""Documents are written privately (directories 0700, files 0600), atomically, and a file that
already says the same is left alone."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kiosk.documents.files import private_dir, write_private


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_missing_directories_are_made_private(tmp_path: Path) -> None:
    old = os.umask(0)  # even a permissive umask gives nobody else access
    try:
        target = private_dir(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    for path in (tmp_path / "a", tmp_path / "a" / "b", target):
        assert mode(path) == 0o700, path


def test_an_existing_directory_keeps_its_mode_unless_it_is_ours(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    private_dir(shared)
    assert mode(shared) == 0o755
    private_dir(shared, enforce=True)
    assert mode(shared) == 0o700


def test_a_file_in_the_way_is_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(NotADirectoryError):
        private_dir(tmp_path / "file")
    with pytest.raises(NotADirectoryError):
        private_dir(tmp_path / "file" / "below")


def test_files_are_private_and_rewritten_only_when_they_change(tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    old = os.umask(0)
    try:
        assert write_private(path, b"one") is True
    finally:
        os.umask(old)
    assert path.read_bytes() == b"one" and mode(path) == 0o600
    stamp = path.stat().st_mtime_ns
    assert write_private(path, b"one") is False  # same bytes: untouched
    assert path.stat().st_mtime_ns == stamp
    os.chmod(path, 0o644)
    assert write_private(path, b"one") is False and mode(path) == 0o600  # but private again
    assert write_private(path, b"two") is True and path.read_bytes() == b"two"
    assert mode(path) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.pdf"]  # no temporary left
