"""The callback queue of the help desk: list, take, note, close.

Two kinds of entries, one queue:
- requests left at the kiosk or at the desk (`callback_request` rows, `origin_key` NULL);
- mailboxes whose online window closed in the last `WINDOW_LOOKBACK_DAYS` days (cessata) and
  that nobody has asked about: a *view*, computed when the queue is listed, not rows. Such an
  entry becomes a request row the moment someone acts on it (take, note, close), with
  `origin_key = window:<mailbox id>:<expiry>`: unique, so two operators acting on the same box
  at once make one row, and a closed one does not come back for the same expiry (a box renewed
  through Supporto Vendite has a new expiry). Nothing is written just by looking.

Taking is a conditional UPDATE (`status = open`), so of two operators taking the same request
exactly one wins; the other is told who has it. An administrator may take over a request taken
by someone else (audited as a reassignment). Every change is one transaction with its audit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from tortoise.expressions import Q

from kiosk.domain import validation
from kiosk.domain.dates import CLOSES_AFTER, WindowStatus, renewal_window
from kiosk.domain.model import Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.desk_views import (
    CallbackEntry,
    CallbackNoteView,
    CallbackOrigin,
    CallbackQueue,
    CallbackStatus,
)
from kiosk.services.staff import require_staff
from kiosk.services.tx import Retry, audit, guarded
from kiosk.store.models import CallbackNote, CallbackRequest, Mailbox

WINDOW_LOOKBACK_DAYS = 90  # boxes whose window closed in these last days join the queue
LIST_LIMIT = 200
ORIGIN_RACE = "callback_request.origin_key"
ACTIVE = (CallbackStatus.OPEN.value, CallbackStatus.TAKEN.value)
FILTERS = ("active", "open", "taken", "closed", "all")


def window_key(box: Mailbox) -> str:
    return f"window:{box.id}:{box.expiry_date.isoformat()}"


def _status(value: str) -> CallbackStatus:
    return CallbackStatus.CLOSED if value in ("closed", "done") else CallbackStatus(value)


class CallbackService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # --- reading ------------------------------------------------------------------------------

    @guarded
    async def queue(
        self,
        operator: str,
        *,
        status: str = "open",
        mine: bool = False,
        text: str = "",
        limit: int = LIST_LIMIT,
    ) -> CallbackQueue:
        """The queue: `status` open (with the boxes past the window), taken, active (open and
        taken), closed or all;
        `mine`: only the operator's own; `text`: part of the address or of the userid."""
        me, _role = await require_staff(operator)
        if status not in FILTERS:
            raise InvalidInput(
                "status",
                _("Stato non valido: {value} (active, open, taken, closed, all).").format(
                    value=status
                ),
            )
        if not 1 <= limit <= 1000:
            raise InvalidInput("limit", _("Il numero di righe va da 1 a 1000."))
        text = validation.free_text(text, "text", validation.EMAIL_MAX).lower()
        rows = CallbackRequest.all()
        if status == "open":
            rows = rows.filter(status="open")
        elif status == "taken":
            rows = rows.filter(status="taken")
        elif status == "active":
            rows = rows.filter(status__in=ACTIVE)
        elif status == "closed":
            rows = rows.filter(status__in=("closed", "done"))
        if mine:
            rows = rows.filter(taken_by=me)
        if text:
            rows = rows.filter(
                Q(pec_address__icontains=text) | Q(subscriber__userid__icontains=text)
            )
        ordering = "-handled_at" if status == "closed" else "created_at"
        found = await rows.order_by(ordering, "id").limit(limit + 1).prefetch_related("subscriber")
        truncated = len(found) > limit
        found = found[:limit]
        expiries = await self._expiries([r.pec_address for r in found])
        entries = [self._entry(r, expiries.get(r.pec_address)) for r in found]
        if status in ("active", "open", "all") and not mine:
            room = limit - len(entries)
            window, more = await self._window_entries(text, room)
            entries += window
            truncated = truncated or more
        return CallbackQueue(tuple(entries), truncated)

    @guarded
    async def entry(self, operator: str, key: str) -> CallbackEntry:
        """One entry with its notes, by request number or by address."""
        await require_staff(operator)
        request, box = await self._locate(key)
        if request is None:
            assert box is not None
            return self._window_entry(box)
        return await self._full(request)

    async def _expiries(self, addresses: list[str]) -> dict[str, date]:
        if not addresses:
            return {}
        pairs = await Mailbox.filter(address__in=addresses).values_list("address", "expiry_date")
        return {str(a): e for a, e in pairs}

    def _entry(
        self,
        row: CallbackRequest,
        expiry: date | None,
        notes: tuple[CallbackNoteView, ...] = (),
    ) -> CallbackEntry:
        sub = row.subscriber
        return CallbackEntry(
            key=str(row.id),
            id=row.id,
            origin=CallbackOrigin.WINDOW if row.origin_key else CallbackOrigin.REQUEST,
            status=_status(row.status),
            pec=row.pec_address,
            userid=sub.userid if sub else None,
            nominativo=sub.nominativo if sub else "",
            phone=row.phone,
            expiry=expiry,
            created_at=row.created_at,
            taken_by=row.taken_by,
            taken_at=row.taken_at,
            closed_by=row.handled_by,
            closed_at=row.handled_at,
            outcome=row.outcome,
            note=row.note,
            notes=notes,
        )

    def _window_entry(self, box: Mailbox) -> CallbackEntry:
        return CallbackEntry(
            key=box.address,
            id=None,
            origin=CallbackOrigin.WINDOW,
            status=CallbackStatus.OPEN,
            pec=box.address,
            userid=box.owner.userid,
            nominativo=box.owner.nominativo,
            phone="",
            expiry=box.expiry_date,
            created_at=None,
        )

    async def _full(self, row: CallbackRequest) -> CallbackEntry:
        await row.fetch_related("subscriber")
        notes = await CallbackNote.filter(request_id=row.id).order_by("at", "id")
        expiry = (await self._expiries([row.pec_address])).get(row.pec_address)
        return self._entry(
            row, expiry, tuple(CallbackNoteView(n.at, n.author, n.text) for n in notes)
        )

    def _window_range(self) -> tuple[date, date]:
        """The expiries whose window closed in the last WINDOW_LOOKBACK_DAYS (a little wider:
        the exact test is `renewal_window`)."""
        today = self.ctx.clock.today()
        return (
            today - timedelta(days=WINDOW_LOOKBACK_DAYS) - CLOSES_AFTER - timedelta(days=1),
            today - CLOSES_AFTER,
        )

    def _past_window(self, expiry: date, *, recent: bool) -> bool:
        today = self.ctx.clock.today()
        window = renewal_window(expiry)
        if window.status(today) is not WindowStatus.TOO_LATE:
            return False
        return not recent or window.closes_on >= today - timedelta(days=WINDOW_LOOKBACK_DAYS)

    async def _window_entries(self, text: str, room: int) -> tuple[list[CallbackEntry], bool]:
        """The boxes past the window that no request covers (see the module doc)."""
        low, high = self._window_range()
        boxes = Mailbox.filter(expiry_date__gte=low, expiry_date__lte=high)
        if text:
            boxes = boxes.filter(Q(address__icontains=text) | Q(owner__userid__icontains=text))
        found = [
            b
            for b in await boxes.order_by("expiry_date", "address").prefetch_related("owner")
            if self._past_window(b.expiry_date, recent=True)
        ]
        if not found:
            return [], False
        keys = {window_key(b) for b in found}
        covered = {
            str(k)
            for k in await CallbackRequest.filter(origin_key__in=list(keys)).values_list(
                "origin_key", flat=True
            )
        }
        asked = {
            str(a)
            for a in await CallbackRequest.filter(
                pec_address__in=[b.address for b in found], status__in=ACTIVE
            ).values_list("pec_address", flat=True)
        }
        left = [b for b in found if window_key(b) not in covered and b.address not in asked]
        return [self._window_entry(b) for b in left[: max(room, 0)]], len(left) > max(room, 0)

    async def _locate(self, key: str) -> tuple[CallbackRequest | None, Mailbox | None]:
        """The request a key names, or (no request yet) the box past the window it names."""
        key = key.strip()
        if key.isdigit() and len(key) <= 12:
            request = await CallbackRequest.get_or_none(id=int(key))
            if request is None:
                raise Refusal(
                    Reason.UNKNOWN_CALLBACK,
                    _("Nessuna richiesta di ricontatto numero {key}.").format(key=key),
                )
            return request, None
        if "@" not in key:
            raise InvalidInput(
                "key", _("Indicare il numero della richiesta o l'indirizzo della casella PEC.")
            )
        address = validation.pec_address(key)
        request = (
            await CallbackRequest.filter(pec_address=address, status__in=ACTIVE)
            .order_by("-id")
            .first()
        )
        if request is not None:
            return request, None
        box = await Mailbox.get_or_none(address=address).prefetch_related("owner")
        if box is None:
            raise Refusal(
                Reason.UNKNOWN_MAILBOX,
                _("Nessuna casella PEC {pec} risulta registrata.").format(pec=address),
            )
        made = await CallbackRequest.get_or_none(origin_key=window_key(box))
        if made is not None:  # the queue's own request for this expiry, closed meanwhile
            return made, None
        if not self._past_window(box.expiry_date, recent=False):
            raise Refusal(
                Reason.RENEWABLE, _("La casella {pec} si può rinnovare online.").format(pec=address)
            )
        return None, box

    async def _request(self, key: str, me: str, now: datetime) -> CallbackRequest:
        """The request a key names; for a box past the window, the queue's request made now
        (inside the caller's transaction, which lists `ORIGIN_RACE` in its `retry_on`)."""
        request, box = await self._locate(key)
        if request is not None:
            return request
        assert box is not None
        request = await CallbackRequest.create(
            subscriber=box.owner,
            pec_address=box.address,
            created_at=now,
            origin_key=window_key(box),
            status=CallbackStatus.OPEN.value,
        )
        await audit(now, "callback.opened", actor=me, subject=box.address, callback=request.id)
        return request

    # --- changing -----------------------------------------------------------------------------

    @guarded
    async def take(self, operator: str, key: str) -> CallbackEntry:
        """Assign the entry to the operator. Taken by someone else: refused, unless the operator
        is an administrator (then reassigned). Taking one's own again changes nothing."""
        me, role = await require_staff(operator)
        now = self.ctx.now()

        async def work() -> CallbackRequest:
            request = await self._request(key, me, now)
            status = _status(request.status)
            if status is CallbackStatus.CLOSED:
                raise self._closed(request)
            if status is CallbackStatus.TAKEN:
                if request.taken_by == me:
                    return request
                if role is not Role.ADMIN:
                    raise Refusal(
                        Reason.CALLBACK_TAKEN,
                        _("La richiesta {id} è già stata presa da {operator}.").format(
                            id=request.id, operator=request.taken_by
                        ),
                        taken_by=request.taken_by,
                    )
                moved = await CallbackRequest.filter(
                    id=request.id, status="taken", taken_by=request.taken_by
                ).update(taken_by=me, taken_at=now)
                if not moved:
                    raise Retry
                await audit(
                    now,
                    "callback.reassigned",
                    actor=me,
                    subject=request.pec_address,
                    callback=request.id,
                    previous=request.taken_by,
                )
            else:
                moved = await CallbackRequest.filter(id=request.id, status="open").update(
                    status="taken", taken_by=me, taken_at=now
                )
                if not moved:
                    raise Retry  # taken (or closed) a moment ago: look again, and say so
                await audit(
                    now,
                    "callback.taken",
                    actor=me,
                    subject=request.pec_address,
                    callback=request.id,
                )
            await request.refresh_from_db()
            return request

        request = await self.ctx.atomic(work, retry_on=[ORIGIN_RACE])
        return await self._full(request)

    @guarded
    async def add_note(self, operator: str, key: str, text: str) -> CallbackEntry:
        """Append a note (who and when are recorded with it); notes are never edited."""
        me, _role = await require_staff(operator)
        text = validation.free_text(text, "note", validation.NOTE_MAX)
        if not text:
            raise InvalidInput("note", _("Scrivere il testo della nota."))
        now = self.ctx.now()

        async def work() -> CallbackRequest:
            request = await self._request(key, me, now)
            await CallbackNote.create(request_id=request.id, at=now, author=me, text=text)
            await audit(
                now, "callback.noted", actor=me, subject=request.pec_address, callback=request.id
            )
            return request

        request = await self.ctx.atomic(work, retry_on=[ORIGIN_RACE])
        return await self._full(request)

    @guarded
    async def close(self, operator: str, key: str, outcome: str) -> CallbackEntry:
        """Close the entry with its outcome. One taken by another operator may be closed only by
        them or by an administrator; an open one is closed by whoever handles it."""
        me, role = await require_staff(operator)
        outcome = validation.free_text(outcome, "outcome", validation.NOTE_MAX)
        if not outcome:
            raise InvalidInput("outcome", _("Indicare l'esito del ricontatto."))
        now = self.ctx.now()

        async def work() -> CallbackRequest:
            request = await self._request(key, me, now)
            status = _status(request.status)
            if status is CallbackStatus.CLOSED:
                raise self._closed(request)
            if status is CallbackStatus.TAKEN and request.taken_by != me and role is not Role.ADMIN:
                raise Refusal(
                    Reason.CALLBACK_TAKEN,
                    _(
                        "La richiesta {id} è stata presa da {operator}: può chiuderla solo chi "
                        "l'ha presa, o l'amministrazione."
                    ).format(id=request.id, operator=request.taken_by),
                    taken_by=request.taken_by,
                )
            moved = await CallbackRequest.filter(
                id=request.id, status=request.status, taken_by=request.taken_by
            ).update(status="closed", handled_at=now, handled_by=me, outcome=outcome)
            if not moved:
                raise Retry
            await audit(
                now,
                "callback.closed",
                actor=me,
                subject=request.pec_address,
                callback=request.id,
                outcome=outcome,
            )
            await request.refresh_from_db()
            return request

        request = await self.ctx.atomic(work, retry_on=[ORIGIN_RACE])
        return await self._full(request)

    @staticmethod
    def _closed(request: CallbackRequest) -> Refusal:
        return Refusal(
            Reason.CALLBACK_CLOSED,
            _("La richiesta {id} è già chiusa ({by}).").format(
                id=request.id, by=request.handled_by or "-"
            ),
        )
