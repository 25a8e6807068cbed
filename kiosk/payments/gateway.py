"""The card gateway: a client of a bank shaped like Banca Sella / Axerve e-commerce (REST, JSON).

- `create_payment`: the shop's transaction id (the order code), the amount and EUR → the bank's
  payment id, a payment token and the hosted payment page where the payer types the card;
- `payment_detail`: what the bank says about a payment (OK / KO / pending, the bank's transaction
  id, amount, currency). The shop asks this whenever the bank notifies it: the notification's body
  and the payer's return page are never trusted.

Requests carry `Authorization: apikey <key>`; every answer is `{"error": {"code", "description"},
"payload": {...}}` with code "0" for success. aiohttp is imported when a call is made (the kiosk
imports this module before its first paint).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Protocol

from pydantic import SecretStr

from kiosk.domain.money import plain_amount

CREATE_PATH = "/api/v1/payment/create/"
DETAIL_PATH = "/api/v1/payment/detail/"
CURRENCY = "EUR"


class BankStatus(StrEnum):
    """Axerve's `transactionResult`: OK, KO, or XX while the payer has not finished."""

    OK = "OK"
    KO = "KO"
    PENDING = "XX"


class GatewayError(Exception):
    """The bank could not be reached (`reachable` False: try again later), or answered with a
    refusal or something unreadable (the message says which)."""

    def __init__(self, message: str, *, reachable: bool = True) -> None:
        super().__init__(message)
        self.reachable = reachable


@dataclass(frozen=True, slots=True)
class CreatedPayment:
    payment_id: str
    token: str
    page_url: str


@dataclass(frozen=True, slots=True)
class PaymentDetail:
    payment_id: str
    shop_transaction_id: str
    status: BankStatus
    bank_transaction_id: str | None
    amount_cents: int
    currency: str


class CardGateway(Protocol):
    async def create_payment(
        self, shop_transaction_id: str, amount_cents: int, notify_url: str
    ) -> CreatedPayment:
        """Open a payment at the bank; the page where the payer types the card."""
        ...

    async def payment_detail(self, payment_id: str) -> PaymentDetail:
        """The bank's own word on a payment."""
        ...


def amount_text(cents: int) -> str:
    """Cents as the bank writes amounts: "30.50"."""
    return plain_amount(cents)


def parse_amount(text: object) -> int:
    """ "30.50" (or 30.5) → 3050; `GatewayError` for anything else."""
    try:
        value = Decimal(str(text))
    except InvalidOperation:
        raise GatewayError(f"importo non valido dalla banca: {text!r}") from None
    cents = value * 100
    if cents != cents.to_integral_value() or cents < 0:
        raise GatewayError(f"importo non valido dalla banca: {text!r}")
    return int(cents)


class BankClient:
    """The gateway over HTTP: `base_url` is the bank's API root; page URLs that start with it
    are shown starting with `public_url` instead (the address the payer's phone can reach)."""

    def __init__(
        self,
        base_url: str,
        *,
        shop_login: str,
        api_key: SecretStr,
        public_url: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.public_url = (public_url or base_url).rstrip("/")
        self.shop_login = shop_login
        self._api_key = api_key
        self.timeout = timeout

    def __repr__(self) -> str:  # never the key
        return f"BankClient({self.base_url!r}, shop_login={self.shop_login!r})"

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        import aiohttp

        headers = {
            "Authorization": f"apikey {self._api_key.get_secret_value()}",
            "Content-Type": "application/json",
        }
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as http,
                http.post(self.base_url + path, data=json.dumps(body), headers=headers) as resp,
            ):
                text = await resp.text()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise GatewayError(
                f"banca non raggiungibile ({type(exc).__name__})", reachable=False
            ) from None
        if status >= 500:
            raise GatewayError(f"la banca non risponde (HTTP {status})", reachable=False)
        try:
            answer = json.loads(text)
            error = answer.get("error") or {}
            payload = answer.get("payload")
        except (ValueError, AttributeError):
            raise GatewayError(f"risposta della banca non valida (HTTP {status})") from None
        if str(error.get("code", "")) != "0" or not isinstance(payload, dict):
            raise GatewayError(
                f"la banca rifiuta la richiesta: {error.get('description', '')} (HTTP {status})"
            )
        return payload

    def public_page(self, href: str) -> str:
        if href.startswith(self.base_url + "/"):
            return self.public_url + href[len(self.base_url) :]
        return href

    async def create_payment(
        self, shop_transaction_id: str, amount_cents: int, notify_url: str
    ) -> CreatedPayment:
        payload = await self._post(
            CREATE_PATH,
            {
                "shopLogin": self.shop_login,
                "amount": amount_text(amount_cents),
                "currency": CURRENCY,
                "shopTransactionID": shop_transaction_id,
                "responseURLs": {"serverNotificationURL": notify_url},
            },
        )
        try:
            href = str(payload["userRedirect"]["href"])
            return CreatedPayment(
                str(payload["paymentID"]), str(payload["paymentToken"]), self.public_page(href)
            )
        except (KeyError, TypeError):
            raise GatewayError("risposta della banca incompleta (create)") from None

    async def payment_detail(self, payment_id: str) -> PaymentDetail:
        payload = await self._post(
            DETAIL_PATH, {"shopLogin": self.shop_login, "paymentID": payment_id}
        )
        try:
            result = str(payload.get("transactionResult") or "XX").upper()
            return PaymentDetail(
                payment_id=str(payload["paymentID"]),
                shop_transaction_id=str(payload["shopTransactionID"]),
                status=BankStatus(result) if result in ("OK", "KO") else BankStatus.PENDING,
                bank_transaction_id=str(payload["bankTransactionID"])
                if payload.get("bankTransactionID")
                else None,
                amount_cents=parse_amount(payload["amount"]),
                currency=str(payload["currency"]),
            )
        except (KeyError, TypeError):
            raise GatewayError("risposta della banca incompleta (detail)") from None
