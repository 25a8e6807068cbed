"""Reference data into the database, and the demo dataset."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Awaitable, Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta

from kiosk.domain import validation
from kiosk.domain.dates import expiry_after
from kiosk.domain.model import MailboxFamily, Role
from kiosk.errors import Reason, Refusal
from kiosk.i18n import _
from kiosk.refdata import ReferenceData
from kiosk.services.context import ServiceContext
from kiosk.services.exitpin import PIN_FACT
from kiosk.services.renewal import RenewalService
from kiosk.services.search import note_mailboxes, note_people
from kiosk.services.tx import audit
from kiosk.store.models import (
    Area,
    KioskFact,
    Mailbox,
    PrepaidAccount,
    PrepaidEntry,
    Price,
    Subscriber,
)

DEMO_FACT = "demo_built_for"


REFDATA_FACT = "refdata_sha256"
REFDATA_RACES = ("area.code", "price.area_id,family", "kiosk_meta.key")


def refdata_fingerprint(refdata: ReferenceData) -> str:
    """A hash of the areas and prices as the database should hold them."""
    canonical = [
        {
            "code": spec.code,
            "name": spec.name,
            "ordine": spec.ordine,
            "ordine_domains": list(spec.ordine_domains),
            "convention_domains": list(spec.convention_domains),
            "default": spec.code == refdata.default_area,
            "prices": {str(family.value): cents for family, cents in spec.prices.items()},
        }
        for spec in refdata.areas
    ]
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


async def sync_reference_data(ctx: ServiceContext) -> bool:
    """Write areas and prices from `data/areas.toml`; audit what changed. True if anything did.

    The hash of what was last synced is kept in the database: when `areas.toml` has not
    changed, a start costs one read and writes nothing (a read-only command, every start of a
    kiosk). Otherwise read, and write only what differs, with the new hash.
    """
    refdata = ctx.refdata
    fingerprint = refdata_fingerprint(refdata)
    synced = await KioskFact.get_or_none(key=REFDATA_FACT)
    if synced is not None and synced.value == fingerprint:
        return False

    async def plan() -> list[tuple[str, Callable[[], Awaitable[object]]]]:
        steps: list[tuple[str, Callable[[], Awaitable[object]]]] = []
        areas = {a.code: a for a in await Area.all()}
        for spec in refdata.areas:
            values: dict[str, Any] = {
                "name": spec.name,
                "ordine": spec.ordine,
                "ordine_domains": list(spec.ordine_domains),
                "convention_domains": list(spec.convention_domains),
                "is_default": spec.code == refdata.default_area,
            }
            row = areas.get(spec.code)
            if row is None:
                steps.append((f"area+{spec.code}", partial(Area.create, code=spec.code, **values)))
            elif any(getattr(row, k) != v for k, v in values.items()):
                update = Area.filter(code=spec.code).update(**values)
                steps.append((f"area~{spec.code}", partial(_run, update)))
        prices = {(p.area_id, p.family): p for p in await Price.all()}
        for spec in refdata.areas:
            for family, cents in spec.prices.items():
                current = prices.get((spec.code, family))
                if current is None:
                    create = partial(Price.create, area_id=spec.code, family=family)
                    change = f"price+{spec.code}/{family.value}={cents}"
                    steps.append((change, partial(create, net_cents=cents)))
                elif current.net_cents != cents:
                    update = Price.filter(id=current.id).update(net_cents=cents)
                    change = f"price~{spec.code}/{family.value}:{current.net_cents}->{cents}"
                    steps.append((change, partial(_run, update)))
        return steps

    async def work() -> bool:
        steps = await plan()  # again, inside the write transaction: another process may have
        for _change, step in steps:
            await step()
        if steps:
            await audit(ctx.now(), "refdata.synced", changes=[change for change, _ in steps])
        await KioskFact.update_or_create(key=REFDATA_FACT, defaults={"value": fingerprint})
        return bool(steps)

    # processes starting together on a new database both insert the areas: the loser runs
    # again and finds them there
    return await ctx.atomic(work, retry_on=REFDATA_RACES)


async def _run(query: Awaitable[object]) -> None:
    await query


async def demo_built_for() -> date | None:
    fact = await KioskFact.get_or_none(key=DEMO_FACT)
    return date.fromisoformat(fact.value) if fact else None


async def load_demo(ctx: ServiceContext, path: Path | None = None) -> list[str]:
    """Load `data/demo.toml`, its dates taken relative to the clock's today; the userids."""
    path = path or ctx.settings.refdata_dir / "demo.toml"
    with path.open("rb") as fh:
        doc = tomllib.load(fh)
    users = doc.get("user", [])
    today = ctx.clock.today()
    hashes = {
        u["userid"]: await ctx.passwords.hash(u["password"]) for u in users if u.get("password")
    }
    demo_pin = doc.get("kiosk", {}).get("exit_pin")
    pin_hash = await ctx.passwords.hash(str(demo_pin)) if demo_pin else None
    now = ctx.now()

    async def work() -> None:
        taken = await Subscriber.filter(userid__in=[u["userid"] for u in users]).values_list(
            "userid", flat=True
        )
        if taken:
            raise Refusal(
                Reason.DEMO_PRESENT,
                _("Dati dimostrativi già presenti: {users}.").format(
                    users=", ".join(sorted(str(t) for t in taken))
                ),
            )
        for raw in users:
            area = await Area.get(code=raw["area"])
            sub = await Subscriber.create(
                userid=raw["userid"],
                nominativo=raw["nominativo"],
                codice_fiscale=raw["codice_fiscale"],
                email=validation.email_key(raw["email"]),
                area=area,
                role=Role(raw["role"]),
                password_hash=hashes.get(raw["userid"]),
                created_at=now,
            )
            await PrepaidAccount.create(subscriber=sub)
            await note_people([sub])
            for box in raw.get("mailbox", []):
                years = int(box["years_active"])
                expiry = today + relativedelta(days=int(box["expires_in_days"]))
                anchor = expiry - relativedelta(years=years)
                expiry = expiry_after(anchor, years)  # 29 Feb: keep expiry an anniversary
                made = await Mailbox.create(
                    address=box["pec"],
                    family=MailboxFamily(box["famiglia"]),
                    area=area,
                    owner=sub,
                    anchor_date=anchor,
                    expiry_date=expiry,
                    created_at=now,
                )
                await note_mailboxes([(sub.id, made.address)])
        renewals = RenewalService(ctx)
        for raw in users:
            covers = raw.get("prepaid_covers")
            if not covers:
                continue
            quote = await renewals.quote(raw["userid"], covers)
            account = await PrepaidAccount.get(subscriber__userid=raw["userid"])
            await PrepaidAccount.filter(id=account.id).update(balance_cents=quote.total_cents)
            await PrepaidEntry.create(
                account=account,
                amount_cents=quote.total_cents,
                kind="topup",
                description=_("Ricarica dimostrativa"),
                created_at=now,
            )
        if pin_hash is not None and not await KioskFact.exists(key=PIN_FACT):
            await KioskFact.create(key=PIN_FACT, value=pin_hash)
        await KioskFact.update_or_create(key=DEMO_FACT, defaults={"value": today.isoformat()})
        await audit(now, "demo.loaded", users=[u["userid"] for u in users], day=today.isoformat())

    await ctx.atomic(work)
    return [str(u["userid"]) for u in users]
