"""The outbox: messages queued in the transaction of the change they report, claimed by senders
with a lease, and marked sent or failed.

- `queue_mail` writes a row (template name and non-secret parameters; its Message-ID made now,
  before any attempt, so that a resend after a crash carries the same one). With a
  `dedupe_key` a message goes at most once (unique index).
- `claim_due` takes due rows for one sender: a conditional UPDATE per row (`pending` and due,
  or `sending` with its lease run out), so two senders never hold the same row at once; the
  attempt is counted at the claim, so a sender killed mid-send still counts it.
- The row is rendered at send time (`kiosk.services.mailrender`): codes derived again from
  their nonce, attachments made from the order code. Codes are never stored in clear.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from email.utils import make_msgid, parseaddr

from tortoise.expressions import F, Q

from kiosk.errors import InvalidInput, Reason, Refusal
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.dto import (
    DocumentKind,
    EmailedDocument,
    MailClaim,
    MailStatus,
    OutboxItem,
    RenderedMail,
)
from kiosk.services.mailrender import MailRenderer
from kiosk.services.tx import audit, guarded
from kiosk.store.models import OutboxEmail, Subscriber

DEDUPE = "outbox_email.dedupe_key"  # the invariant a concurrent duplicate runs into
ERROR_MAX = 500


def new_message_id(settings_from: str) -> str:
    """A Message-ID in the sender's domain (`<random@domain>`)."""
    _name, address = parseaddr(settings_from)
    domain = address.rpartition("@")[2] or "localhost"
    return make_msgid(idstring=secrets.token_hex(4), domain=domain)


async def queue_mail(
    ctx: ServiceContext,
    *,
    kind: str,
    to: str,
    template: str,
    params: dict[str, object],
    dedupe_key: str | None = None,
) -> OutboxEmail | None:
    """Queue a message (call inside the transaction of the change it reports). With a
    `dedupe_key` already queued, nothing is written and None is returned; a concurrent
    duplicate fails on the unique index (list `DEDUPE` in `retry_on`)."""
    if dedupe_key is not None and await OutboxEmail.exists(dedupe_key=dedupe_key):
        return None
    now = ctx.now()
    return await OutboxEmail.create(
        kind=kind,
        to_address=to,
        subject="",
        body="",
        template=template,
        params=params,
        created_at=now,
        status=MailStatus.PENDING.value,
        message_id=new_message_id(ctx.settings.mail_from),
        next_attempt_at=None,  # due at once
        dedupe_key=dedupe_key,
    )


def mask_email(address: str) -> str:
    """`mario.rossi@example.org` → `m*********i@example.org`: enough to recognise one's own."""
    local, _at, domain = address.partition("@")
    if len(local) <= 2:
        masked = local[:1] + "*" * max(len(local) - 1, 1)
    else:
        masked = local[0] + "*" * (len(local) - 2) + local[-1]
    return f"{masked}@{domain}"


def _due(now: datetime) -> Q:
    pending = Q(status=MailStatus.PENDING.value) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    abandoned = Q(status=MailStatus.SENDING.value) & Q(claimed_until__lt=now)
    return pending | abandoned


def _item(row: OutboxEmail) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        kind=row.kind,
        template=row.template,
        to_address=row.to_address,
        status=MailStatus(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        message_id=row.message_id,
        lang=str(row.params.get("lang", "it")),
    )


class OutboxService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.renderer = MailRenderer(ctx)

    # --- rendering --------------------------------------------------------------------------

    @guarded
    async def render_mail(self, row: OutboxEmail) -> RenderedMail:
        """The message as it goes out; `Refusal(MAIL_GONE)` when it must not go any more."""
        return await self.renderer.render(row)

    @guarded
    async def render_outbox(self, row: OutboxEmail) -> tuple[str, str, str]:
        """(subject, body, to) of an outbox row, codes included."""
        mail = await self.renderer.render(row)
        return mail.subject, mail.body, mail.to

    @guarded
    async def render_by_id(self, mail_id: int) -> RenderedMail:
        return await self.renderer.render(await self._row(mail_id))

    # --- delivery ---------------------------------------------------------------------------

    @guarded
    async def claim_due(self, limit: int = 20) -> list[MailClaim]:
        """Claim up to `limit` due messages for this sender, each with a lease."""
        now = self.ctx.now()
        until = now + timedelta(seconds=self.ctx.settings.mail_lease_seconds)

        async def work() -> list[MailClaim]:
            ids = (
                await OutboxEmail.filter(_due(now))
                .order_by("next_attempt_at", "id")
                .limit(limit)
                .values_list("id", flat=True)
            )
            claims = []
            for mail_id in ids:
                token = secrets.token_hex(16)
                taken = await OutboxEmail.filter(Q(id=mail_id) & _due(now)).update(
                    status=MailStatus.SENDING.value,
                    claimed_until=until,
                    claim_token=token,
                    attempts=F("attempts") + 1,
                )
                if not taken:
                    continue  # another sender got there first
                # rows queued before Message-IDs existed get theirs now, before the attempt
                await OutboxEmail.filter(id=mail_id, message_id="").update(
                    message_id=new_message_id(self.ctx.settings.mail_from)
                )
                row = await OutboxEmail.get(id=mail_id)
                claims.append(MailClaim(row.id, token, row.attempts))
            return claims

        return await self.ctx.atomic(work)

    @guarded
    async def claimed_row(self, claim: MailClaim) -> OutboxEmail:
        return await self._row(claim.id)

    @guarded
    async def mark_sent(self, claim: MailClaim) -> None:
        """The relay took the message. Recorded whoever holds the lease now: it was sent."""
        now = self.ctx.now()
        await self.ctx.atomic(
            lambda: OutboxEmail.filter(id=claim.id).update(
                status=MailStatus.SENT.value,
                sent_at=now,
                claimed_until=None,
                claim_token=None,
                last_error=None,
            )
        )

    @guarded
    async def mark_failed(self, claim: MailClaim, error: str, *, permanent: bool) -> MailStatus:
        """A failed attempt: retried later with exponential backoff, or failed for good (a
        permanent refusal, or `mail_max_attempts` reached). Only the lease holder records it."""
        settings = self.ctx.settings
        now = self.ctx.now()
        final = permanent or claim.attempts >= settings.mail_max_attempts
        wait = min(
            settings.mail_retry_seconds * 2 ** max(claim.attempts - 1, 0),
            settings.mail_retry_max_seconds,
        )
        status = MailStatus.FAILED if final else MailStatus.PENDING

        async def work() -> None:
            await OutboxEmail.filter(
                id=claim.id, claim_token=claim.token, status=MailStatus.SENDING.value
            ).update(
                status=status.value,
                next_attempt_at=None if final else now + timedelta(seconds=wait),
                claimed_until=None,
                claim_token=None,
                last_error=error[:ERROR_MAX],
            )
            if final:
                await audit(now, "mail.failed", subject=str(claim.id), error=error[:ERROR_MAX])

        await self.ctx.atomic(work)
        return status

    # --- the back office --------------------------------------------------------------------

    @guarded
    async def items(self, status: MailStatus | None = None, limit: int = 100) -> list[OutboxItem]:
        """The latest messages first, optionally of one status."""
        query = OutboxEmail.all() if status is None else OutboxEmail.filter(status=status.value)
        return [_item(row) for row in await query.order_by("-id").limit(limit)]

    @guarded
    async def item(self, mail_id: int) -> OutboxItem:
        return _item(await self._row(mail_id))

    @guarded
    async def retry(self, mail_id: int, *, actor: str) -> OutboxItem:
        """Queue a failed message again, due now, with a fresh count of attempts."""
        now = self.ctx.now()

        async def work() -> None:
            if not await OutboxEmail.filter(id=mail_id, status=MailStatus.FAILED.value).update(
                status=MailStatus.PENDING.value, next_attempt_at=None, attempts=0
            ):
                row = await self._row(mail_id)
                raise Refusal(
                    Reason.MAIL_NOT_FAILED,
                    _("Il messaggio {id} non è fallito ({status}): niente da ritentare.").format(
                        id=mail_id, status=MailStatus(row.status).label
                    ),
                )
            await audit(now, "mail.retry", actor=actor, subject=str(mail_id))

        await self.ctx.atomic(work)
        return await self.item(mail_id)

    @staticmethod
    async def _row(mail_id: int) -> OutboxEmail:
        row = await OutboxEmail.get_or_none(id=mail_id)
        if row is None:
            raise Refusal(
                Reason.UNKNOWN_MAIL,
                _("Nessun messaggio con numero {id}.").format(id=mail_id),
            )
        return row

    # --- documents by e-mail ----------------------------------------------------------------

    @guarded
    async def email_document(
        self, order_code: str, kind: DocumentKind, *, actor: str | None = None
    ) -> EmailedDocument:
        """Queue the reminder or the invoice (PDF attached) to the subscriber's e-mail on
        record. The document is made now, so what cannot be made is refused at once. `actor`:
        the operator who sends it (the subscriber themself by default)."""
        from kiosk.services.documents import DocumentService

        documents = DocumentService(self.ctx)
        if kind is DocumentKind.REMINDER:
            made = await documents.reminder(order_code)
        elif kind is DocumentKind.INVOICE:
            made = await documents.invoice_pdf(order_code)
        else:
            raise InvalidInput("kind", _("Si possono inviare il promemoria e la fattura."))
        code = made.order_code
        now = self.ctx.now()

        async def work() -> str:
            from kiosk.store.models import Order

            order = await Order.get(code=code)
            holder = await Subscriber.get(id=order.subscriber_id)
            await queue_mail(
                self.ctx,
                kind="document",
                to=holder.email,
                template="document",
                params={"order": code, "kind": kind.value, "lang": holder.lang},
            )
            await audit(
                now, "mail.document", actor=actor or holder.userid, subject=code, kind=kind.value
            )
            return holder.email

        address = await self.ctx.atomic(work)
        return EmailedDocument(code, kind, mask_email(address))
