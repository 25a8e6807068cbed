"""The committed migrations describe the models exactly: `makemigrations` finds nothing to do.

(A model changed without its migration would leave the schema of every deployed database behind
the code; Tortoise's own autodetector is asked, as `tortoise makemigrations` would.)
"""

from __future__ import annotations

from tortoise.context import TortoiseContext
from tortoise.migrations.autodetector import MigrationAutodetector

from kiosk.store.db import tortoise_config


async def test_models_and_migrations_agree() -> None:
    config = tortoise_config("sqlite://:memory:")
    async with TortoiseContext() as ctx:
        await ctx.init(config=config)
        assert ctx.apps is not None
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
        pending = {w.name: w.as_string() for w in writers}
        assert pending == {}
