"""End to end in a real browser: `pec-kiosk --demo serve web` opened in headless Chromium.

The page's xterm.js draws what the kiosk process (one per page) sends; the test reads the
terminal's buffer through JavaScript (the text a person sees), types into it as a person would,
logs in as the demo lawyer and reaches the mailbox list. Leaving the page or quitting the kiosk
ends that page's kiosk process; SIGTERM ends the server (exit 0) and the kiosks still open.

Chromium is Debian's (`make browser`: apt-get install chromium chromium-driver); browsers cannot
be downloaded here. Without apt the test is skipped with the reason; with apt but no Chromium it
fails (the Makefile installs it), so that it is never silently skipped where it can run.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bank import free_port
from tests.cli.helpers import DEMO_USER, FAST_HASHING, RENEWABLE, ROSSI, SOSPESA
from tests.conftest import ROOT

pytestmark = pytest.mark.serial
NOW = "2026-11-25T10:00:00+01:00"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
# Exposes the page's xterm.js Terminal as window.__kioskTerminal: textual-serve's bundle keeps it
# in a closure, but its session object assigns `webglAddon` right after creating the terminal;
# a setter on Object.prototype catches that assignment (and then steps aside).
EXPOSE_TERMINAL = """
Object.defineProperty(Object.prototype, "webglAddon", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "webglAddon",
      {value: value, writable: true, configurable: true, enumerable: true});
    window.__kioskTerminal = this.terminal;
  },
});
"""
# the terminal's visible rows, as text
READ_SCREEN = """
const term = window.__kioskTerminal;
if (!term) { return null; }
const buffer = term.buffer.active;
const rows = [];
for (let i = 0; i < term.rows; i++) {
  const line = buffer.getLine(buffer.viewportY + i);
  rows.push(line ? line.translateToString(true) : "");
}
return rows.join("\\n");
"""


def browser_or_skip() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    if shutil.which("apt-get") is None:
        pytest.skip("Chromium non disponibile e apt-get assente: test nel browser saltato")
    pytest.fail(
        "Chromium o chromedriver mancanti: `make browser` li installa "
        "(apt-get install chromium chromium-driver)"
    )


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Server:
    """`pec-kiosk --demo serve web --port 0` in a subprocess; `url` as it announced it."""

    def __init__(self, data_dir: Path) -> None:
        base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        self.serve_port = free_port()
        env = {
            **base,
            **FAST_HASHING,
            "KIOSK_DATA_DIR": str(data_dir),
            "KIOSK_SERVE_PORT": str(self.serve_port),  # the demo's bank, run by the server
            "PYTHONPATH": str(ROOT),
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--demo", "--now", NOW, "serve", "web", "--port", "0"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()  # the first line: the address, once it listens
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not found:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise AssertionError(f"no address announced: {line}{err}{out}")
        self.url = found.group(0)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    browser_or_skip()
    serving = Server(tmp_path / "data")
    try:
        yield serving
    finally:
        serving.close()


@pytest.fixture
def browser(server: Server) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root, in a container
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": EXPOSE_TERMINAL})
        yield driver
    finally:
        driver.quit()


class Screen:
    """The page's terminal: what it shows, and keys typed into it."""

    def __init__(self, driver: Any, shots: Path) -> None:
        self.driver = driver
        self.shots = shots

    def text(self) -> str:
        shown = self.driver.execute_script(READ_SCREEN)
        return str(shown or "").replace("\u00a0", " ")

    def wait_for(self, needle: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.text()
            if needle in shown:
                return shown
            time.sleep(0.1)
        self.driver.save_screenshot(str(self.shots / "browser-failure.png"))
        raise AssertionError(f"{needle!r} never appeared; the terminal shows:\n{self.text()}")

    def type(self, *keys: str) -> None:
        from selenium.webdriver.common.by import By

        # xterm.js listens on its hidden textarea, as it does for a person's keyboard
        self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea").send_keys(*keys)


def test_log_in_and_reach_the_mailbox_list_in_a_browser(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    browser.get(server.url)
    screen = Screen(browser, tmp_path)
    screen.wait_for("Dati dimostrativi")  # the demo's welcome screen, drawn by xterm.js
    shown = screen.wait_for("avv.demo")  # xterm.js may show a frame half drawn: its last lines
    assert "Accedi" in shown and "avv.demo" in shown
    assert "-first-byte" in browser.find_element("tag name", "body").get_attribute("class")
    screen.type(Keys.ENTER)  # Accedi has the focus
    screen.wait_for("Accedi con le credenziali")
    screen.type(DEMO_USER, Keys.ENTER)
    screen.type("Rinnovo2026!", Keys.ENTER)
    shown = screen.wait_for("Credito del conto prepagato: 18,30")
    # the lawyer's mailboxes, each with its state
    assert RENEWABLE in shown and SOSPESA in shown, shown
    assert ROSSI not in shown  # another lawyer's
    for state in ("ATTIVA", "SOSPESA", "CESSATA"):
        assert state in shown, shown
    browser.save_screenshot(str(tmp_path / "browser-mailboxes.png"))


def test_each_page_has_its_kiosk_until_it_leaves_quits_or_the_server_stops(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys

    screen = Screen(browser, tmp_path)
    # leaving the page ends its kiosk; the server goes on
    browser.get(server.url)
    screen.wait_for("Dati dimostrativi")
    first = descendants(server.proc.pid)
    assert len(first) == 1, first  # the kiosk itself (the shell execs it)
    browser.get("about:blank")
    wait_gone(first)
    assert server.proc.poll() is None
    # the demo's bank is the server's, not a page's: it answers with no page open
    health = f"http://127.0.0.1:{server.serve_port}/health"
    with urllib.request.urlopen(health, timeout=10) as answer:
        assert answer.status == 200

    # a new page, a new kiosk; quitting the kiosk (Ctrl+Q) ends the page's session
    browser.get(server.url)
    screen.wait_for("Dati dimostrativi")
    second = descendants(server.proc.pid)
    assert second and not second & first
    screen.type(Keys.CONTROL, "q")
    wait_gone(second)
    body = browser.find_element("tag name", "body")
    deadline = time.monotonic() + 30
    while "-closed" not in (body.get_attribute("class") or "") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "Sessione terminata." in body.text

    # SIGTERM: the server ends with exit 0, and the kiosk of a page still open with it
    browser.get(server.url)
    screen.wait_for("Dati dimostrativi")
    third = descendants(server.proc.pid)
    assert third
    server.proc.send_signal(signal.SIGTERM)
    _out, err = server.proc.communicate(timeout=30)
    assert server.proc.returncode == 0, err
    assert "Traceback" not in err, err
    wait_gone(third)


def wait_gone(pids: set[int], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pids if alive(pid)], "a kiosk process outlived its session"
