"""A subscriber's account: mailboxes with state and renewability, prepaid balance, callbacks."""

from __future__ import annotations

import re

from kiosk.domain import validation
from kiosk.domain.dates import WindowStatus, renewal_window
from kiosk.domain.model import OPEN_ORDER_STATUSES, Role
from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _, money
from kiosk.services.context import ServiceContext
from kiosk.services.dto import AccountView, CallbackView, SessionUser
from kiosk.services.outbox import queue_mail
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
    async def staff_member(self, userid: str) -> SessionUser | None:
        """The enabled operator or administrator with this userid, or None (not one, unknown,
        or disabled by the administration)."""
        user = await Subscriber.get_or_none(userid=validation.userid_ref(userid))
        if user is None or Role(user.role) not in (Role.OPERATOR, Role.ADMIN):
            return None
        if user.disabled_at is not None:
            return None
        return SessionUser(user.userid, user.nominativo, Role(user.role), user.area_id)

    @guarded
    async def has_staff(self) -> bool:
        """Whether any operator or administrator exists (a new database has none)."""
        return await Subscriber.filter(role__in=(Role.OPERATOR, Role.ADMIN)).exists()

    @guarded
    async def all_accounts(self) -> list[AccountView]:
        """Every account, by userid (the back-office overview)."""
        userids = await Subscriber.all().order_by("userid").values_list("userid", flat=True)
        return [await self.overview(str(u)) for u in userids]

    @guarded
    async def top_up(
        self, userid: str, amount_cents: int, *, actor: str, reference: str, note: str = ""
    ) -> int:
        """Credit a lawyer's prepaid account with a payment received (its `reference`: CRO,
        receipt number...); returns the new balance. At most `max_topup_cents` at a time."""
        ceiling = self.ctx.settings.max_topup_cents
        if amount_cents <= 0:
            raise InvalidInput("amount", _("L'importo della ricarica deve essere positivo."))
        if amount_cents > ceiling:
            raise InvalidInput(
                "amount",
                _("Una ricarica può essere al massimo di {max}.").format(max=money(ceiling)),
            )
        reference = validation.free_text(reference, "reference", validation.REFERENCE_MAX)
        note = validation.free_text(note, "note", validation.DESCRIPTION_MAX)
        if not reference:
            raise InvalidInput(
                "reference",
                _("Indicare il riferimento del pagamento ricevuto (CRO, ricevuta...)."),
            )
        user = await self._subscriber(userid)
        description = note or _("Ricarica conto prepagato ({reference})").format(
            reference=reference
        )
        return await self._ledger_entry(
            user, amount_cents, "topup", description, actor=actor, reference=reference
        )

    @guarded
    async def adjust(self, userid: str, amount_cents: int, *, actor: str, reason: str) -> int:
        """Correct the balance with an entry of its own (a mistaken top-up is reversed with a
        negative one): history is never edited. Never below zero."""
        if amount_cents == 0:
            raise InvalidInput("amount", _("L'importo della rettifica non può essere zero."))
        if abs(amount_cents) > self.ctx.settings.max_topup_cents:
            raise InvalidInput(
                "amount",
                _("Una rettifica può essere al massimo di {max}.").format(
                    max=money(self.ctx.settings.max_topup_cents)
                ),
            )
        reason = validation.free_text(reason, "reason", validation.DESCRIPTION_MAX)
        if not reason:
            raise InvalidInput("reason", _("Indicare il motivo della rettifica."))
        user = await self._subscriber(userid)
        return await self._ledger_entry(user, amount_cents, "adjustment", reason, actor=actor)

    async def _subscriber(self, userid: str) -> Subscriber:
        user = await Subscriber.get_or_none(userid=validation.userid_ref(userid))
        if user is None:
            raise Refusal(
                Reason.UNKNOWN_USER, _("Nessun utente con userid {userid}.").format(userid=userid)
            )
        if Role(user.role) is not Role.SUBSCRIBER:
            raise Refusal(
                Reason.NOT_SUBSCRIBER,
                _("{userid} non è un iscritto: il conto prepagato è dei soli avvocati.").format(
                    userid=user.userid
                ),
            )
        return user

    async def _ledger_entry(
        self,
        user: Subscriber,
        amount_cents: int,
        kind: str,
        description: str,
        *,
        actor: str,
        reference: str | None = None,
    ) -> int:
        """One entry and the balance it moves, in one transaction (never below zero)."""
        now = self.ctx.now()

        async def work() -> int:
            from tortoise.expressions import F

            account, _created = await PrepaidAccount.get_or_create(subscriber_id=user.id)
            moved = await PrepaidAccount.filter(
                id=account.id, balance_cents__gte=max(0, -amount_cents)
            ).update(balance_cents=F("balance_cents") + amount_cents)
            if not moved:
                raise Refusal(
                    Reason.INSUFFICIENT_BALANCE,
                    _("Il credito ({balance}) non basta per togliere {amount}.").format(
                        balance=money(account.balance_cents), amount=money(-amount_cents)
                    ),
                )
            await PrepaidEntry.create(
                account=account,
                amount_cents=amount_cents,
                kind=kind,
                description=description[:200],
                created_at=now,
                reference=reference,
                recorded_by=actor,
            )
            await account.refresh_from_db()
            await audit(
                now,
                f"prepaid.{kind}",
                actor=actor,
                subject=user.userid,
                amount_cents=amount_cents,
                balance_cents=account.balance_cents,
                reference=reference,
                description=description,
            )
            return account.balance_cents

        return await self.ctx.atomic(work)

    @guarded
    async def request_callback(
        self,
        pec: str,
        *,
        phone: str = "",
        note: str = "",
        userid: str | None = None,
        actor: str | None = None,
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
        note = validation.free_text(note, "note", validation.NOTE_MAX)

        async def work() -> CallbackRequest:
            existing = await CallbackRequest.filter(
                pec_address=address, status__in=("open", "taken")
            ).first()
            if existing is not None:
                return existing
            request = await CallbackRequest.create(
                subscriber=box.owner, pec_address=address, phone=phone, note=note, created_at=now
            )
            await queue_mail(
                self.ctx,
                kind="callback",
                to=box.owner.email,
                template="callback_ack",
                params={"callback_id": request.id, "lang": box.owner.lang},
            )
            await audit(
                now,
                "callback.requested",
                actor=actor or userid or box.owner.userid,
                subject=address,
            )
            return request

        request = await self.ctx.atomic(work)
        return CallbackView(
            request.id, address, box.owner.userid, request.phone, request.created_at, request.status
        )
