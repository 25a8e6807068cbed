"""Snapshots of the help desk's states the other operator snapshot files leave out: the link-
mailbox dialog, remote assistance on both sides (the lawyer's code, the operator's join), the
operators' SSH keys, the administration's workspace and the radar's reminder question; at 80x24
and 120x40 on 25 November 2026 at 10:00 in Rome (the fixtures of test_screens).

Update with `pytest tests/snapshots/test_operator_more.py --snapshot-update` (no -n).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable

from kiosk.app import KioskApp
from screens.assist_code import AssistCodeScreen
from screens.messages import SessionStarted
from screens.operator.assist import AssistJoinScreen
from screens.operator.operators import OperatorsScreen
from screens.operator.subscriber import SubscriberScreen
from screens.operator.workspace import WorkspaceScreen
from tests.app.conftest import FakeMonotonic
from tests.app.test_assist_screens import FakeRemote
from tests.fixed_keys import HOME, LAPTOP
from tests.snapshots.driver import Driver, driven, stale_snapshots
from tests.snapshots.test_operator_queues import radar_selected

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
OPERATOR, PASSWORD = "operatore.demo", "Sportello2026!"
ADMIN, ADMIN_PASSWORD = "admin.demo", "Amministra2026!"
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_operator_more"
Steps = Callable[[Driver], Awaitable[None]]


async def open_as(k: Driver, screen: Screen[Any], userid: str, password: str) -> None:
    services = await k.app.front_desk.services()
    k.app.post_message(SessionStarted(await services.auth.login(userid, password)))
    await k.settle()
    await k.app.push_screen(screen)
    await k.settle()


async def link_mailbox(k: Driver) -> None:
    await open_as(k, SubscriberScreen("avv.rossi"), OPERATOR, PASSWORD)
    await k.press("#link")
    k.fill(**{"link-pec": "studio.rossi@pec.example.it"})
    await k.settle()


async def assist_code(k: Driver) -> None:
    """The lawyer's Assistenza remota in a session the SSH server started: the code to read."""
    k.app.remote = FakeRemote()
    await k.start_session()
    await k.app.push_screen(AssistCodeScreen())
    await k.settle()


async def assist_code_joined(k: Driver) -> None:
    remote = FakeRemote()
    remote.assistant, remote.typing_allowed = "Luca Verdi (operatore.demo)", True
    k.app.remote = remote
    await k.start_session()
    await k.app.push_screen(AssistCodeScreen())
    await k.settle()


async def assist_join_refused(k: Driver) -> None:
    """The operator's side: a code that is not (or no longer) valid."""
    k.app.remote = FakeRemote()
    await open_as(k, AssistJoinScreen(), OPERATOR, PASSWORD)
    k.fill(**{"assist-code": "123 456"})
    await k.press("#join")


async def assist_join_no_server(k: Driver) -> None:
    await open_as(k, AssistJoinScreen(), OPERATOR, PASSWORD)


async def operators_keys(k: Driver) -> None:
    services = await k.app.front_desk.services()
    for key in (LAPTOP, HOME):
        await services.staff_keys.add(OPERATOR, key, actor=ADMIN)
    await open_as(k, OperatorsScreen(), ADMIN, ADMIN_PASSWORD)
    table = k.app.screen.query_one("#staff", DataTable)
    table.move_cursor(row=table.get_row_index(OPERATOR), animate=False)
    await k.settle()
    k.app.screen.query_one("#keys", DataTable).focus()
    await k.settle()


async def operators_key_invalid(k: Driver) -> None:
    await operators_keys(k)
    k.fill(public_key="ssh-rsa AAAAB3NzaC1yc2E luca@vecchio-pc")
    await k.press("#key-add")


async def operators_key_remove(k: Driver) -> None:
    await operators_keys(k)
    await k.press("#key-remove")


async def workspace_admin(k: Driver) -> None:
    await k.log_in(ADMIN, ADMIN_PASSWORD)
    assert isinstance(k.app.screen, WorkspaceScreen)


async def radar_remind(k: Driver) -> None:
    await radar_selected(k)
    await k.press("#remind")


STATES: dict[str, Steps] = {
    "link_mailbox": link_mailbox,
    "assist_code": assist_code,
    "assist_code_joined": assist_code_joined,
    "assist_join_refused": assist_join_refused,
    "assist_join_no_server": assist_join_no_server,
    "operators_keys": operators_keys,
    "operators_key_invalid": operators_key_invalid,
    "operators_key_remove": operators_key_remove,
    "workspace_admin": workspace_admin,
    "radar_remind": radar_remind,
}


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
@pytest.mark.parametrize("state", STATES.keys())
def test_operator_state(
    state: str,
    size: tuple[int, int],
    snap_compare: Callable[..., bool],
    snapshot_app: Callable[..., KioskApp],
    idle_clock: FakeMonotonic,
) -> None:
    app = snapshot_app()

    run_before = driven(idle_clock, STATES[state])
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_every_snapshot_file_belongs_to_a_state() -> None:
    if not SNAPSHOTS.exists():
        pytest.skip("no snapshots yet: run with --snapshot-update")
    expected = {f"test_operator_state[{s}-{size}].svg" for s in STATES for size in SIZES}
    stale = stale_snapshots(SNAPSHOTS, expected)
    assert not stale, f"snapshots no test uses: {stale}"
