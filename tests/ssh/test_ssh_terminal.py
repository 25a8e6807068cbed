"""A kiosk terminal through `pec-kiosk serve ssh`: its key opens a kiosk on the welcome page
(no one logged in, KIOSK_TERMINAL_ID its name); a lawyer logs in there and gets remote
assistance as over SSH; their logout ends it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import asyncssh
import pytest

from kiosk.serve.sshd import SshServer
from tests.ssh.client import Term
from tests.ssh.conftest import LAWYER, LAWYER_PASSWORD, OPERATOR, OPERATOR_NAME
from tests.ssh.test_sshd import audit_actions

pytestmark = pytest.mark.serial

Start = Callable[..., Any]
TERMINAL = "sportello-1"


async def terminal_key(server: SshServer) -> asyncssh.SSHKey:
    """A key registered for the kiosk terminal TERMINAL (`users key add --terminal`)."""
    key = asyncssh.generate_private_key("ssh-ed25519", comment="chiosco@atrio")
    public = key.export_public_key().decode()
    await server.call(lambda s: s.ssh.add_terminal(TERMINAL, public, actor="admin.demo"))
    return key


async def test_a_lawyer_at_a_kiosk_terminal_gets_remote_assistance(
    start_server: Start, operator_key: asyncssh.SSHKey
) -> None:
    server: SshServer = await start_server()
    key = await terminal_key(server)
    kiosk = await Term.open(server.port, TERMINAL, client_keys=[key])
    operator = await Term.open(server.port, OPERATOR, client_keys=[operator_key])
    try:
        shown = await kiosk.wait_for("Accedi")  # the welcome page: nobody logged in
        assert "Benvenuto" in shown and "Avv. Maria Demo" not in shown
        (session,) = [s for s in server.sessions if s.terminal == TERMINAL]
        assert session.kiosk is not None
        assert session.kiosk.env["KIOSK_TERMINAL_ID"] == TERMINAL
        assert "KIOSK_SSH_USER" not in session.kiosk.env

        kiosk.type("\r")  # Accedi, focused
        await kiosk.wait_for("Password")
        kiosk.type(LAWYER + "\r")  # Invio: on to the password
        await asyncio.sleep(0.3)
        kiosk.type(LAWYER_PASSWORD + "\r")
        await kiosk.wait_for("Credito del conto prepagato")
        kiosk.type("a")  # Assistenza remota: offered at a terminal started by the server
        shown = await kiosk.wait_for("Valido 10 minuti")
        found = re.search(r"\b(\d{3}) (\d{3})\b", shown)
        assert found is not None, shown
        assert session.lawyer == LAWYER

        await operator.wait_for(OPERATOR_NAME)
        operator.type("\x1b[21~")  # F10: Assistenza remota
        await operator.wait_for("Inserire il codice di assistenza")
        await asyncio.sleep(0.3)
        operator.type(found.group(1) + found.group(2) + "\r")
        mirrored = await operator.wait_for("Comunichi questo codice")  # the lawyer's screen
        assert "Avv. Maria Demo" in mirrored
        await kiosk.wait_for("si è collegato")

        kiosk.type("\x1b")  # the lawyer closes the code's screen...
        await kiosk.wait_for("Caselle PEC a Lei intestate")
        kiosk.type("\x1b")  # ... and logs out (Esci, then "Sì, esci"): the assistance ends
        await kiosk.wait_for("Sì, esci")
        kiosk.type("\t")
        await asyncio.sleep(0.3)
        kiosk.type("\r")
        await operator.wait_for("Assistenza remota terminata", within=20)
        await kiosk.wait_for("Accedi")  # the terminal waits for the next person
        assert session.lawyer is None and not session.viewers
        assert len(server.sessions) == 2  # the terminal's connection stays
    finally:
        await operator.close()
        await kiosk.close()
    audited = await audit_actions(server)
    logins = [(u, d.get("terminal")) for a, u, d in audited if a == "ssh.login"]
    assert (None, TERMINAL) in logins and (OPERATOR, None) in logins
    assist = [(a, u, d) for a, u, d in audited if a.startswith("assist.")]
    assert ("assist.code", LAWYER, TERMINAL) in [(a, u, d.get("terminal")) for a, u, d in assist]
    joins = [d for a, u, d in assist if a == "assist.join" and u == OPERATOR]
    assert joins and joins[0]["terminal"] == TERMINAL
    leaves = [d for a, u, d in assist if a == "assist.leave"]
    assert [d["why"] for d in leaves] == ["session_ended"]


async def test_a_terminals_key_only_as_its_name_and_never_idle_closed(
    start_server: Start,
) -> None:
    """The key opens its terminal only (not as an operator's name); the terminal waits on its
    welcome page past the server's idle timeout (the kiosk's own idle wipe applies there)."""
    server: SshServer = await start_server(ssh_idle_timeout=1.0)
    key = await terminal_key(server)
    with pytest.raises(asyncssh.PermissionDenied):
        await Term.open(server.port, OPERATOR, client_keys=[key])
    kiosk = await Term.open(server.port, TERMINAL, client_keys=[key])
    try:
        await kiosk.wait_for("Accedi")
        await asyncio.sleep(2.5)  # the server's idle watch runs every 0.25 s here
        assert not kiosk.session.closed.is_set() and len(server.sessions) == 1
    finally:
        await kiosk.close()
    refused = [d for a, _u, d in await audit_actions(server) if a == "ssh.refused"]
    assert [d.get("reason") for d in refused] == ["unknown_key"]
