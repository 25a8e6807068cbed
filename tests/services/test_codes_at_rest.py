"""No code is stored in clear anywhere: not in the database, not in the outbox, not in the log.
The key codes are derived with is the deployment's, shared by its processes."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from kiosk import logs
from kiosk.errors import Unavailable
from kiosk.services.codes import derive, load_secret_key
from kiosk.services.facade import Services
from kiosk.settings import Settings
from kiosk.store.models import OutboxEmail
from tests.services.mail import last_code

TABLES = ("outbox_email", "recovery_code", "pending_registration", "audit_event", "kiosk_meta")


async def database_text(services: Services) -> str:
    """Every row of the tables a code could hide in, as text."""
    from tortoise import Tortoise

    connection = Tortoise.get_connection(
        "sqlite" if services.ctx.settings.db_url.startswith("sqlite") else "postgres"
    )
    parts: list[str] = []
    for table in TABLES:
        _n, rows = await connection.execute_query(f"SELECT * FROM {table}")
        parts.extend(repr(dict(row)) for row in rows)
    return "\n".join(parts)


async def test_no_code_in_the_database_nor_in_the_log(
    demo: Services, good_user: dict[str, str], settings: Settings
) -> None:
    logs.configure(settings.data_dir, logging.DEBUG)
    await demo.auth.request_recovery("avv.demo")
    await demo.registration.start(**good_user)
    recovery = await last_code(demo, "avv.demo@example.org")
    registration = await last_code(demo, "nuovo@example.org")
    logging.getLogger("kiosk").info("a line, so that the log exists")
    text = await database_text(demo)
    for code in (recovery, registration):
        assert code not in text
        assert code not in (settings.data_dir / "kiosk.log").read_text()
    # what the outbox row holds: a template and non-secret parameters
    row = await OutboxEmail.filter(kind="recovery").first()
    assert row is not None
    assert (row.template, row.subject, row.body) == ("recovery", "", "")
    assert set(row.params) == {"code_id", "minutes", "lang"}


async def test_the_secret_key_file_is_made_once_private_and_shared(settings: Settings) -> None:
    key = load_secret_key(settings)
    path = settings.data_dir / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret_key(settings) == key and len(key) >= 32
    # another process of the deployment (its own settings, the same data directory): same key
    assert load_secret_key(Settings(data_dir=settings.data_dir, test_mode=True)) == key
    assert derive(key, "nonce") != derive(b"another key" * 4, "nonce")


async def test_a_configured_key_is_used_and_a_broken_file_is_said(tmp_path: Path) -> None:
    configured = Settings(
        data_dir=tmp_path / "a",
        secret_key="k" * 40,
        test_mode=True,
    )
    assert load_secret_key(configured) == b"k" * 40
    assert not (tmp_path / "a" / "secret.key").exists()
    broken = Settings(data_dir=tmp_path / "b", test_mode=True)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "secret.key").write_text("corta")
    with pytest.raises(Unavailable) as err:
        load_secret_key(broken)
    assert "KIOSK_SECRET_KEY" in err.value.message
    os.chmod(tmp_path / "b" / "secret.key", 0o000)
    if os.geteuid() != 0:  # root reads it anyway
        with pytest.raises(Unavailable):
            load_secret_key(broken)
