"""A sandbox bank on loopback that implements the gateway's API for real (aiohttp).

- `POST /api/v1/payment/create/` and `POST /api/v1/payment/detail/` as `BankClient` calls them
  (API key header, shop login checked);
- `GET /pagam?a=SHOP&b=TOKEN`: the hosted payment page, an HTML form (card number, expiry,
  CVV) for a browser; the same URL takes the form by `POST`, so `curl -d card=... -d
  expiry=12/30 -d cvv=123 URL` pays too. 4111 1111 1111 1111 is approved, 4000 0000 0000 0002
  declined; any other number is refused as invalid and the payment stays open;
- once the payer has an outcome, the bank POSTs the server-to-server notification to the URL
  the shop gave at creation, signed (HMAC-SHA256 of the body, `X-Signature`), retrying with
  exponential backoff while the shop does not answer 2xx.

The page is the bank's, not the kiosk's: its texts are Italian and not translated. State is in
memory and, given a `state_file`, in a JSON file (0600): restarted, it still knows its pages and
delivers the notifications it had not delivered.
"""

from __future__ import annotations

import asyncio
import hmac
import html
import json
import logging
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from pydantic import SecretStr

from kiosk.payments import sandbox_state
from kiosk.payments.gateway import (
    CREATE_PATH,
    CURRENCY,
    DETAIL_PATH,
    BankStatus,
    GatewayError,
    amount_text,
    parse_amount,
)
from kiosk.payments.signing import SIGNATURE_HEADER, sign

log = logging.getLogger("kiosk.sandbox_bank")
APPROVED = "4111111111111111"
DECLINED = "4000000000000002"
PAGE_PATH = "/pagam"
EXPIRY = re.compile(r"^(0[1-9]|1[0-2])/?([0-9]{2})$")


def new_payment_id() -> str:
    return str(1_000_000_000 + secrets.randbelow(9_000_000_000))


def new_token() -> str:
    return secrets.token_urlsafe(16)


def new_bank_txn_id() -> str:
    return f"BTX{secrets.randbelow(10**10):010d}"


@dataclass
class SandboxPayment:
    payment_id: str
    token: str
    shop_transaction_id: str
    amount_cents: int
    currency: str
    notify_url: str
    status: BankStatus = BankStatus.PENDING
    bank_txn_id: str | None = None
    delivered: asyncio.Event = field(default_factory=asyncio.Event)
    attempts: int = 0  # deliveries of the notification tried so far
    tried: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def count_attempt(self) -> None:
        async with self.tried:
            self.attempts += 1
            self.tried.notify_all()

    async def attempted(self, n: int) -> None:
        """Wait until the notification has been tried `n` times."""
        async with self.tried:
            await self.tried.wait_for(lambda: self.attempts >= n)

    def to_json(self) -> dict[str, Any]:
        return {
            "payment_id": self.payment_id,
            "token": self.token,
            "shop_transaction_id": self.shop_transaction_id,
            "amount_cents": self.amount_cents,
            "currency": self.currency,
            "notify_url": self.notify_url,
            "status": self.status.value,
            "bank_txn_id": self.bank_txn_id,
            "delivered": self.delivered.is_set(),
        }

    @classmethod
    def from_json(cls, row: dict[str, Any]) -> SandboxPayment:
        payment = cls(
            str(row["payment_id"]),
            str(row["token"]),
            str(row["shop_transaction_id"]),
            int(row["amount_cents"]),
            str(row["currency"]),
            str(row["notify_url"]),
            BankStatus(row["status"]),
            row.get("bank_txn_id"),
        )
        if row.get("delivered"):
            payment.delivered.set()
        return payment

    def detail(self) -> dict[str, Any]:
        return {
            "transactionResult": self.status.value,
            "paymentID": self.payment_id,
            "shopTransactionID": self.shop_transaction_id,
            "bankTransactionID": self.bank_txn_id or "",
            "amount": amount_text(self.amount_cents),
            "currency": self.currency,
        }


def _answer(
    payload: dict[str, Any] | None, code: str = "0", description: str = "", *, status: int = 200
) -> web.Response:
    body = {"error": {"code": code, "description": description or "request correctly processed"}}
    if payload is not None:
        body["payload"] = payload
    return web.json_response(body, status=status)


class SandboxBank:
    """One shop's bank. `retry_first` / `retry_max`: the notification's backoff (seconds)."""

    def __init__(
        self,
        *,
        shop_login: str,
        api_key: SecretStr,
        notify_secret: SecretStr,
        retry_first: float = 0.5,
        retry_max: float = 60.0,
        max_attempts: int = 40,
        state_file: Path | None = None,
    ) -> None:
        self.shop_login = shop_login
        self._api_key = api_key
        self._notify_secret = notify_secret
        self.retry_first = retry_first
        self.retry_max = retry_max
        self.max_attempts = max_attempts
        self.payments: dict[str, SandboxPayment] = {}
        self._by_token: dict[str, str] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.state_file = state_file
        for row in sandbox_state.load(state_file) if state_file else ():
            try:
                payment = SandboxPayment.from_json(row)
            except (KeyError, ValueError, TypeError):
                continue
            self.payments[payment.payment_id] = payment
            self._by_token[payment.token] = payment.payment_id

    def _save(self) -> None:
        if self.state_file is not None:
            sandbox_state.save(self.state_file, [p.to_json() for p in self.payments.values()])

    async def _resume(self, _app: web.Application) -> None:
        """Deliver what a previous run had not yet notified."""
        for payment in self.payments.values():
            if payment.status is not BankStatus.PENDING and not payment.delivered.is_set():
                self._send(payment)

    def _send(self, payment: SandboxPayment) -> None:
        task = asyncio.get_running_loop().create_task(self._notify(payment))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def __repr__(self) -> str:
        return f"SandboxBank(shop_login={self.shop_login!r})"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(CREATE_PATH, self.create)
        app.router.add_post(DETAIL_PATH, self.detail)
        app.router.add_get(PAGE_PATH, self.page)
        app.router.add_post(PAGE_PATH, self.pay)
        app.on_startup.append(self._resume)
        app.on_cleanup.append(self._stop)
        return app

    async def _stop(self, _app: web.Application) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- the shop's API ----------------------------------------------------------------------

    def _authorised(self, request: web.Request, body: dict[str, Any]) -> bool:
        expected = f"apikey {self._api_key.get_secret_value()}"
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), expected.encode()) and (
            body.get("shopLogin") == self.shop_login
        )

    async def _body(self, request: web.Request) -> dict[str, Any] | None:
        try:
            body = json.loads(await request.read())
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    async def create(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if body is None:
            return _answer(None, "2", "malformed request", status=400)
        if not self._authorised(request, body):
            return _answer(None, "1", "unauthorized", status=401)
        try:
            amount = parse_amount(body["amount"])
            shop_tx = str(body["shopTransactionID"])
            notify_url = str(body["responseURLs"]["serverNotificationURL"])
        except (KeyError, TypeError, GatewayError):
            return _answer(None, "2", "missing or invalid fields", status=400)
        if body.get("currency") != CURRENCY or amount <= 0 or not shop_tx:
            return _answer(None, "2", "invalid amount or currency", status=400)
        payment = SandboxPayment(
            payment_id=new_payment_id(),
            token=new_token(),
            shop_transaction_id=shop_tx,
            amount_cents=amount,
            currency=CURRENCY,
            notify_url=notify_url,
        )
        self.payments[payment.payment_id] = payment
        self._by_token[payment.token] = payment.payment_id
        self._save()
        base = str(request.url.origin()) + request.path[: -len(CREATE_PATH)]
        href = f"{base}{PAGE_PATH}?a={self.shop_login}&b={payment.token}"
        return _answer(
            {
                "paymentToken": payment.token,
                "paymentID": payment.payment_id,
                "userRedirect": {"href": href},
            }
        )

    async def detail(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if body is None:
            return _answer(None, "2", "malformed request", status=400)
        if not self._authorised(request, body):
            return _answer(None, "1", "unauthorized", status=401)
        payment = self.payments.get(str(body.get("paymentID", "")))
        if payment is None:
            return _answer(None, "3", "payment not found", status=404)
        return _answer(payment.detail())

    # --- the payer's page --------------------------------------------------------------------

    def _payment_for(self, token: str) -> SandboxPayment | None:
        payment_id = self._by_token.get(token)
        return self.payments.get(payment_id) if payment_id else None

    async def page(self, request: web.Request) -> web.Response:
        payment = self._payment_for(request.query.get("b", ""))
        if payment is None:
            return _page("Pagamento non trovato", "<p>Il collegamento non è valido.</p>", 404)
        if payment.status is not BankStatus.PENDING:
            return _outcome_page(payment)
        return _page("Pagamento con carta", _form(payment, request.path_qs), 200)

    async def pay(self, request: web.Request) -> web.Response:
        form = await request.post()
        token = str(form.get("b") or request.query.get("b", ""))
        payment = self._payment_for(token)
        if payment is None:
            return _page("Pagamento non trovato", "<p>Il collegamento non è valido.</p>", 404)
        if payment.status is not BankStatus.PENDING:
            return _outcome_page(payment, status=409)
        card = re.sub(r"[\s-]", "", str(form.get("card", "")))
        expiry = str(form.get("expiry", "")).strip()
        cvv = str(form.get("cvv", "")).strip()
        problem = None
        if card not in (APPROVED, DECLINED):
            problem = "Numero di carta non valido."
        elif not EXPIRY.match(expiry):
            problem = "Scadenza non valida (MM/AA)."
        elif not re.fullmatch(r"[0-9]{3,4}", cvv):
            problem = "Codice di sicurezza (CVV) non valido."
        if problem is not None:
            body = f'<p class="error">{html.escape(problem)}</p>' + _form(payment, request.path_qs)
            return _page("Pagamento con carta", body, 400)
        payment.status = BankStatus.OK if card == APPROVED else BankStatus.KO
        if payment.status is BankStatus.OK:
            payment.bank_txn_id = new_bank_txn_id()
        log.info("sandbox payment %s: %s", payment.payment_id, payment.status.value)
        self._save()
        self._send(payment)
        return _outcome_page(payment)

    # --- the server-to-server notification ---------------------------------------------------

    async def _notify(self, payment: SandboxPayment) -> None:
        body = json.dumps(
            {
                "shopLogin": self.shop_login,
                "shopTransactionID": payment.shop_transaction_id,
                "paymentID": payment.payment_id,
                "transactionResult": payment.status.value,
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(self._notify_secret, body),
        }
        delay = self.retry_first
        async with ClientSession(timeout=ClientTimeout(total=10)) as http:
            while payment.attempts < self.max_attempts:
                try:
                    async with http.post(payment.notify_url, data=body, headers=headers) as resp:
                        if 200 <= resp.status < 300:
                            payment.delivered.set()
                            self._save()
                            await payment.count_attempt()
                            return
                        log.info("notification %s: HTTP %s", payment.payment_id, resp.status)
                except (ClientError, TimeoutError, OSError) as exc:
                    log.info("notification %s: %s", payment.payment_id, type(exc).__name__)
                await payment.count_attempt()
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max)
        log.warning(
            "notification %s: given up after %d attempts", payment.payment_id, payment.attempts
        )


def _form(payment: SandboxPayment, action: str) -> str:
    total = amount_text(payment.amount_cents).replace(".", ",")
    return (
        f"<p>Ordine <b>{html.escape(payment.shop_transaction_id)}</b>: "
        f"{total}&nbsp;€</p>"
        f'<form method="post" action="{html.escape(action)}">'
        f'<input type="hidden" name="b" value="{html.escape(payment.token)}">'
        '<label>Numero della carta <input name="card" inputmode="numeric" '
        'autocomplete="cc-number" required></label>'
        '<label>Scadenza (MM/AA) <input name="expiry" autocomplete="cc-exp" required></label>'
        '<label>CVV <input name="cvv" inputmode="numeric" autocomplete="cc-csc" required></label>'
        '<button type="submit">Paga</button></form>'
        '<p class="hint">Banca di prova: 4111 1111 1111 1111 approvata, '
        "4000 0000 0000 0002 rifiutata.</p>"
    )


def _outcome_page(payment: SandboxPayment, status: int = 200) -> web.Response:
    if payment.status is BankStatus.OK:
        text = f"Pagamento approvato (transazione {payment.bank_txn_id}). Può tornare al chiosco."
        return _page("Pagamento approvato", f"<p>{html.escape(text)}</p>", status)
    text = "Pagamento rifiutato dalla banca. Al chiosco può scegliere un altro metodo."
    return _page("Pagamento rifiutato", f"<p>{html.escape(text)}</p>", status)


def _page(title: str, body: str, status: int) -> web.Response:
    page = (
        '<!doctype html><html lang="it"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}"
        "label{display:block;margin:.6rem 0}input{display:block;width:100%;font-size:1.2rem}"
        "button{font-size:1.2rem;margin-top:1rem}.error{color:#b00}.hint{color:#666}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return web.Response(text=page, status=status, content_type="text/html")
