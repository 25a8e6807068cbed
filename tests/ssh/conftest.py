"""The SSH server on 127.0.0.1 (port 0) over a copy of the demo database; real kiosk children."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncssh
import pytest

from kiosk.serve.sshd import SshServer
from kiosk.services.runtime import open_services
from kiosk.settings import Settings
from tests.cli.conftest import copy_sqlite
from tests.cli.helpers import FAST_HASHING, NOW_ARG
from tests.conftest import ROOT
from tests.templates import demo_database

OPERATOR = "operatore.demo"
OPERATOR_NAME = "Luca Verdi (sportello)"
LAWYER, LAWYER_PASSWORD = "avv.demo", "Rinnovo2026!"


@pytest.fixture(scope="session")
def ssh_demo_template() -> Path:
    """The demo database on NOW (tests/templates.py)."""
    return demo_database()


@pytest.fixture
def ssh_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ssh_demo_template: Path
) -> dict[str, str]:
    """The server's environment (the kiosks it starts inherit it): the demo data in a
    database of this test's own, the suite's clock, cheap hashing."""
    db = tmp_path / "ssh.sqlite3"
    copy_sqlite(ssh_demo_template, db)
    env = {
        "KIOSK_DATA_DIR": str(tmp_path / "ssh-data"),
        "KIOSK_DATABASE_URL": f"sqlite://{db}",
        "KIOSK_NOW": NOW_ARG,
        "KIOSK_ALLOW_CLOCK_OVERRIDE": "1",
        "PYTHONPATH": str(ROOT),
        **FAST_HASHING,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "ssh-data").mkdir(mode=0o700)
    return env


@pytest.fixture
def operator_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519", comment="operatore@test")


@pytest.fixture
def make_settings(ssh_env: dict[str, str]) -> Callable[..., Settings]:
    def make(**changes: object) -> Settings:
        return Settings(ssh_port=0, **changes)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def start_server(
    make_settings: Callable[..., Settings], operator_key: asyncssh.SSHKey
) -> AsyncIterator[Callable[..., object]]:
    """Start a server (with the operator's key authorised) and stop it after the test."""
    servers: list[SshServer] = []

    async def start(**changes: object) -> SshServer:
        settings = make_settings(**changes)
        async with open_services(settings) as services:
            if not await services.ssh.keys(OPERATOR):
                public = operator_key.export_public_key().decode()
                await services.ssh.add(OPERATOR, public, actor="admin.demo")
        server = SshServer(settings)
        await server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()
