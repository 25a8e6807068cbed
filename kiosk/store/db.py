"""Connection set-up: one Tortoise context per process, migrated on start.

Tortoise 1.x keeps its connections in a context variable, so the database is opened in the task
that runs the program (around `app.run_async()`, or around a test), never in a Textual handler.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tortoise.backends.base.config_generator import expand_db_url
from tortoise.context import TortoiseContext

from kiosk.errors import InvalidInput
from kiosk.i18n import _
from kiosk.privacy import private_sqlite

MODELS = "kiosk.store.models"
MIGRATIONS = "kiosk.store.migrations"
APP = "models"


SUPPORTED_SCHEMES = ("sqlite", "postgres", "postgresql")
CONNECT_TIMEOUT = 5  # seconds to reach a PostgreSQL server before calling it unreachable
STATEMENT_TIMEOUT = 60  # seconds: no statement of this program may take longer


def tortoise_config(url: str, *, lock_timeout: float = 10.0) -> dict[str, Any]:
    """The Tortoise config for a `sqlite://PATH` or `postgres://...` URL.

    `lock_timeout` bounds how long a statement waits for another writer: SQLite's busy timeout,
    PostgreSQL's lock_timeout. Past it the transaction fails as "busy" (see `kiosk.store.faults`).
    """
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in SUPPORTED_SCHEMES:
        raise InvalidInput(
            "database_url",
            _(
                "Indirizzo del database non supportato ({scheme}): usare sqlite:///percorso "
                "oppure postgres://utente@host:porta/database."
            ).format(scheme=scheme or "?"),
        )
    try:
        connection = expand_db_url(url)
    except Exception:  # the URL's own syntax (port, path...): say so without echoing secrets
        raise InvalidInput(
            "database_url", _("Indirizzo del database non valido: controllare KIOSK_DATABASE_URL.")
        ) from None
    # Tortoise caches compiled INSERT/DELETE statements per connection *name* (EXECUTOR_CACHE):
    # naming the connection after its dialect keeps SQLite's "?" statements away from PostgreSQL
    # when one process opens both (the test suite does).
    name = "sqlite" if connection["engine"] == "tortoise.backends.sqlite" else "postgres"
    if connection["engine"] == "tortoise.backends.sqlite":
        connection["engine"] = "kiosk.store.sqlite_engine"
        path = connection["credentials"]["file_path"]
        private_sqlite(Path(path))  # parent made 0700 if missing; files tightened to 0600
        connection["credentials"]["busy_timeout"] = int(lock_timeout * 1000)
    else:
        connection["engine"] = "kiosk.store.postgres_engine"
        credentials = connection["credentials"]
        credentials.setdefault("timeout", CONNECT_TIMEOUT)
        credentials["server_settings"] = {
            "lock_timeout": f"{int(lock_timeout * 1000)}ms",
            "statement_timeout": f"{STATEMENT_TIMEOUT}s",
            "application_name": "pec-kiosk",
        }
    return {
        "connections": {name: connection},
        "apps": {APP: {"models": [MODELS], "migrations": MIGRATIONS, "default_connection": name}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def migrate(url: str, *, lock_timeout: float = 10.0) -> None:
    """Apply the committed migrations (idempotent), in a context of its own."""
    from tortoise.migrations.api import migrate as run_migrations

    config = tortoise_config(url, lock_timeout=lock_timeout)
    async with TortoiseContext():
        await run_migrations(config=config)


# For Tortoise's own command: `tortoise -c kiosk.store.db.TORTOISE_ORM makemigrations`
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
