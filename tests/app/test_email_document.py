""" "Invia per e-mail" on the result screen: the payment reminder while an offline payment is
awaited, the invoice once paid; the notice names the address on record, partially masked, and
the message is in the outbox with the PDF it will carry."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.app import KioskApp
from kiosk.domain.model import PaymentMethod
from kiosk.store.models import OutboxEmail
from tests.app.conftest import RENEWABLE, SOSPESA, running
from tests.app.helpers import notice, press_button
from tests.app.test_printing import show_result


async def test_email_the_payment_reminder(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        code = await show_result(app, pilot, PaymentMethod.BONIFICO, SOSPESA)
        assert not app.screen.query("#email-invoice")
        await press_button(pilot, "email-reminder")
        assert notice(app.screen) == (
            "✔ Fatto: Promemoria di pagamento inviato all'indirizzo a******o@example.org."
        )
        services = await app.front_desk.services()
        row = await OutboxEmail.get(kind="document")
        mail = await services.outbox.render_mail(row)
        assert mail.to == "avv.demo@example.org" and code in mail.subject
        assert [a.filename for a in mail.attachments] == [f"promemoria-{code}.pdf"]


async def test_email_the_invoice(make_app: Callable[..., KioskApp]) -> None:
    app = make_app()
    async with running(app) as pilot:
        await show_result(app, pilot, PaymentMethod.PREPAID, RENEWABLE)
        assert not app.screen.query("#email-reminder")
        await press_button(pilot, "email-invoice")
        assert notice(app.screen) == "✔ Fatto: Fattura inviata all'indirizzo a******o@example.org."
