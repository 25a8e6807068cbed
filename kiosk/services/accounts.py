"""A subscriber's account: mailboxes with state and renewability, prepaid balance, callbacks."""

from __future__ import annotations

import re

from kiosk.domain import validation
from kiosk.domain.dates import WindowStatus, renewal_window
from kiosk.domain.model import OPEN_ORDER_STATUSES, Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.dto import AccountView, CallbackView
from kiosk.services.tx import audit, guarded
from kiosk.services.views import mailbox_view
from kiosk.store.models import (
    CallbackRequest,
    Mailbox,
    Order,
    PrepaidAccount,
    PrepaidEntry,
    Subscriber,
)

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ./-]{5,20}$")


class AccountService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def overview(self, userid: str) -> AccountView:
        user = await Subscriber.get_or_none(userid=validation.userid_ref(userid))
        if user is None:
            raise Refusal(
                Reason.UNKNOWN_USER, _("Nessun utente con userid {userid}.").format(userid=userid)
            )
        boxes = await Mailbox.filter(owner_id=user.id).order_by("expiry_date", "address")
        open_orders = await Order.filter(
            mailbox_id__in=[b.id for b in boxes], status__in=OPEN_ORDER_STATUSES
        )
        by_box = {o.mailbox_id: o for o in open_orders}
        account = await PrepaidAccount.get_or_none(subscriber_id=user.id)
        today = self.ctx.clock.today()
        return AccountView(
            userid=user.userid,
            nominativo=user.nominativo,
            email=user.email,
            role=Role(user.role),
            area_code=user.area_id,
            balance_cents=account.balance_cents if account else 0,
            mailboxes=tuple(mailbox_view(b, today, by_box.get(b.id)) for b in boxes),
        )

    @guarded
    async def all_accounts(self) -> list[AccountView]:
        """Every account, by userid (the back-office overview)."""
        userids = await Subscriber.all().order_by("userid").values_list("userid", flat=True)
        return [await self.overview(str(u)) for u in userids]

    @guarded
    async def top_up(self, userid: str, amount_cents: int, *, actor: str, note: str = "") -> int:
        """Credit the prepaid account (administration); returns the new balance."""
        if amount_cents <= 0:
            raise InvalidInput("amount", _("L'importo della ricarica deve essere positivo."))
        user = await Subscriber.get_or_none(userid=validation.userid_ref(userid))
        if user is None:
            raise Refusal(
                Reason.UNKNOWN_USER, _("Nessun utente con userid {userid}.").format(userid=userid)
            )
        now = self.ctx.now()

        async def work() -> int:
            from tortoise.expressions import F

            account, _created = await PrepaidAccount.get_or_create(subscriber_id=user.id)
            await PrepaidAccount.filter(id=account.id).update(
                balance_cents=F("balance_cents") + amount_cents
            )
            await PrepaidEntry.create(
                account=account,
                amount_cents=amount_cents,
                kind="topup",
                description=note or _("Ricarica conto prepagato"),
                created_at=now,
            )
            await account.refresh_from_db()
            await audit(
                now,
                "prepaid.topup",
                actor=actor,
                subject=user.userid,
                amount_cents=amount_cents,
                balance_cents=account.balance_cents,
            )
            return account.balance_cents

        return await self.ctx.atomic(work)

    @guarded
    async def request_callback(
        self, pec: str, *, phone: str = "", note: str = "", userid: str | None = None
    ) -> CallbackView:
        """Leave a request for Supporto Vendite to call back about a box past the window."""
        address = validation.pec_address(pec)
        phone = phone.strip()
        if phone and not PHONE_RE.match(phone):
            raise InvalidInput("phone", _("Numero di telefono non valido."))
        box = await Mailbox.get_or_none(address=address).prefetch_related("owner")
        if box is None:
            raise Refusal(
                Reason.UNKNOWN_MAILBOX,
                _("Nessuna casella PEC {pec} risulta registrata.").format(pec=address),
            )
        if userid is not None and box.owner.userid != validation.userid_ref(userid):
            raise Refusal(
                Reason.NOT_OWNER,
                _("La casella {pec} non è associata allo userid {userid}.").format(
                    pec=address, userid=userid
                ),
            )
        if (
            renewal_window(box.expiry_date).status(self.ctx.clock.today())
            is not WindowStatus.TOO_LATE
        ):
            raise Refusal(
                Reason.RENEWABLE, _("La casella {pec} si può rinnovare online.").format(pec=address)
            )
        now = self.ctx.now()
        note = " ".join(note.split())[:500]

        async def work() -> CallbackRequest:
            existing = await CallbackRequest.filter(pec_address=address, status="open").first()
            if existing is not None:
                return existing
            request = await CallbackRequest.create(
                subscriber=box.owner, pec_address=address, phone=phone, note=note, created_at=now
            )
            await audit(
                now, "callback.requested", actor=userid or box.owner.userid, subject=address
            )
            return request

        request = await self.ctx.atomic(work)
        return CallbackView(
            request.id, address, box.owner.userid, request.phone, request.created_at, request.status
        )
