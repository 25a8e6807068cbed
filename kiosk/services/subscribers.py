"""The help desk's subscriber page and its actions (issue 10, operators and administrators).

Every call names the acting operator and is refused unless that userid is an operator or an
administrator (`Reason.NOT_OPERATOR`); the page is about a subscriber (role subscriber: staff
accounts are managed elsewhere). Each action is one transaction with an audit record whose actor
is the operator, and reuses the service that owns the rule:

- unlock the login: `AuthService.unlock` (audit `login.unlocked`, subject the userid);
- send a recovery code: `AuthService.send_recovery` (to the e-mail on record, never shown;
  audit `recovery.sent`);
- e-mail the payment reminder or the invoice: `OutboxService.email_document` (audit
  `mail.document`, subject the order); print it: `DocumentService.print_document`, then audit
  `document.printed` (subject the userid);
- cancel an order: `RenewalService.cancel` (audit `order.cancelled`, subject the order);
  re-issue it: `RenewalService.place_order(replacing=...)` — the old order cancelled and a new
  one placed for the same mailbox and method in one transaction (an assisted order stays
  assisted, with the acting operator);
- link a mailbox (`mailbox.linked`, subject the userid): see `link_mailbox`.

The page's audit trail is every record whose subject is the userid, one of their order codes or
mailbox addresses, or whose actor is the subscriber: the newest `PAGE_LIMIT`.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from kiosk.domain import validation
from kiosk.domain.model import OPEN_ORDER_STATUSES, OrderStatus, PaymentMethod, Role
from kiosk.errors import Reason, Refusal
from kiosk.i18n import _
from kiosk.services.accounts import AccountService
from kiosk.services.auth import AuthService
from kiosk.services.context import ServiceContext
from kiosk.services.documents import DocumentService
from kiosk.services.dto import (
    CallbackView,
    DocumentFile,
    DocumentKind,
    EmailedDocument,
    InvoiceView,
    MailboxView,
    OrderView,
)
from kiosk.services.outbox import OutboxService, mask_email
from kiosk.services.renewal import RenewalService, find_order
from kiosk.services.subscriber_dto import PAGE_LIMIT, AuditLine, LedgerLine, SubscriberPage
from kiosk.services.throttle import key_for
from kiosk.services.tx import Retry, audit, guarded
from kiosk.services.views import invoice_number, mailbox_view, order_view
from kiosk.store import bulk, search_index
from kiosk.store.models import (
    AuditEvent,
    AuthThrottle,
    CallbackRequest,
    Invoice,
    Mailbox,
    Order,
    PrepaidEntry,
    SearchTerm,
    Subscriber,
)

DETAILS_MAX = 120  # characters of an audit record's details on the page


def _summary(details: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v}" for k, v in details.items() if v not in (None, ""))
    return text if len(text) <= DETAILS_MAX else text[: DETAILS_MAX - 1] + "…"


class SubscriberDeskService:
    def __init__(
        self,
        ctx: ServiceContext,
        *,
        accounts: AccountService,
        auth: AuthService,
        renewals: RenewalService,
        documents: DocumentService,
        outbox: OutboxService,
    ) -> None:
        self.ctx = ctx
        self.accounts = accounts
        self.auth = auth
        self.renewals = renewals
        self.documents = documents
        self.outbox = outbox

    # --- who acts, about whom -------------------------------------------------------------

    async def _operator(self, operator: str) -> Subscriber:
        """The acting operator or administrator, or `Refusal(NOT_OPERATOR)`."""
        uid = validation.userid_ref(operator, "operator")
        staff = await Subscriber.get_or_none(userid=uid)
        if staff is None or Role(staff.role) not in (Role.OPERATOR, Role.ADMIN):
            raise Refusal(
                Reason.NOT_OPERATOR,
                _("{userid} non è un operatore dello sportello.").format(userid=uid),
            )
        return staff

    async def _subscriber(self, userid: str) -> Subscriber:
        uid = validation.userid_ref(userid)
        user = await Subscriber.get_or_none(userid=uid)
        if user is None:
            raise Refusal(
                Reason.UNKNOWN_USER, _("Nessun utente con userid {userid}.").format(userid=uid)
            )
        if Role(user.role) is not Role.SUBSCRIBER:
            raise Refusal(
                Reason.NOT_SUBSCRIBER,
                _("{userid} non è un iscritto: la scheda è dei soli avvocati.").format(userid=uid),
            )
        return user

    async def _both(self, userid: str, operator: str) -> tuple[Subscriber, Subscriber]:
        staff = await self._operator(operator)
        return staff, await self._subscriber(userid)

    async def _own_order(self, user: Subscriber, code: str) -> Order:
        order = await find_order(code)
        if order.subscriber_id != user.id:
            raise Refusal(
                Reason.NOT_OWNER,
                _("L'ordine {code} non è di {userid}.").format(code=order.code, userid=user.userid),
            )
        return order

    # --- the page ---------------------------------------------------------------------------

    @guarded
    async def page(self, userid: str, *, operator: str) -> SubscriberPage:
        """Everything about one subscriber (lists bounded: the newest `PAGE_LIMIT`)."""
        _staff, user = await self._both(userid, operator)
        account = await self.accounts.overview(user.userid)
        now = self.ctx.now()
        throttle = await AuthThrottle.get_or_none(key=key_for("login", user.userid))
        held = None
        if throttle is not None:
            times = [t for t in (throttle.locked_until, throttle.next_allowed_at) if t is not None]
            held = max(times) if times and max(times) > now else None

        entries = PrepaidEntry.filter(account__subscriber_id=user.id)
        ledger_rows = await entries.order_by("-created_at", "-id").limit(PAGE_LIMIT)
        codes_by_id = dict(await Order.filter(subscriber_id=user.id).values_list("id", "code"))
        ledger = tuple(
            LedgerLine(
                e.created_at,
                e.amount_cents,
                e.kind,
                e.description,
                codes_by_id.get(e.order_id) if e.order_id is not None else None,
                e.reference,
                e.recorded_by,
            )
            for e in ledger_rows
        )

        order_rows = (
            await Order.filter(subscriber_id=user.id)
            .order_by("-created_at", "-id")
            .limit(PAGE_LIMIT)
        )
        orders = tuple([await order_view(self.ctx, o) for o in order_rows])
        invoices = await self._invoices(user)
        callbacks = tuple(
            CallbackView(c.id, c.pec_address, user.userid, c.phone, c.created_at, c.status)
            for c in await CallbackRequest.filter(subscriber_id=user.id)
            .order_by("-created_at", "-id")
            .limit(PAGE_LIMIT)
        )
        subjects = [user.userid, *codes_by_id.values(), *(b.address for b in account.mailboxes)]
        about = AuditEvent.filter(Q(subject__in=subjects) | Q(actor=user.userid))
        audit_rows = await about.order_by("-at", "-id").limit(PAGE_LIMIT)
        trail = tuple(
            AuditLine(a.at, a.actor, a.action, a.subject, _summary(dict(a.details or {})))
            for a in audit_rows
        )
        linkable: tuple[str, ...] = ()
        if user.codice_fiscale:
            linkable = tuple(
                str(a)
                for a in await Mailbox.filter(
                    owner__codice_fiscale=user.codice_fiscale, owner__role=Role.SUBSCRIBER
                )
                .exclude(owner_id=user.id)
                .order_by("address")
                .limit(PAGE_LIMIT)
                .values_list("address", flat=True)
            )
        return SubscriberPage(
            account=account,
            codice_fiscale=user.codice_fiscale,
            cf_proven=user.cf_proven,
            created_at=user.created_at,
            has_password=user.password_hash is not None,
            login_held_until=held,
            ledger=ledger,
            orders=orders,
            invoices=invoices,
            callbacks=callbacks,
            audit=trail,
            linkable=linkable,
            ledger_total=await entries.count(),
            orders_total=len(codes_by_id),
            audit_total=await about.count(),
        )

    async def _invoices(self, user: Subscriber) -> tuple[InvoiceView, ...]:
        from kiosk.documents import fatturapa

        seller = self.documents.seller
        rows = (
            await Invoice.filter(order__subscriber_id=user.id)
            .order_by("-year", "-number")
            .limit(PAGE_LIMIT)
            .prefetch_related("order__mailbox")
        )
        return tuple(
            InvoiceView(
                number=invoice_number(i),
                issued_at=i.issued_at,
                order_code=i.order.code,
                customer_name=i.customer_name,
                customer_cf=i.customer_cf,
                customer_email=i.customer_email,
                pec=i.order.mailbox.address,
                method=PaymentMethod(i.order.method),
                net_cents=i.net_cents,
                vat_cents=i.vat_cents,
                total_cents=i.total_cents,
                xml_name=fatturapa.file_name(seller, i.year, i.number),
            )
            for i in rows
        )

    # --- the actions ------------------------------------------------------------------------

    @guarded
    async def link_mailbox(self, userid: str, pec: str, *, operator: str) -> MailboxView:
        """Tie a registered mailbox to this subscriber's account.

        The rules (a mailbox always has a holder): the mailbox must exist (they come from the
        provider's import); it must not be this account's already; its holder must be the same
        person — the same codice fiscale (e.g. the provider's record and the lawyer's own
        registration), which the operator checks against an identity document at the desk —
        otherwise it belongs to someone else and is refused; and it must have no order under
        way (its invoice would name the other account)."""
        staff, user = await self._both(userid, operator)
        address = validation.pec_address(pec)
        now = self.ctx.now()

        async def work() -> MailboxView:
            box = await Mailbox.get_or_none(address=address).prefetch_related("owner")
            if box is None:
                raise Refusal(
                    Reason.UNKNOWN_MAILBOX,
                    _("Nessuna casella PEC {pec} risulta registrata.").format(pec=address),
                )
            holder = box.owner
            if holder.id == user.id:
                raise Refusal(
                    Reason.ALREADY_LINKED,
                    _("La casella {pec} è già collegata a {userid}.").format(
                        pec=address, userid=user.userid
                    ),
                )
            if (
                not user.codice_fiscale
                or holder.codice_fiscale != user.codice_fiscale
                or Role(holder.role) is not Role.SUBSCRIBER
            ):
                raise Refusal(
                    Reason.OWNED_ELSEWHERE,
                    _(
                        "La casella {pec} è intestata a un altro iscritto ({holder}, con un altro "
                        "codice fiscale): non si può collegare a {userid}."
                    ).format(pec=address, holder=holder.userid, userid=user.userid),
                )
            pending = await Order.filter(mailbox_id=box.id, status__in=OPEN_ORDER_STATUSES).first()
            if pending is not None:
                raise Refusal(
                    Reason.PENDING,
                    _(
                        "La casella {pec} ha un ordine in corso ({code}): collegarla dopo il "
                        "rinnovo, o dopo aver annullato l'ordine."
                    ).format(pec=address, code=pending.code),
                )
            if not await Mailbox.filter(id=box.id, owner_id=holder.id).update(owner_id=user.id):
                raise Retry  # moved by someone else meanwhile: read again
            # the address is found under its new holder, no longer under the old one
            await search_index.reindex(bulk.client_for(SearchTerm), (holder.id, user.id))
            await audit(
                now,
                "mailbox.linked",
                actor=staff.userid,
                subject=user.userid,
                pec=address,
                previous_holder=holder.userid,
            )
            await box.refresh_from_db()
            return mailbox_view(box, self.ctx.clock.today())

        return await self.ctx.atomic(work)

    @guarded
    async def unlock(self, userid: str, *, operator: str) -> bool:
        """Lift the login's delays and lock; True if there were any."""
        staff, user = await self._both(userid, operator)
        return await self.auth.unlock(user.userid, actor=staff.userid)

    @guarded
    async def send_recovery(self, userid: str, *, operator: str) -> str:
        """A recovery code to the e-mail on record; the masked address it went to."""
        staff, user = await self._both(userid, operator)
        return mask_email(await self.auth.send_recovery(user.userid, actor=staff.userid))

    @guarded
    async def email_document(
        self, userid: str, order_code: str, kind: DocumentKind, *, operator: str
    ) -> EmailedDocument:
        """The payment reminder or the invoice again, to the e-mail on record."""
        staff, user = await self._both(userid, operator)
        order = await self._own_order(user, order_code)
        return await self.outbox.email_document(order.code, kind, actor=staff.userid)

    @guarded
    async def print_document(
        self, userid: str, order_code: str, kind: DocumentKind, *, operator: str
    ) -> DocumentFile:
        """The payment reminder or the invoice on the desk's printer (audited once printed)."""
        staff, user = await self._both(userid, operator)
        order = await self._own_order(user, order_code)
        printed = await self.documents.print_document(order.code, kind)
        now = self.ctx.now()
        await self.ctx.atomic(
            lambda: audit(
                now,
                "document.printed",
                actor=staff.userid,
                subject=user.userid,
                order=order.code,
                kind=kind.value,
            )
        )
        return printed

    @guarded
    async def cancel_order(self, userid: str, order_code: str, *, operator: str) -> OrderView:
        """Cancel an order of theirs still awaiting payment."""
        staff, user = await self._both(userid, operator)
        order = await self._own_order(user, order_code)
        return await self.renewals.cancel(order.code, actor=staff.userid)

    @guarded
    async def reissue_order(self, userid: str, order_code: str, *, operator: str) -> OrderView:
        """Cancel an order awaiting payment and place a new one for the same mailbox and
        method, in one transaction (a new code; today's price and window apply)."""
        staff, user = await self._both(userid, operator)
        order = await self._own_order(user, order_code)
        if order.status != OrderStatus.PENDING:
            raise Refusal(
                Reason.NOT_PENDING,
                _("L'ordine {code} non è più in attesa di pagamento.").format(code=order.code),
            )
        await order.fetch_related("mailbox")
        return await self.renewals.place_order(
            user.userid,
            order.mailbox.address,
            PaymentMethod(order.method),
            operator=staff.userid if order.operator_id is not None else None,
            actor=staff.userid,
            replacing=order.code,
        )
