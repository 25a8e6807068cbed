"""Expiry reminders: 90, 30 and 7 days before a mailbox expires, each at most once per mailbox
and expiry.

`queue_due` looks at the clock and queues what is due and not yet queued. Every reminder has a
unique `dedupe_key` (mailbox, expiry, threshold), so runs in several processes at once, or again
after a crash, queue nothing twice. After downtime only the latest due threshold is queued (a
mailbox 25 days from expiry gets the 30-day reminder, not the 90-day one as well); a mailbox
renewed meanwhile has a new expiry, and its reminders start again. Boxes already paid for (the
renewal is on its way) are skipped.
"""

from __future__ import annotations

from datetime import date, timedelta

from kiosk.domain.model import OrderStatus
from kiosk.services.context import ServiceContext
from kiosk.services.dto import ReminderRun
from kiosk.services.outbox import DEDUPE, queue_mail
from kiosk.services.tx import guarded
from kiosk.store.models import Mailbox, Order, OutboxEmail

THRESHOLDS = (7, 30, 90)  # days before expiry, smallest first


def due_threshold(expiry: date, today: date) -> int | None:
    """The reminder due today for a box expiring on `expiry`: the smallest threshold not below
    the days left (None when expired or more than 90 days away)."""
    left = (expiry - today).days
    if left < 0:
        return None
    return next((t for t in THRESHOLDS if left <= t), None)


def reminder_key(mailbox_id: int, expiry: date, threshold: int) -> str:
    return f"expiry:{mailbox_id}:{expiry.isoformat()}:{threshold}"


async def queue_expiry_reminder(
    ctx: ServiceContext, box: Mailbox, *, days: int, dedupe_key: str
) -> bool:
    """Queue the expiry reminder of `box` (its owner loaded), at most once per `dedupe_key`
    (inside the caller's transaction, which lists `DEDUPE` in its `retry_on`); False when
    that key was already queued. `days`: the days left when queued (the text says the days
    left when it is sent)."""
    row = await queue_mail(
        ctx,
        kind="reminder",
        to=box.owner.email,
        template="expiry_reminder",
        params={
            "mailbox_id": box.id,
            "expiry": box.expiry_date.isoformat(),
            "days": days,
            "lang": box.owner.lang,
        },
        dedupe_key=dedupe_key,
    )
    return row is not None


class ReminderService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def queue_due(self) -> ReminderRun:
        today = self.ctx.clock.today()
        boxes = await Mailbox.filter(
            expiry_date__gte=today, expiry_date__lte=today + timedelta(days=max(THRESHOLDS))
        ).prefetch_related("owner")
        wanted = {}
        for box in boxes:
            threshold = due_threshold(box.expiry_date, today)
            if threshold is not None:
                wanted[reminder_key(box.id, box.expiry_date, threshold)] = (box, threshold)
        already = {
            str(key)
            for key in await OutboxEmail.filter(dedupe_key__in=list(wanted)).values_list(
                "dedupe_key", flat=True
            )
        }
        paid = {
            str(box_id)
            for box_id in await Order.filter(
                mailbox_id__in=[box.id for box, _t in wanted.values()], status=OrderStatus.PAID
            ).values_list("mailbox_id", flat=True)
        }
        queued = []
        for key, (box, threshold) in wanted.items():
            if key in already or str(box.id) in paid:
                continue

            async def work(key: str = key, box: Mailbox = box, threshold: int = threshold) -> bool:
                return await queue_expiry_reminder(self.ctx, box, days=threshold, dedupe_key=key)

            if await self.ctx.atomic(work, retry_on=[DEDUPE]):
                queued.append(box.address)
        return ReminderRun(tuple(queued), len(already))
