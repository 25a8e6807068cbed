"""Everything the program writes in its data directory is its owner's alone, whatever the
umask of the shell that started it: directories 0700, files 0600 (database, -wal, -shm, log,
secret key, documents)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from tests.cli.helpers import FAST_HASHING, NOW_ARG, ROOT, SOSPESA


def pec_kiosk(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env = {**base, **FAST_HASHING, "KIOSK_DATA_DIR": str(data_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--demo", "--now", NOW_ARG, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
        umask=0o022,  # a usual shell's: files 0644, directories 0755 unless the program says no
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    return result


def modes(top: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(top.stat().st_mode)}
    for path in top.rglob("*"):
        found[str(path.relative_to(top))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_data_directory_and_everything_in_it_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk-data"
    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)  # made by hand, open to all: the program tightens it
    pec_kiosk(data_dir, "db", "migrate")
    database = data_dir / "demo.sqlite3"
    # a reader keeps the -wal and -shm files in place while the writes below make them
    with sqlite3.connect(database) as reader:
        reader.execute("SELECT count(*) FROM subscriber").fetchone()
        pec_kiosk(data_dir, "account", "topup", "avv.demo", "--amount", "10", "--reference", "C1")
        order = pec_kiosk(data_dir, "renewal", "order", "avv.demo", SOSPESA, "--method",
                          "bonifico", "--json")  # fmt: skip
        code = json.loads(order.stdout)["order_code"]
        pec_kiosk(data_dir, "documents", "reminder", code)
        found = modes(data_dir)
    names = set(found)
    assert {"demo.sqlite3", "demo.sqlite3-wal", "demo.sqlite3-shm", "kiosk.log"} <= names
    assert any(name.endswith(".pdf") for name in names), names
    loose = {
        name: oct(mode)
        for name, mode in found.items()
        if mode != (0o700 if (data_dir / name).is_dir() else 0o600)
    }
    assert loose == {}


def test_a_missing_data_directory_is_made_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "kiosk-data"
    pec_kiosk(data_dir, "overview")
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert {oct(m) for n, m in modes(data_dir).items() if n != "."} == {oct(0o600)}
