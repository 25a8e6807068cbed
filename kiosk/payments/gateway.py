"""The card gateway: where COLLEGAMENTO A BANCA leads.

Only the bank's server-to-server notification marks an order paid, never the page the payer
returns to; the kiosk just follows the order's state in the database while it waits.
"""

from __future__ import annotations

from typing import Protocol
from urllib.parse import quote

from kiosk.domain.money import plain_amount


class CardGateway(Protocol):
    def checkout_url(self, order_code: str, amount_cents: int) -> str:
        """The bank's secure payment page for this order."""
        ...


class UrlTemplateGateway:
    """A gateway whose payment page is a URL template (`{order_code}`, `{amount}`)."""

    def __init__(self, template: str) -> None:
        self.template = template

    def checkout_url(self, order_code: str, amount_cents: int) -> str:
        return self.template.format(
            order_code=quote(order_code), amount=quote(plain_amount(amount_cents))
        )
