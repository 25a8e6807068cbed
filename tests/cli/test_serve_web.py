"""`pec-kiosk serve web`: where it listens, its usage errors, and the websocket's two guards
(another site's page is refused; no more sessions than allowed). The browser itself:
tests/e2e/test_browser.py."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
import pytest

from kiosk.serve.web import WebKiosk, is_loopback, session_command
from kiosk.settings import Settings
from tests.cli.helpers import ROOT, Kiosk
from tests.conftest import NOW

# a stand-in for the kiosk: textual-serve's greeting, then it waits for the "quit" it is sent
FAKE_KIOSK = [
    sys.executable,
    "-c",
    "import sys\n"
    "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush()\n"
    "for chunk in iter(lambda: sys.stdin.buffer.read1(4096), b''):\n"
    "    if b'quit' in chunk: break\n",
]


def listening_addresses(port: int) -> list[str]:
    """The local addresses of the sockets listening on `port` (hex, as /proc/net/tcp* has it)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == port and fields[3] == "0A":  # LISTEN
                found.append(address)
    return found


def start(data_dir: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "serve", "web", *args],
        env={**base, "KIOSK_DATA_DIR": str(data_dir)},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    return process, process.stderr.readline()


def test_listens_on_loopback_only_by_default_and_stops_on_sigterm(data_dir: Path) -> None:
    process, announced = start(data_dir, "--port", "0")
    try:
        assert announced.startswith("Chiosco nel browser: http://127.0.0.1:"), announced
        port = int(announced.rsplit(":", 1)[1].strip().rstrip("/"))
        assert listening_addresses(port) == ["0100007F"]  # 127.0.0.1, and nothing else
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Attenzione" not in err  # the warning is for addresses other than loopback


def test_another_address_is_warned_about(data_dir: Path) -> None:
    process, announced = start(data_dir, "--host", "0.0.0.0", "--port", "0")
    try:
        warning = process.stderr.readline() if process.stderr else ""
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert announced.startswith("Chiosco nel browser: http://0.0.0.0:"), announced
    assert "proxy inverso con TLS e autenticazione" in warning


@pytest.mark.parametrize("port", ["99999", "-1", "abc", ""])
def test_a_bad_port_is_a_usage_error_in_italian(proc: Kiosk, port: str) -> None:
    result = proc("serve", "web", "--port", port, expect=2)
    assert "Valore non valido per '--port'" in result.stderr
    assert "Uso: pec-kiosk serve web" in result.stderr


def test_an_empty_host_is_a_usage_error(proc: Kiosk) -> None:
    result = proc("serve", "web", "--host", " ", expect=2)
    assert "Valore non valido per '--host': indirizzo vuoto." in result.stderr


def test_a_port_in_use_says_so(proc: Kiosk) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = proc("serve", "web", "--port", str(port), expect=2)
    assert f"Impossibile mettersi in ascolto su 127.0.0.1:{port}" in result.stderr


def test_serve_options_before_web_are_refused(proc: Kiosk) -> None:
    result = proc("serve", "--port", "0", "web", expect=2)
    assert "serve web --port N" in result.stderr


def test_each_session_runs_the_kiosk_with_the_servers_options() -> None:
    demo = Settings(demo=True, now=NOW, lang="en", kiosk_mode=True)
    assert session_command(demo, python="py") == [
        "py", "-m", "kiosk", "--demo", "--now", NOW.isoformat(), "--lang", "en", "--kiosk",
    ]  # fmt: skip
    assert session_command(Settings(), python="py") == ["py", "-m", "kiosk", "--lang", "it"]
    assert Settings().web_host == "127.0.0.1" and is_loopback("127.0.0.1")
    assert is_loopback("::1") and is_loopback("localhost") and not is_loopback("0.0.0.0")


ServerFactory = Callable[..., Awaitable[WebKiosk]]


@pytest.fixture
async def web_kiosk(data_dir: Path) -> AsyncIterator[ServerFactory]:
    started: list[WebKiosk] = []

    async def make(**changes: object) -> WebKiosk:
        settings = Settings(data_dir=data_dir, web_port=0, **changes)  # type: ignore[arg-type]
        server = WebKiosk(settings, FAKE_KIOSK)
        await server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        await server.stop()


async def test_another_sites_page_cannot_open_a_session(web_kiosk: ServerFactory) -> None:
    server = await web_kiosk()
    base = f"http://127.0.0.1:{server.port}"
    async with aiohttp.ClientSession() as client:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(f"{base}/ws", headers={"Origin": "https://evil.example"})
        assert refused.value.status == 403
        async with client.ws_connect(f"{base}/ws", headers={"Origin": base}) as ws:
            await ws.send_json(["ping", "1"])
            assert await ws.receive_json(timeout=10) == ["pong", "1"]
        async with client.get(f"{base}/") as page:
            text = await page.text()
    assert page.status == 200 and "static/js/textual.js" in text
    links = re.findall(r'(?:href|src)="([^"]*)"', text)
    assert links and not [link for link in links if "//" in link], links  # all on this server


async def test_no_more_sessions_than_allowed(web_kiosk: ServerFactory) -> None:
    server = await web_kiosk(web_max_sessions=1)
    url = f"http://127.0.0.1:{server.port}/ws"
    async with aiohttp.ClientSession() as client, client.ws_connect(url) as first:
        await first.send_json(["ping", "1"])
        assert await first.receive_json(timeout=10) == ["pong", "1"]
        async with client.ws_connect(url) as second:
            message = await second.receive(timeout=10)
            assert message.type == aiohttp.WSMsgType.BINARY
            assert "Troppe sessioni aperte" in message.data.decode()
            assert (await second.receive(timeout=10)).type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
            )
