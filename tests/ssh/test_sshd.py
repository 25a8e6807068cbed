"""`pec-kiosk serve ssh` against a real asyncssh client: kiosks on ptys, read with pyte."""

from __future__ import annotations

import asyncio
import stat
from collections.abc import Callable
from typing import Any

import asyncssh
import pytest

from kiosk.serve.sshd import SshServer
from tests.ssh.client import Term
from tests.ssh.conftest import LAWYER, LAWYER_PASSWORD, OPERATOR, OPERATOR_NAME

pytestmark = pytest.mark.serial

Start = Callable[..., Any]


async def audit_actions(server: SshServer) -> list[tuple[str, str | None, dict[str, Any]]]:
    from kiosk.store.models import AuditEvent

    async def read(_services: Any) -> list[tuple[str, str | None, dict[str, Any]]]:
        rows = await AuditEvent.filter(action__startswith="ssh.").order_by("id")
        more = await AuditEvent.filter(action__startswith="assist.").order_by("id")
        return [(r.action, r.actor, dict(r.details)) for r in [*rows, *more]]

    await asyncio.sleep(0.2)  # the server audits without holding the protocol up
    return await server.call(read)


async def test_operator_logs_in_with_key_sees_the_kiosk_and_resizes(
    start_server: Start, operator_key: asyncssh.SSHKey
) -> None:
    server: SshServer = await start_server()
    term = await Term.open(server.port, OPERATOR, client_keys=[operator_key])
    try:
        shown = await term.wait_for(OPERATOR_NAME)  # the session started for that operator
        assert "Accedi" not in shown  # no login form: the key was the login
        term.resize(100, 30)
        await term.wait_for(OPERATOR_NAME)
        deadline = asyncio.get_running_loop().time() + 10
        while asyncio.get_running_loop().time() < deadline:  # laid out again at 100 columns
            if any(len(line.rstrip()) > 80 for line in term.session.screen.display):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError(term.text())
    finally:
        await term.close()
    await asyncio.sleep(0.5)
    actions = await audit_actions(server)
    assert ("ssh.login", OPERATOR) in [(a, u) for a, u, _ in actions]
    assert ("ssh.logout", OPERATOR) in [(a, u) for a, u, _ in actions]
    assert not server.sessions


async def test_host_key_is_made_on_first_start_private(start_server: Start) -> None:
    server: SshServer = await start_server()
    path = server.settings.ssh_host_key_path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = path.read_bytes()
    await server.stop()
    again: SshServer = await start_server()  # the same key on the next start
    assert again.settings.ssh_host_key_path.read_bytes() == first


async def test_unknown_key_is_refused_and_audited(start_server: Start) -> None:
    server: SshServer = await start_server()
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    with pytest.raises(asyncssh.PermissionDenied):
        await Term.open(server.port, OPERATOR, client_keys=[stranger])
    actions = await audit_actions(server)
    assert any(a == "ssh.refused" and d.get("reason") == "unknown_key" for a, _, d in actions)


async def test_the_operator_key_is_refused_for_another_username(
    start_server: Start, operator_key: asyncssh.SSHKey
) -> None:
    server: SshServer = await start_server()
    with pytest.raises(asyncssh.PermissionDenied):
        await Term.open(server.port, "admin.demo", client_keys=[operator_key])


async def test_password_refused_for_an_operator_even_when_lawyers_may_use_one(
    start_server: Start,
) -> None:
    server: SshServer = await start_server(ssh_lawyer_passwords=True)
    with pytest.raises(asyncssh.PermissionDenied):
        await Term.open(server.port, OPERATOR, password="Sportello2026!", client_keys=None)
    actions = await audit_actions(server)
    assert any(a == "ssh.refused" and d.get("reason") == "password" for a, _, d in actions)


async def test_password_not_offered_by_default(start_server: Start) -> None:
    server: SshServer = await start_server()
    with pytest.raises(asyncssh.PermissionDenied):
        await Term.open(server.port, LAWYER, password=LAWYER_PASSWORD, client_keys=None)


async def test_failed_logins_are_limited_per_address(start_server: Start) -> None:
    server: SshServer = await start_server(ssh_auth_failures=2)
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    for _attempt in range(2):
        with pytest.raises(asyncssh.PermissionDenied):
            await Term.open(server.port, OPERATOR, client_keys=[stranger])
    with pytest.raises(asyncssh.PermissionDenied, match="Troppi accessi"):
        await Term.open(server.port, OPERATOR, client_keys=[stranger])
    actions = await audit_actions(server)
    assert any(d.get("reason") == "address_blocked" for _a, _u, d in actions)


async def test_no_pty_exec_subsystem_and_forwarding_are_refused(
    start_server: Start, operator_key: asyncssh.SSHKey
) -> None:
    server: SshServer = await start_server()
    async with asyncssh.connect(
        "127.0.0.1",
        server.port,
        username=OPERATOR,
        client_keys=[operator_key],
        known_hosts=None,
        agent_path=None,
    ) as conn:
        shell = await conn.run(term_type=None, encoding="utf-8", check=False)  # no PTY
        assert shell.exit_status == 1
        assert "terminale interattivo" in str(shell.stdout)
        with pytest.raises(asyncssh.ChannelOpenError):  # exec: the request is refused
            await conn.run("id", check=True)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.start_sftp_client()
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.open_connection("127.0.0.1", server.port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
    reasons = {d.get("reason") for a, _, d in await audit_actions(server) if a == "ssh.refused"}
    assert {"no_pty", "exec", "subsystem", "forwarding", "remote_forwarding"} <= reasons


async def test_assistance_join_sees_the_lawyers_screen_and_types_when_allowed(
    start_server: Start, operator_key: asyncssh.SSHKey
) -> None:
    import re

    server: SshServer = await start_server(ssh_lawyer_passwords=True)
    lawyer = await Term.open(server.port, LAWYER, password=LAWYER_PASSWORD, client_keys=None)
    operator = await Term.open(server.port, OPERATOR, client_keys=[operator_key])
    try:
        await lawyer.wait_for("Credito del conto prepagato")
        lawyer.type("a")  # Assistenza remota
        shown = await lawyer.wait_for("Valido 10 minuti")
        found = re.search(r"\b(\d{3}) (\d{3})\b", shown)
        assert found is not None, shown
        code = found.group(1) + found.group(2)

        await operator.wait_for(OPERATOR_NAME)
        operator.type("\x1b[21~")  # F10: Assistenza remota
        await operator.wait_for("Inserire il codice di assistenza")
        operator.type("000000\r")  # a wrong code first: refused, nothing joined
        await operator.wait_for("Codice non valido o scaduto")
        await asyncio.sleep(0.5)  # the field takes the focus back once the answer is drawn
        operator.type(code + "\r")
        # the operator's terminal now shows the lawyer's session, and both see who joined
        mirrored = await operator.wait_for("Comunichi questo codice")
        assert "Avv. Maria Demo" in mirrored
        await lawyer.wait_for("si è collegato")
        await operator.wait_for("si è collegato")
        assert "L'operatore può solo guardare" in lawyer.text()

        operator.type("\x1b")  # Esc would close the lawyer's screen: typing not allowed yet
        await asyncio.sleep(1.0)
        assert "Comunichi questo codice" in lawyer.text()

        lawyer.type("\x1b[Z")  # Shift+Tab: the checkbox "Consenti all'operatore di scrivere"
        lawyer.type(" ")
        await lawyer.wait_for("L'operatore può scrivere")
        await asyncio.sleep(0.3)
        operator.type("\x1b")  # now it goes through: the lawyer's screen closes
        await lawyer.wait_for("Caselle PEC a Lei intestate")
        assert "Comunichi questo codice" not in lawyer.text()

        operator.type("\x1d")  # Ctrl+]: back to the operator's own kiosk
        await operator.wait_for("Assistenza remota terminata")
        await operator.wait_for("Inserire il codice di assistenza")  # its own screen, redrawn
        assert "Avv. Maria Demo" not in operator.text()
        await lawyer.wait_for("ha lasciato la sessione")
        assert server.sessions and len(server.sessions) == 2  # the lawyer's session goes on
    finally:
        await operator.close()
        await lawyer.close()
    actions = [(a, u) for a, u, _ in await audit_actions(server)]
    assert ("assist.code", LAWYER) in actions
    assert ("assist.join_refused", OPERATOR) in actions
    assert ("assist.join", OPERATOR) in actions
    assert ("assist.leave", OPERATOR) in actions


@pytest.mark.slow
async def test_twenty_concurrent_sessions_each_search(
    start_server: Start, operator_key: asyncssh.SSHKey
) -> None:
    """20 operators' kiosks at once (real processes on one SQLite database): each types a
    lawyer's userid in Cerca and reads that lawyer in the results, without error."""
    server: SshServer = await start_server()
    lawyers = {"avv.demo": "Avv. Maria Demo", "avv.rossi": "Giuseppe Rossi"}

    async def one(index: int) -> str:
        userid = sorted(lawyers)[index % 2]
        term = await Term.open(server.port, OPERATOR, client_keys=[operator_key])
        try:
            await term.wait_for("Cerca", within=120)
            term.type(userid)
            await term.wait_for(f"{userid} ·", within=60)  # the result's second line
            shown = await term.wait_for("1 iscritto trovato", within=10)
            assert lawyers[userid] in shown, shown
            assert "Errore" not in shown
            return shown
        finally:
            await term.close()

    shown = await asyncio.gather(*(one(i) for i in range(20)))
    assert len(shown) == 20
    await asyncio.sleep(1.0)
    actions = [a for a, _u, _d in await audit_actions(server)]
    assert actions.count("ssh.login") == 20
    assert actions.count("ssh.logout") == 20
    assert "ssh.refused" not in actions


async def test_sessions_over_the_limit_are_refused(
    start_server: Start, operator_key: asyncssh.SSHKey
) -> None:
    server: SshServer = await start_server(ssh_max_sessions=1)
    first = await Term.open(server.port, OPERATOR, client_keys=[operator_key])
    try:
        await first.wait_for(OPERATOR_NAME)
        second = await Term.open(server.port, OPERATOR, client_keys=[operator_key])
        await asyncio.wait_for(second.session.closed.wait(), 10)
        assert second.session.exit_status == 1
        assert "Troppe sessioni" in second.text()
        await second.close()
    finally:
        await first.close()


async def test_idle_sessions_are_closed(start_server: Start, operator_key: asyncssh.SSHKey) -> None:
    server: SshServer = await start_server(ssh_idle_timeout=3.0)
    term = await Term.open(server.port, OPERATOR, client_keys=[operator_key])
    try:
        await term.wait_for(OPERATOR_NAME)
        await asyncio.wait_for(term.session.closed.wait(), 15)
        assert "Sessione chiusa per inattività" in term.text()
    finally:
        await term.close()
    whys = [d.get("why") for a, _u, d in await audit_actions(server) if a == "ssh.logout"]
    assert whys == ["idle"]


def test_the_command_listens_and_stops_on_sigterm(ssh_env: dict[str, str]) -> None:
    """`pec-kiosk serve ssh --port 0`: says where it listens, makes its host key, exits 0."""
    import os
    import signal
    import subprocess
    import sys

    from tests.conftest import ROOT

    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "serve", "ssh", "--port", "0"],
        env={**os.environ, **ssh_env},
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        assert "Assistenza remota in ascolto su 127.0.0.1:" in line, line
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    key = os.path.join(ssh_env["KIOSK_DATA_DIR"], "ssh_host_ed25519_key")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
