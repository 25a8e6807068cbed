"""End to end in a real pseudo-terminal: `pec-kiosk --demo` as a lawyer would use it.

The program runs in its own process on a pty of 80x24; pyte turns its output into the screen a
person would see; keys are written to the pty. After renewing with the prepaid balance, the CLI
(another process, same demo database) must show the order and the lower balance.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyte
import pytest

from tests.bank import free_port
from tests.conftest import ROOT

pytestmark = pytest.mark.serial
NOW = "2026-11-25T10:00:00+01:00"
COLS, ROWS = 80, 24
DOWN, ENTER, CTRL_Q, TAB = "\x1b[B", "\r", "\x11", "\t"
SETTLE = 0.3  # seconds without a change: the frame on the screen is whole


class Terminal:
    """A pty running the kiosk, with a pyte screen kept up to date by a reader thread."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                ready, _, _ = select.select([self.master], [], [], 0.1)
                if ready:
                    data = os.read(self.master, 65536)
                    if not data:
                        return
                    with self.lock:
                        self.stream.feed(data)
                elif self.proc.poll() is not None:
                    return
            except OSError:
                return

    def text(self) -> str:
        """What a person sees (Babel's non-breaking space before € reads as a space)."""
        with self.lock:
            return "\n".join(self.screen.display).replace("\u00a0", " ")

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        """The screen once `needle` is on it and the frame is whole.

        A frame reaches the pty in chunks: the needle may be read before the rest of its frame
        (CI saw "Rinnovo pagato" with the invoice's line still to come), so what is returned is
        the screen once it has stopped changing for SETTLE seconds.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.text()
            if needle in shown:
                return self._settled(shown, deadline)
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never appeared; the screen shows:\n{self.text()}")

    def _settled(self, shown: str, deadline: float) -> str:
        still_since = time.monotonic()
        while time.monotonic() - still_since < SETTLE and time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.text()
            if now != shown:
                shown, still_since = now, time.monotonic()
        return shown

    def type(self, keys: str) -> None:
        """Keys as a person types them; what they lead to is waited for on the screen."""
        os.write(self.master, keys.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        os.close(self.master)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return {
        **base,
        "KIOSK_DATA_DIR": str(tmp_path / "data"),
        "KIOSK_NOW": NOW,
        "TERM": "xterm-256color",
        "COLUMNS": str(COLS),
        "LINES": str(ROWS),
        "PYTHONPATH": str(ROOT),
        "KIOSK_SERVE_PORT": str(free_port()),  # the demo's in-process serve and sandbox bank
    }


@pytest.fixture
def terminal(env: dict[str, str]) -> Iterator[Terminal]:
    term = Terminal([sys.executable, "-m", "kiosk", "--demo"], env)
    try:
        yield term
    finally:
        term.close()


def cli(env: dict[str, str], *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--demo", "--json", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_renew_with_prepaid_in_a_real_terminal(terminal: Terminal, env: dict[str, str]) -> None:
    terminal.wait_for("Dati dimostrativi")  # the welcome screen shows the demo credentials
    terminal.wait_for("Accedi")
    terminal.type(ENTER)  # Accedi has the focus
    terminal.wait_for("Accedi con le credenziali")
    terminal.type("avv.demo")
    terminal.type(ENTER)
    terminal.type("Rinnovo2026!")
    terminal.type(ENTER)
    shown = terminal.wait_for("Credito del conto prepagato: 18,30")
    assert "SOSPESA" in shown and "CESSATA" in shown and "ATTIVA" in shown
    # rows by expiry: cessata, sospesa, the renewable one, the too-early one; the cursor starts
    # on the first that can be renewed (sospesa): one down
    terminal.type(DOWN)
    terminal.type(ENTER)
    shown = terminal.wait_for("PEC da rinnovare")
    assert "maria.demo@pec.avvocatinocera.it" in shown
    terminal.type(ENTER)  # Avanti
    shown = terminal.wait_for("Totale da pagare")
    assert "18,30 €" in shown
    terminal.type(ENTER)  # Avanti (focused once the quote is shown)
    terminal.wait_for("PRELEVA DAL CONTO PREPAGATO")
    terminal.type(ENTER)
    terminal.wait_for("Confermi il prelievo di 18,30 €?")
    terminal.type(ENTER)  # Conferma
    shown = terminal.wait_for("Rinnovo pagato")
    code = re.search(r"RLM[0-9A-Z]{7}", shown)
    assert code, shown
    assert "Fattura n. 2026/000001" in shown
    terminal.type(ENTER)  # Fine
    terminal.wait_for("Dati dimostrativi")
    terminal.type(CTRL_Q)
    assert terminal.proc.wait(10) == 0

    order = cli(env, "renewal", "show", code.group(0))
    assert order["status"] == "paid"
    assert order["pec"] == "maria.demo@pec.avvocatinocera.it"
    assert order["total_cents"] == 1830
    account = cli(env, "account", "show", "avv.demo")
    assert account["balance_cents"] == 1830 - 1830  # the demo credit covered exactly this renewal


def test_pay_by_card_with_curl_at_the_link_shown(terminal: Terminal, env: dict[str, str]) -> None:
    """The demo's link is a real page on this machine: curl pays there, the kiosk updates."""
    terminal.wait_for("Accedi")
    terminal.type(ENTER)
    terminal.wait_for("Accedi con le credenziali")
    for keys in ("avv.demo", ENTER, "Rinnovo2026!", ENTER):
        terminal.type(keys)
    terminal.wait_for("Credito del conto prepagato: 18,30")
    terminal.type(DOWN)
    terminal.type(ENTER)
    terminal.wait_for("PEC da rinnovare")
    terminal.type(ENTER)  # Avanti
    terminal.wait_for("Totale da pagare")
    terminal.type(ENTER)
    terminal.wait_for("PRELEVA DAL CONTO PREPAGATO")
    terminal.type(TAB)  # EFFETTUA VERSAMENTO APPOSITO
    terminal.type(ENTER)
    terminal.wait_for("Carta di credito")
    terminal.type(ENTER)  # the first of the menu
    terminal.wait_for("Confermare l'operazione")
    terminal.type(ENTER)  # Conferma
    terminal.wait_for("COLLEGAMENTO A BANCA")
    terminal.type(ENTER)
    shown = terminal.wait_for("tempo rimasto")
    link = re.search(r"http://127\.0\.0\.1:\d+/bank/pagam\?a=PECKIOSK&b=[\w-]+", shown)
    assert link, shown
    paid = subprocess.run(
        [
            "curl",
            "-sS",
            "-d",
            "card=4111 1111 1111 1111",
            "-d",
            "expiry=12/30",
            "-d",
            "cvv=123",
            link.group(0),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert "Pagamento approvato" in paid.stdout
    shown = terminal.wait_for("Rinnovo pagato")
    assert "Fattura n. 2026/000001" in shown
    terminal.type(CTRL_Q)
    assert terminal.proc.wait(10) == 0
