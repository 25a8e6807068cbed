"""The sandbox bank and `serve` on real loopback servers, for the card-payment tests."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import aiohttp

from kiosk.payments.sandbox import APPROVED, SandboxBank, SandboxPayment
from kiosk.payments.signing import SIGNATURE_HEADER, sign
from kiosk.serve.app import ServeApp, sandbox_for
from kiosk.services.facade import Services
from kiosk.settings import Settings

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wired(services: Services, bank_url: str, notify_url: str) -> Services:
    """The same database and clock, with the gateway and the notification URL pointed at
    this test's servers (through the settings, as a deployment would)."""
    settings = services.ctx.settings.model_copy(
        update={"bank_url": bank_url, "bank_notify_url": notify_url}
    )
    return Services(replace(services.ctx, settings=settings))


@asynccontextmanager
async def running_bank(
    settings: Settings, **options: Any
) -> AsyncIterator[tuple[SandboxBank, str]]:
    """The sandbox bank alone on a free port (its notifications retry quickly): (bank, API
    base URL)."""
    bank = sandbox_for(settings, retry_first=0.02, retry_max=0.2, **options)
    server = ServeApp(settings, _no_services, sandbox_bank=bank, scheduler=False)
    port = await server.start(HOST, 0)
    try:
        yield bank, f"http://{HOST}:{port}/bank"
    finally:
        await server.stop()


async def _no_services() -> Services:
    raise AssertionError("the bank's own server takes no notifications")


@asynccontextmanager
async def running_shop(
    services: Services, port: int = 0, *, scheduler: bool = False
) -> AsyncIterator[ServeApp]:
    async def provide() -> Services:
        return services

    server = ServeApp(services.ctx.settings, provide, scheduler=scheduler)
    await server.start(HOST, port)
    try:
        yield server
    finally:
        await server.stop()


async def pay(url: str, card: str = APPROVED, **fields: str) -> tuple[int, str]:
    """The payer submits the bank's page by HTTP POST, as `curl -d` would."""
    form = {"card": card, "expiry": "12/30", "cvv": "123", **fields}
    async with aiohttp.ClientSession() as http, http.post(url, data=form) as resp:
        return resp.status, await resp.text()


async def delivered(payment: SandboxPayment) -> None:
    await asyncio.wait_for(payment.delivered.wait(), 10.0)


def notification(settings: Settings, payment: SandboxPayment) -> tuple[bytes, str]:
    """A notification for `payment` as the bank sends it: body and signature."""
    body = json.dumps(
        {
            "shopLogin": settings.bank_shop_login,
            "shopTransactionID": payment.shop_transaction_id,
            "paymentID": payment.payment_id,
            "transactionResult": payment.status.value,
        }
    ).encode()
    return body, sign(settings.bank_notify_secret, body)


async def post_notification(url: str, body: bytes, signature: str) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=body, headers={SIGNATURE_HEADER: signature}) as resp,
    ):
        return resp.status
