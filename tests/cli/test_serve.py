"""`pec-kiosk serve --sandbox-bank` as a process: a card order placed by the CLI gets the
bank's page (`payment_url`), paying there by HTTP POST (as `curl -d` would) marks it paid through
the notification, and SIGTERM stops it with exit 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bank import free_port
from tests.cli.helpers import DEMO_USER, NOW_ARG, RENEWABLE, ROOT, Kiosk


def wait_until(condition: object, limit: float = 20.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError("not in time")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


@pytest.fixture
def serving(demo_db: Kiosk) -> Iterator[tuple[Kiosk, subprocess.Popen[str], int]]:
    port = free_port()
    demo_db.env["KIOSK_SERVE_PORT"] = str(port)
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--now", NOW_ARG, "serve", "--sandbox-bank"],
        env={**base, **demo_db.env},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/health") or process.poll() is not None)
        assert process.poll() is None, process.communicate()
        yield demo_db, process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_serve_takes_the_banks_notification_and_stops_on_sigterm(
    serving: tuple[Kiosk, subprocess.Popen[str], int],
) -> None:
    kiosk, process, port = serving
    placed = kiosk.ok("renewal", "order", DEMO_USER, RENEWABLE, "--method", "carta")
    url = placed["payment_url"]
    assert url.startswith(f"http://127.0.0.1:{port}/bank/pagam?")
    form = urllib.parse.urlencode({"card": "4111 1111 1111 1111", "expiry": "12/30", "cvv": "123"})
    with urllib.request.urlopen(url, data=form.encode(), timeout=10) as resp:
        assert "Pagamento approvato" in resp.read().decode()

    def paid() -> bool:
        return bool(kiosk.ok("renewal", "show", placed["order_code"])["status"] == "paid")

    wait_until(paid)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert f"127.0.0.1:{port}/notify" in err


def test_serve_on_a_port_in_use_says_so(data_dir: Path, make_kiosk: object) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "serve", "--port", str(port)],
            env={**base, "KIOSK_DATA_DIR": str(data_dir)},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert "Impossibile mettersi in ascolto" in done.stderr


def test_serve_sends_the_outbox_to_its_catcher(demo_db: Kiosk) -> None:
    """The scheduler of `serve` runs the outbox sender; with the catcher on, an order placed
    by another process reaches `outbox caught` with no one running `outbox send`."""
    port, smtp_port = free_port(), free_port()
    demo_db.env |= {
        "KIOSK_SERVE_PORT": str(port),
        "KIOSK_SMTP_CATCHER": "1",
        "KIOSK_SMTP_HOST": "127.0.0.1",
        "KIOSK_SMTP_PORT": str(smtp_port),
        "KIOSK_MAIL_POLL_SECONDS": "0.2",
    }
    placed = demo_db.ok("renewal", "order", DEMO_USER, RENEWABLE, "--method", "bonifico")
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--now", NOW_ARG, "serve"],
        env={**base, **demo_db.env},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def caught() -> list[dict[str, object]]:
            found = demo_db.ok("outbox", "caught")
            assert isinstance(found, list)
            return found

        wait_until(lambda: any(placed["order_code"] in str(mail) for mail in caught()))
        assert demo_db.ok("outbox", "list", "--status", "sent")
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
