"""The expiry radar: an area's mailboxes expiring in the next N days, and reminders on demand.

The list is read-only (one query on the mailbox's (area, expiry) index, with owners and open
orders). "Send a reminder to the selection" queues the same expiry reminder as the automatic
ones (`kiosk.services.reminders`), through the outbox, in one transaction audited with the
operator; its `dedupe_key` names the box, its expiry and the day, so a second click the same
day (or two operators at once) sends nothing twice.
"""

from __future__ import annotations

from datetime import timedelta

from kiosk.domain import validation
from kiosk.domain.dates import days_left, mailbox_state
from kiosk.domain.model import OPEN_ORDER_STATUSES, OrderStatus
from kiosk.errors import InvalidInput
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.desk_views import Radar, RadarRow, ReminderSend
from kiosk.services.outbox import DEDUPE
from kiosk.services.reminders import queue_expiry_reminder
from kiosk.services.staff import require_staff
from kiosk.services.tx import audit, guarded
from kiosk.services.views import open_order
from kiosk.store.models import Area, Mailbox, Order

DAYS_MAX = 365
RADAR_LIMIT = 2000  # rows shown at most (an area's month is far below it)
SELECTION_MAX = 500  # reminders queued by one click
SORTS = {
    "expiry": ("expiry_date", "address"),
    "name": ("owner__nominativo", "expiry_date", "address"),
    "userid": ("owner__userid", "expiry_date", "address"),
}


def radar_key(mailbox_id: int, expiry: str, today: str) -> str:
    return f"radar:{mailbox_id}:{expiry}:{today}"


class RadarService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def scan(self, operator: str, area: str, days: int, sort: str = "expiry") -> Radar:
        """The area's boxes expiring from today to `days` days from now (1..365), sorted by
        expiry, name (the owner's) or userid."""
        await require_staff(operator)
        if not 1 <= days <= DAYS_MAX:
            raise InvalidInput(
                "days", _("Indicare un numero di giorni da 1 a {max}.").format(max=DAYS_MAX)
            )
        if sort not in SORTS:
            raise InvalidInput(
                "sort",
                _("Ordinamento non valido: {value} (expiry, name, userid).").format(value=sort),
            )
        area = area.strip()
        if not area or not await Area.exists(code=area):
            raise InvalidInput("area", _("Area sconosciuta: {area}.").format(area=area or "-"))
        today = self.ctx.clock.today()
        boxes = (
            await Mailbox.filter(
                area_id=area,
                expiry_date__gte=today,
                expiry_date__lte=today + timedelta(days=days),
            )
            .order_by(*SORTS[sort])
            .limit(RADAR_LIMIT + 1)
            .prefetch_related("owner")
        )
        truncated = len(boxes) > RADAR_LIMIT
        boxes = boxes[:RADAR_LIMIT]
        orders = {
            o.mailbox_id: o
            for o in await Order.filter(
                mailbox_id__in=[b.id for b in boxes], status__in=OPEN_ORDER_STATUSES
            )
        }
        rows = tuple(
            RadarRow(
                pec=b.address,
                userid=b.owner.userid,
                nominativo=b.owner.nominativo,
                email_known=bool(b.owner.email),
                expiry=b.expiry_date,
                state=mailbox_state(b.expiry_date, today),
                days_left=days_left(b.expiry_date, today),
                open_order=open_order(orders.get(b.id)),
            )
            for b in boxes
        )
        return Radar(area, days, sort, today, rows, truncated)

    @guarded
    async def send_reminders(self, operator: str, pecs: list[str]) -> ReminderSend:
        """Queue one expiry reminder per selected box (not expired, not already paid for),
        at most once per box and day; one transaction, audited with the operator."""
        me, _role = await require_staff(operator)
        if not pecs:
            raise InvalidInput("selection", _("Selezionare almeno una casella."))
        if len(pecs) > SELECTION_MAX:
            raise InvalidInput(
                "selection",
                _("Al massimo {n} caselle per invio.").format(n=SELECTION_MAX),
            )
        addresses = list(dict.fromkeys(validation.pec_address(p) for p in pecs))
        today = self.ctx.clock.today()
        boxes = {
            b.address: b
            for b in await Mailbox.filter(address__in=addresses).prefetch_related("owner")
        }
        paid = {
            int(str(box_id))
            for box_id in await Order.filter(
                mailbox_id__in=[b.id for b in boxes.values()], status=OrderStatus.PAID
            ).values_list("mailbox_id", flat=True)
        }
        wanted = [
            boxes[a]
            for a in addresses
            if a in boxes and boxes[a].expiry_date >= today and boxes[a].id not in paid
        ]
        skipped = tuple(a for a in addresses if a not in {b.address for b in wanted})
        now = self.ctx.now()

        async def work() -> tuple[list[str], list[str]]:
            queued, already = [], []
            for box in wanted:
                key = radar_key(box.id, box.expiry_date.isoformat(), today.isoformat())
                left = days_left(box.expiry_date, today)
                if await queue_expiry_reminder(self.ctx, box, days=left, dedupe_key=key):
                    queued.append(box.address)
                else:
                    already.append(box.address)
            if queued:
                await audit(
                    now,
                    "radar.reminders",
                    actor=me,
                    subject=f"{len(queued)}",
                    queued=queued,
                    already=already,
                    skipped=list(skipped),
                )
            return queued, already

        queued, already = await self.ctx.atomic(work, retry_on=[DEDUPE])
        return ReminderSend(tuple(queued), tuple(already), skipped)
