"""Reference data: `data/areas.toml` reaches the database, changes are synced and audited, and
a start with nothing to change writes nothing."""

from __future__ import annotations

import dataclasses

from kiosk.domain.model import MailboxFamily
from kiosk.services.facade import Services
from kiosk.services.setup import sync_reference_data
from kiosk.store.models import Area, AuditEvent, Price


async def test_areas_and_prices_are_those_of_the_data_files(services: Services) -> None:
    reference = services.ctx.refdata
    assert {a.code for a in await Area.all()} == {a.code for a in reference.areas}
    rows = {(p.area_id, MailboxFamily(p.family)): p.net_cents for p in await Price.all()}
    expected = {(a.code, f): cents for a in reference.areas for f, cents in a.prices.items()}
    assert rows == expected
    default = await Area.get(is_default=True)
    assert default.code == reference.default_area


async def test_a_price_change_is_synced_and_audited_once(services: Services) -> None:
    ctx = services.ctx
    area = ctx.refdata.areas[0]
    family = next(iter(area.prices))
    changed_area = dataclasses.replace(area, prices={**area.prices, family: 9999})
    changed = dataclasses.replace(ctx.refdata, areas=(changed_area, *ctx.refdata.areas[1:]))
    ctx2 = dataclasses.replace(ctx, refdata=changed)
    audits = await AuditEvent.filter(action="refdata.synced").count()
    assert await sync_reference_data(ctx2) is True
    assert (await Price.get(area_id=area.code, family=family)).net_cents == 9999
    assert await AuditEvent.filter(action="refdata.synced").count() == audits + 1
    # nothing changed since: no write, no audit
    assert await sync_reference_data(ctx2) is False
    assert await AuditEvent.filter(action="refdata.synced").count() == audits + 1
