"""Operatori > the selected operator's SSH keys, under Pilot at 80x24 and 120x40: listed with
fingerprint, comment, when and by whom; added by pasting the public key line (bad ones refused
in Italian on the field, nothing stored); removed after a confirmation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.widgets import Button, DataTable

from kiosk.app import KioskApp
from kiosk.store.models import AuditEvent, SshKey
from screens.confirm import ConfirmScreen
from screens.operator.operators import OperatorsScreen
from tests.app.conftest import running, settle
from tests.app.helpers import field_error, is_shown, notice, squash, table_rows
from tests.app.test_operator_admin import ADMIN, OPERATOR, SIZES, answer, fill, open_as, press
from tests.fixed_keys import HOME, HOME_PRINT, LAPTOP, LAPTOP_PRINT


async def select(app: KioskApp, userid: str) -> None:
    table = app.screen.query_one("#staff", DataTable)
    table.move_cursor(row=table.get_row_index(userid), animate=False)


@pytest.mark.parametrize("size", SIZES)
async def test_keys_of_the_selected_operator(
    make_app: Callable[..., KioskApp], size: tuple[int, int]
) -> None:
    app = make_app()
    async with running(app, size) as pilot:
        services = await app.front_desk.services()
        await services.ssh.add(OPERATOR, HOME, actor="cli")
        await open_as(pilot, OperatorsScreen())
        screen = app.screen
        keys = screen.query_one("#keys", DataTable)
        # the administrator's own row first: no keys
        assert squash("Chiavi SSH di admin.demo") in squash(
            str(screen.query_one("#keys-title").render())
        )
        assert not is_shown(keys)
        assert "Nessuna chiave SSH" in str(screen.query_one("#keys-empty").render())
        assert screen.query_one("#key-remove", Button).disabled

        await select(app, OPERATOR)
        await pilot.pause()
        await settle(pilot)  # the keys load as the row is highlighted
        rows = table_rows(keys)
        assert len(rows) == 1 and HOME_PRINT in rows[0] and "luca@casa" in rows[0]
        assert "da cli" in rows[0] and "25/11/2026" in rows[0]

        # a bad key: the field says why, nothing stored
        fill(pilot, public_key="ssh-ed25519 AAAA-non-una-chiave")
        await press(pilot, "#key-add")
        assert "Chiave pubblica non valida" in field_error(screen, "public_key")
        assert await SshKey.all().count() == 1
        # the same key twice
        fill(pilot, public_key=HOME)
        await press(pilot, "#key-add")
        assert "già registrata" in notice(screen)
        # empty
        fill(pilot, public_key="")
        await press(pilot, "#key-add")
        assert "Incollare la riga" in field_error(screen, "public_key")

        fill(pilot, public_key=LAPTOP)
        await press(pilot, "#key-add")
        assert squash(f"Chiave {LAPTOP_PRINT} aggiunta a {OPERATOR}") in squash(notice(screen))
        rows = table_rows(keys)
        assert [LAPTOP_PRINT in r for r in rows] == [False, True]
        assert "luca@portatile-sportello" in rows[1] and f"da {ADMIN}" in rows[1]
        assert screen.query_one("#public_key").value == ""  # type: ignore[attr-defined]

        # remove the first (luca@casa): asked first; No keeps it
        keys.move_cursor(row=0, animate=False)
        await press(pilot, "#key-remove")
        assert HOME_PRINT in await answer(pilot, yes=False)
        assert len(table_rows(keys)) == 2
        await press(pilot, "#key-remove")
        modal = app.screen
        assert isinstance(modal, ConfirmScreen) and "luca@casa" in modal.question
        await answer(pilot, yes=True)
        rows = table_rows(keys)
        assert len(rows) == 1 and LAPTOP_PRINT in rows[0]
        assert "rimossa" in notice(screen)
        assert [k.fingerprint for k in await SshKey.all()] == [LAPTOP_PRINT]
        assert await services.ssh.operator_for_key(OPERATOR, HOME_PRINT) is None
        audited = await AuditEvent.filter(action__startswith="ssh.", actor=ADMIN).order_by("id")
        assert [(a.action, a.subject) for a in audited] == [
            ("ssh.key_added", OPERATOR),
            ("ssh.key_removed", OPERATOR),
        ]


async def test_an_operator_sees_no_keys(make_app: Callable[..., KioskApp]) -> None:
    """The screen opened by an operator (the workspace hides it): every call refused."""
    app = make_app()
    async with running(app) as pilot:
        services = await app.front_desk.services()
        await services.ssh.add(OPERATOR, HOME, actor="cli")
        await open_as(pilot, OperatorsScreen(), OPERATOR, "Sportello2026!")
        assert "riservata all'amministrazione" in notice(app.screen)
        assert table_rows(app.screen.query_one("#keys", DataTable)) == []
