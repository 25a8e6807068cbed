"""The outbox delivered to a real SMTP server on 127.0.0.1 (aiosmtpd): plain, STARTTLS,
implicit TLS, AUTH; the server down, then up; permanent refusals; two senders at once; what
the messages carry (Message-ID, attachments, the recipient's language). Both backends."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from pydantic import SecretStr

from kiosk.clock import FixedClock
from kiosk.domain.model import PaymentMethod
from kiosk.i18n import set_language
from kiosk.mail.sender import send_due_once
from kiosk.mail.transport import SmtpTransport
from kiosk.services.dto import MailStatus
from kiosk.services.facade import Services
from kiosk.store.models import OutboxEmail, Subscriber
from tests.services.conftest import RENEWABLE, SOSPESA
from tests.smtp import Certificate, Inbox, free_port, make_certificate, smtp_server, smtp_settings

DEMO_MAIL = "avv.demo@example.org"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    return make_certificate(tmp_path_factory.mktemp("smtp-tls"))


def transport(services: Services, port: int, **changes: object) -> SmtpTransport:
    return SmtpTransport(smtp_settings(services.ctx.settings, port, **changes))


async def bonifico_order(services: Services) -> str:
    order = await services.renewals.place_order("avv.demo", SOSPESA, PaymentMethod.BONIFICO)
    return order.code


def attachments(message: EmailMessage) -> dict[str, bytes]:
    found = {}
    for part in message.iter_attachments():
        assert isinstance(part, EmailMessage)
        payload = part.get_content()
        assert isinstance(payload, bytes)
        found[str(part.get_filename())] = payload
    return found


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    # one space for the non-breaking ones of amounts; no line folding
    return str(part.get_content()).replace("\xa0", " ").replace("\u202f", " ")


async def test_order_placed_delivered_with_message_id_and_epc_qr(demo: Services) -> None:
    import zxingcpp
    from PIL import Image

    code = await bonifico_order(demo)
    row = await OutboxEmail.get(kind="order")
    assert row.status == "pending" and row.message_id.startswith("<")  # made before any attempt
    with smtp_server() as (port, inbox):
        report = await send_due_once(demo, transport=transport(demo, port))
        assert report.sent == (row.id,)
    (message,) = inbox.messages
    assert message["To"] == DEMO_MAIL and message["Message-ID"] == row.message_id
    assert code in str(message["Subject"])
    text = body(message)
    assert f"{code} RINNOVO PEC" in text and "30,50 €" in text and "IBAN" in text
    (png,) = attachments(message).values()
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert decoded and decoded[0].text.startswith("BCD\n002\n1\nSCT")
    assert f"{code} RINNOVO PEC" in decoded[0].text
    row = await OutboxEmail.get(id=row.id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert row.sent_at is not None
    # sent is sent: another pass finds nothing to do
    assert (await send_due_once(demo, transport=transport(demo, port))).sent == ()


async def test_starttls_with_auth(demo: Services, certificate: Certificate) -> None:
    await bonifico_order(demo)
    secure = {"smtp_security": "starttls", "smtp_ca_file": certificate.cert}
    with smtp_server(security="starttls", certificate=certificate, auth=("kiosk", "s3cret!")) as (
        port,
        inbox,
    ):
        wrong = transport(demo, port, smtp_user="kiosk", smtp_password=SecretStr("nope"), **secure)
        report = await send_due_once(demo, transport=wrong)
        assert report.retrying and not inbox.raw  # refused credentials: the message waits
        row = await OutboxEmail.get(kind="order")
        assert row.status == "pending" and row.last_error and "nope" not in row.last_error
        assert isinstance(demo.ctx.clock, FixedClock)
        demo.ctx.clock.advance(timedelta(minutes=2))
        right = transport(
            demo, port, smtp_user="kiosk", smtp_password=SecretStr("s3cret!"), **secure
        )
        assert (await send_due_once(demo, transport=right)).sent == (row.id,)
    assert len(inbox.messages) == 1


async def test_implicit_tls(demo: Services, certificate: Certificate) -> None:
    await bonifico_order(demo)
    with smtp_server(security="tls", certificate=certificate) as (port, inbox):
        tls = transport(demo, port, smtp_security="tls", smtp_ca_file=certificate.cert)
        assert len((await send_due_once(demo, transport=tls)).sent) == 1
        # an unknown certificate is not trusted: nothing sent, the message waits
        await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.BOLLETTINO)
        untrusted = transport(demo, port, smtp_security="tls")
        assert len((await send_due_once(demo, transport=untrusted)).retrying) == 1
    assert len(inbox.messages) == 1


async def test_server_down_then_up_delivers_once(demo: Services, clock: FixedClock) -> None:
    await bonifico_order(demo)
    port = free_port()  # nothing listens there yet
    down = await send_due_once(demo, transport=transport(demo, port))
    row = await OutboxEmail.get(kind="order")
    assert down.retrying == (row.id,)
    assert row.status == "pending" and row.attempts == 1 and row.last_error
    assert row.next_attempt_at == clock.now() + timedelta(seconds=60)
    clock.advance(timedelta(seconds=30))  # not due yet: nothing is tried
    assert await send_due_once(demo, transport=transport(demo, port)) == type(down)()
    clock.advance(timedelta(seconds=31))
    await send_due_once(demo, transport=transport(demo, port))  # still down: the wait doubles
    row = await OutboxEmail.get(id=row.id)
    assert row.attempts == 2 and row.next_attempt_at == clock.now() + timedelta(seconds=120)
    with smtp_server(port) as (_port, inbox):
        clock.advance(timedelta(seconds=121))
        assert (await send_due_once(demo, transport=transport(demo, port))).sent == (row.id,)
        clock.advance(timedelta(hours=1))
        assert (await send_due_once(demo, transport=transport(demo, port))).sent == ()
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["Message-ID"] == row.message_id


async def test_permanent_refusal_and_retry(demo: Services) -> None:
    await bonifico_order(demo)
    row = await OutboxEmail.get(kind="order")
    with smtp_server(inbox=Inbox(rejecting="550 5.1.1 No such user")) as (port, inbox):
        report = await send_due_once(demo, transport=transport(demo, port))
        assert report.failed == (row.id,)
        item = await demo.outbox.item(row.id)
        assert item.status is MailStatus.FAILED and "550" in (item.last_error or "")
        again = await demo.outbox.retry(row.id, actor="admin.demo")
        assert again.status is MailStatus.PENDING and again.attempts == 0
        inbox.rejecting = None
        assert (await send_due_once(demo, transport=transport(demo, port))).sent == (row.id,)
    assert len(inbox.messages) == 1


async def test_two_senders_at_once_send_each_message_once(demo: Services) -> None:
    await bonifico_order(demo)
    await demo.renewals.place_order("avv.demo", RENEWABLE, PaymentMethod.ASSEGNO)
    await demo.reminders.queue_due()
    queued = await OutboxEmail.all().count()
    with smtp_server() as (port, inbox):
        reports = await asyncio.gather(
            *(send_due_once(demo, transport=transport(demo, port)) for _ in range(3))
        )
    assert sorted(i for r in reports for i in r.sent) == [
        m.id for m in await OutboxEmail.all().order_by("id")
    ]
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == queued == len(set(ids))


async def test_payment_received_carries_the_invoice(demo: Services, tmp_path: Path) -> None:
    from tests.documents import assert_valid_fatturapa, pdf_text

    code = await bonifico_order(demo)
    await demo.payments.confirm(code, 3050, reference="CRO 77", actor="admin.demo")
    with smtp_server() as (port, inbox):
        await send_due_once(demo, transport=transport(demo, port))
    (invoice,) = [m for m in inbox.messages if "Fattura" in str(m["Subject"])]
    files = attachments(invoice)
    (pdf_name,) = [n for n in files if n.endswith(".pdf")]
    (xml_name,) = [n for n in files if n.endswith(".xml")]
    path = tmp_path / pdf_name
    path.write_bytes(files[pdf_name])
    text = pdf_text(path)
    assert code in text and "€" in text and "30,50" in text
    assert_valid_fatturapa(files[xml_name])
    assert "2026/000001" in body(invoice)


async def test_messages_in_the_recipients_language(demo: Services) -> None:
    set_language("en")
    try:
        await demo.auth.login("avv.demo", "Rinnovo2026!")  # the kiosk is in English
    finally:
        set_language("it")
    assert (await Subscriber.get(userid="avv.demo")).lang == "en"
    code = await bonifico_order(demo)  # placed from an Italian back office
    await demo.renewals.place_order("avv.rossi", "giuseppe.rossi@pec.ordineavvocatisalerno.it",
                                    PaymentMethod.BOLLETTINO)  # fmt: skip
    with smtp_server() as (port, inbox):
        await send_due_once(demo, transport=transport(demo, port))
    by_to = {str(m["To"]): m for m in inbox.messages}
    english, italian = by_to[DEMO_MAIL], by_to["g.rossi@example.org"]
    assert str(english["Subject"]).startswith(f"Order {code}")
    assert "Reference" in body(english) or "reference" in body(english)
    assert "€30.50" in body(english)
    assert str(italian["Subject"]).startswith("Ordine RLM")
    assert "Causale" in body(italian)


async def test_run_sender_delivers_until_stopped(demo: Services) -> None:
    from kiosk.mail.sender import run_sender

    await bonifico_order(demo)
    delivered = asyncio.Event()
    loop = asyncio.get_running_loop()

    def received(_data: bytes) -> None:
        loop.call_soon_threadsafe(delivered.set)

    inbox = Inbox(on_data=received)
    with smtp_server(inbox=inbox) as (port, _inbox):
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_sender(demo, transport=transport(demo, port), poll_seconds=0.05, stop=stop)
        )
        await asyncio.wait_for(delivered.wait(), 30)
        stop.set()
        await asyncio.wait_for(task, 30)
    assert (await OutboxEmail.get(kind="order")).status == "sent"
    assert len(inbox.raw) == 1


async def test_a_row_from_before_message_ids_gets_one_before_its_attempt(
    demo: Services, clock: FixedClock
) -> None:
    old = await OutboxEmail.create(
        kind="invoice",
        to_address=DEMO_MAIL,
        subject="Fattura 2026/000001",
        body="Testo di prima",
        created_at=clock.now(),
    )
    assert old.message_id == ""
    with smtp_server() as (port, inbox):
        assert (await send_due_once(demo, transport=transport(demo, port))).sent == (old.id,)
    row = await OutboxEmail.get(id=old.id)
    assert row.message_id and inbox.messages[0]["Message-ID"] == row.message_id
    assert body(inbox.messages[0]).strip() == "Testo di prima"
