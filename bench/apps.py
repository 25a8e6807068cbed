"""The two programs under test, how each is started, and what each screen is recognised by.

The kiosk runs as `python -m kiosk --demo --now 2026-11-25T10:00` with a fresh data directory
per run; the demo database is built once (`DemoDatabase`) and copied in, so no run pays for
building the demo. The bare app is `python -m bench.baseline_app`. Both get the same interpreter
(this one, the project's .venv when run by `make bench`), the same terminal and no KIOSK_*
variables from the caller's environment. Nothing here touches the network.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from bench.terminal import ENTER, Screen, ScreenCheck, Terminal

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-25T10:00"
DEMO_FILE = "demo.sqlite3"

# what each screen is recognised by (the same words in both apps)
WELCOME_MARKER = "Rinnovo della casella PEC"
LOGIN_MARKER = "Accedi con le credenziali del sito"
USERID_LABEL = "Userid"
DEMO_USER, DEMO_PASSWORD = "avv.demo", "Rinnovo2026!"
DEMO_ADDRESSES = (  # avv.demo's boxes; the table lists them by expiry, archivio first
    "archivio.demo@legalmail.it",
    "studio.demo@avvocatinocera.legalmail.it",
    "maria.demo@pec.avvocatinocera.it",
    "m.demo@legalmail.it",
)
BORDER_GLYPHS = "▊▎▏▕│┃"


def base_env() -> dict[str, str]:
    """The caller's environment without KIOSK_* (a stray setting must not skew a run)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["PYTHONPATH"] = str(ROOT)
    env.pop("TEXTUAL", None)  # no devtools / debug features
    # the programs keep their bytecode, as an installed kiosk does (pip compiles it when it
    # installs): with PYTHONDONTWRITEBYTECODE from the caller, every run compiled the kiosk's
    # modules from source again (before the first frame: 44 modules, ~40-50 ms of CPU; the
    # bare app has one), which is what the unrecorded warm-up run is there to spare them
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def field_value(screen: Screen, label: str = USERID_LABEL) -> str | None:
    """The text in the input beside `label` (label and input content share a row), or None."""
    row = screen.row_with(label)
    if row is None:
        return None
    rest = row.split(label, 1)[1]
    return rest.strip().strip(BORDER_GLYPHS).strip()


def field_shows(value: str, label: str = USERID_LABEL) -> ScreenCheck:
    """A condition: the input beside `label` holds exactly `value`."""

    def check(screen: Screen) -> bool:
        return field_value(screen, label) == value

    check.__name__ = f"field {label!r} == {value!r}"
    return check


class DemoDatabase:
    """The demo database, built once for NOW in a temporary directory, copied into each run's
    fresh data directory (so runs measure starting the kiosk, not building the demo)."""

    def __init__(self) -> None:
        self._root = Path(tempfile.mkdtemp(prefix="pec-bench-"))
        self.template = self._root / "template"
        self.template.mkdir()
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "--demo", "--now", NOW, "--json", "overview"],
            env={**base_env(), "KIOSK_DATA_DIR": str(self.template)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0 or not (self.template / DEMO_FILE).exists():
            self.close()
            raise RuntimeError(f"building the demo database failed:\n{done.stderr}")
        self._runs = 0

    @property
    def password_hash(self) -> str:
        """avv.demo's stored hash (its parameters are those the login verifies with)."""
        with sqlite3.connect(f"file:{self.template / DEMO_FILE}?mode=ro", uri=True) as conn:
            row = conn.execute(
                "SELECT password_hash FROM subscriber WHERE userid = ?", (DEMO_USER,)
            ).fetchone()
        return str(row[0])

    def fresh_dir(self) -> Path:
        """A new, empty data directory holding a copy of the demo database."""
        self._runs += 1
        target = self._root / f"run-{self._runs:04d}"
        target.mkdir()
        for path in self.template.glob(f"{DEMO_FILE}*"):  # with -wal/-shm if any
            shutil.copy2(path, target / path.name)
        return target

    def close(self) -> None:
        shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> DemoDatabase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass
class App:
    """How to start one of the two programs (kiosk or bare) on a pty."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=base_env)

    def spawn(self, cols: int = 80, rows: int = 24) -> Terminal:
        return Terminal(self.argv, env=self.env, cwd=ROOT, cols=cols, rows=rows)


def kiosk_app(demo: DemoDatabase) -> App:
    """The kiosk on a fresh copy of the demo database (call once per run)."""
    env = {**base_env(), "KIOSK_DATA_DIR": str(demo.fresh_dir())}
    return App("kiosk", [sys.executable, "-m", "kiosk", "--demo", "--now", NOW], env)


def bare_app() -> App:
    """The bare Textual app with the same widgets (bench/baseline_app.py)."""
    return App("bare", [sys.executable, "-m", "bench.baseline_app"])


@contextmanager
def on_login_screen(app: App, timeout: float = 60.0) -> Iterator[Terminal]:
    """`app` started, its welcome screen shown, Enter on Accedi, its login form shown."""
    with app.spawn() as term:
        term.wait_for(WELCOME_MARKER, timeout)
        term.press(ENTER, LOGIN_MARKER, timeout)
        term.wait_for(field_shows(""), timeout)
        yield term
