"""`FrontDesk`: the kiosk's `Desk`, the services behind it, and its link to the database.

The kiosk paints before the database is open and must outlive the database going away: one
background task (`keep_connected`) opens the database, and after any loss probes it with backoff
until it answers again. Calls made meanwhile fail at once with `Unavailable` (the screens keep
what was typed; the banner says when the next attempt is), and a call that finds the database
gone wakes the task. Listeners hear every change of `LinkState`.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import importlib
import logging
import time
from collections.abc import Awaitable, Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from kiosk import refdata
from kiosk.boot import Preview
from kiosk.domain.model import PaymentMethod
from kiosk.domain.money import ASSISTED_FEE_NET_CENTS, VAT_RATE_PERCENT, vat_cents
from kiosk.errors import Unavailable, unavailable
from kiosk.refdata import demo_logins
from kiosk.services.port import AreaChoice, DemoLogin, DeskRules, KioskFacts, Link, LinkState
from kiosk.services.runtime import ServiceHandle

if TYPE_CHECKING:  # the ORM is imported when the database is opened, after the first paint
    from kiosk.services.dto import (
        AccountView,
        CallbackView,
        DocumentFile,
        DocumentKind,
        EmailedDocument,
        OrderView,
        Quote,
        RegistrationStarted,
        SessionUser,
    )
    from kiosk.services.facade import Services
    from kiosk.services.operator_desk import OperatorFrontDesk
    from kiosk.settings import Settings

T = TypeVar("T")
log = logging.getLogger("kiosk.link")
# imported off the event loop before the first connection (~200 ms), so the screen stays live
CORE_MODULES = (
    "kiosk.services.facade",
    "kiosk.services.setup",
    "kiosk.store.db",
    "tortoise.migrations.api",
    "tortoise.backends.sqlite",
    "kiosk.store.sqlite_engine",
    "stdnum.iban",  # the quote's coordinates, the registration's codice fiscale
    "stdnum.bic",
    "stdnum.it.codicefiscale",
    "email_validator",
)
# seconds a call made while the kiosk is still opening its database waits for the first
# answer, either way (the first start of a demo migrates and builds it: several seconds on a
# loaded machine); a failed first attempt ends the wait at once and the banner says so
CONNECT_WAIT = 60.0


class _FactsSource(Protocol):
    @property
    def demo(self) -> bool: ...
    @property
    def kiosk_mode(self) -> bool: ...
    @property
    def refdata_dir(self) -> Path: ...


def make_facts(source: _FactsSource, reference: refdata.ReferenceData) -> KioskFacts:
    """The kiosk's facts from the reference data and three settings (or their preview)."""
    logins: tuple[DemoLogin, ...] = ()
    if source.demo and not source.kiosk_mode:
        logins = tuple(DemoLogin(u, p, r) for u, p, r in demo_logins(source.refdata_dir))
    return KioskFacts(
        contacts=reference.contacts,
        areas=tuple(AreaChoice(a.code, a.name) for a in reference.areas),
        default_area=reference.default_area,
        vat_rate_percent=VAT_RATE_PERCENT,
        assisted_fee_net_cents=ASSISTED_FEE_NET_CENTS,
        assisted_fee_vat_cents=vat_cents(ASSISTED_FEE_NET_CENTS),
        demo=source.demo,
        demo_logins=logins,
    )


class FrontDesk:
    """The kiosk's `Desk`. Built on a `ServiceHandle`, or (the kiosk started from the CLI) on
    the settings' preview and an `opener`: then `settle(settings)` opens the handle once the
    settings are validated, after the first paint, and before the link is first up."""

    def __init__(
        self,
        handle: ServiceHandle | None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        retry_first: float = 2.0,
        retry_max: float = 30.0,
        first: Preview | None = None,
        opener: Callable[[Settings], ServiceHandle] | None = None,
    ) -> None:
        assert handle is not None or (first is not None and opener is not None)
        self._handle = handle
        self._first = first
        self._opener = opener
        self._settled = asyncio.Event()
        if handle is not None:
            self._settled.set()
        self.monotonic = monotonic
        self.retry_first = retry_first
        self.retry_max = retry_max
        self._services: Services | None = None
        # the context every database call runs in (see `_call`): Tortoise's, entered off the
        # first paint's path (importing the ORM costs about 100 ms)
        self._db_context: contextvars.Context | None = None
        self._state = LinkState(Link.CONNECTING)
        self._ready = asyncio.Event()
        self._answered = asyncio.Event()  # the first connection succeeded or failed
        self._lost = asyncio.Event()
        self._listeners: list[Callable[[LinkState], None]] = []

    @property
    def handle(self) -> ServiceHandle:
        if self._handle is None:
            raise unavailable()  # the settings are being validated (a fraction of a second)
        return self._handle

    def settle(self, settings: Settings) -> None:
        """The validated settings: open the handle on them (the deferred start)."""
        if self._handle is None:
            assert self._opener is not None
            self._handle = self._opener(settings)
            self.retry_first = settings.db_retry_seconds
            self.__dict__.pop("facts", None)  # made again from the settings themselves
        self._settled.set()

    # --- what the screens see before any database call -------------------------------------

    @cached_property
    def facts(self) -> KioskFacts:
        if self._handle is None:  # before the settings are validated: from their preview
            assert self._first is not None
            return make_facts(self._first, refdata.load(self._first.refdata_dir))
        settings = self._handle.settings
        return make_facts(settings, self._handle.refdata)

    @property
    def rules(self) -> DeskRules:
        settings = self.handle.settings
        return DeskRules(
            card_wait_seconds=settings.card_wait_seconds,
            card_poll_seconds=settings.card_poll_seconds,
            can_print=settings.print_command is not None,
        )

    # --- the link to the database -------------------------------------------------------------

    @property
    def state(self) -> LinkState:
        return self._state

    def subscribe(self, listener: Callable[[LinkState], None]) -> None:
        self._listeners.append(listener)

    def _set(self, state: LinkState) -> None:
        if state == self._state:
            return
        self._state = state
        self._answered.set()  # any state after CONNECTING: the first attempt has ended
        if state.link is Link.READY:
            self._ready.set()
        else:
            self._ready.clear()
        for listener in self._listeners:
            listener(state)

    def enter(self) -> None:
        """Enter the database context in the calling task (tests and tools that read the
        database beside the kiosk); the kiosk itself enters it from `keep_connected`."""
        self.handle.enter()

    async def close(self) -> None:
        if self._handle is not None:  # never opened when the settings were bad
            await self._handle.close()

    async def keep_connected(self) -> None:
        """Open the database, and reopen it whenever a call finds it gone; runs until cancelled."""
        await self._settled.wait()
        delay = self.retry_first
        await asyncio.to_thread(_import_the_core)
        if not self.handle.entered:
            self.handle.enter()  # in this task: the calls run in a copy of its context
        self._db_context = contextvars.copy_context()
        while True:
            try:
                if self._services is None:
                    started = time.monotonic()
                    self._services = await self.handle.connect()
                    # how long the kiosk waited for its database, what a slow start is made of:
                    # real elapsed time for the log (the injected clock stands still in tests)
                    log.info("database ready in %.2f s", time.monotonic() - started)
                else:
                    await self._services.ping()
            except Exception as exc:
                from kiosk.services.tx import translate

                error = translate(exc)
                if error is None:
                    log.exception("cannot open the database")
                else:
                    log.warning("database not available: %s", error.message)
                busy = isinstance(error, Unavailable) and error.busy
                self._set(LinkState(Link.BUSY if busy else Link.DOWN, self.monotonic() + delay))
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.retry_max)
                continue
            delay = self.retry_first
            self._lost.clear()
            self._set(LinkState(Link.READY))
            await self._lost.wait()

    async def in_database_context(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run `work` in a task of the database's context, once it answers: what it starts
        (the in-process `serve`'s server and jobs) inherits that context."""
        await self.ready()
        assert self._db_context is not None

        async def call() -> T:
            return await work()

        return await asyncio.create_task(call(), context=self._db_context.copy())

    async def ready(self) -> None:
        """Wait until the database answers (tests; and the first call after start)."""
        await self._ready.wait()

    async def services(self) -> Services:
        """The services behind the desk, once the database answers (for tests and tools: the
        calling task joins the database's context, so it may use them directly)."""
        await self.ready()
        self.handle.join()
        assert self._services is not None
        return self._services

    async def _call(self, use: Callable[[Services], Awaitable[T]]) -> T:
        if self._state.link is Link.CONNECTING:  # just started: the first connection is on its way
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._answered.wait(), CONNECT_WAIT)
        services = self._services
        if services is None or self._state.link is not Link.READY:
            raise unavailable(busy=self._state.link is Link.BUSY)
        assert self._db_context is not None  # set before the link was first READY
        try:
            # Tortoise finds its connections through a context variable, entered after the
            # first paint, when the screens' tasks already exist: each call runs in a copy of
            # the context that holds it (a copy each, so that transactions stay apart).
            async def call() -> T:
                return await use(services)

            return await asyncio.create_task(call(), context=self._db_context.copy())
        except Unavailable as exc:
            link = Link.BUSY if exc.busy else Link.DOWN
            self._set(LinkState(link, self.monotonic() + self.retry_first))
            self._lost.set()
            raise

    @cached_property
    def operator(self) -> OperatorFrontDesk:
        """The help desk's calls (`OperatorDesk`), over the same link."""
        from kiosk.services.operator_desk import OperatorFrontDesk

        return OperatorFrontDesk(self)

    # --- the Desk ---------------------------------------------------------------------------

    async def login(self, userid: str, password: str) -> SessionUser:
        return await self._call(lambda s: s.auth.login(userid, password))

    async def start_registration(
        self,
        *,
        userid: str,
        nominativo: str,
        codice_fiscale: str,
        email: str,
        password: str,
        password_confirm: str,
        area_code: str,
    ) -> RegistrationStarted:
        return await self._call(
            lambda s: s.registration.start(
                userid=userid,
                nominativo=nominativo,
                codice_fiscale=codice_fiscale,
                email=email,
                password=password,
                password_confirm=password_confirm,
                area_code=area_code,
            )
        )

    async def complete_registration(
        self, handle: str, code: str, *, userid: str | None = None
    ) -> SessionUser:
        return await self._call(lambda s: s.registration.complete(handle, code, userid=userid))

    async def request_recovery(self, identifier: str) -> str:
        return await self._call(lambda s: s.auth.request_recovery(identifier))

    async def reset_password(
        self, userid: str, code: str, password: str, password_confirm: str
    ) -> SessionUser:
        return await self._call(
            lambda s: s.auth.reset_password(userid, code, password, password_confirm)
        )

    async def overview(self, userid: str) -> AccountView:
        return await self._call(lambda s: s.accounts.overview(userid))

    async def quote(
        self, userid: str, pec: str, *, assisted: bool = False, replacing: str | None = None
    ) -> Quote:
        return await self._call(
            lambda s: s.renewals.quote(userid, pec, assisted=assisted, replacing=replacing)
        )

    async def place_order(
        self, userid: str, pec: str, method: PaymentMethod, *, replacing: str | None = None
    ) -> OrderView:
        return await self._call(
            lambda s: s.renewals.place_order(userid, pec, method, replacing=replacing)
        )

    async def order(self, code: str) -> OrderView:
        return await self._call(lambda s: s.renewals.order(code))

    async def cancel_order(self, code: str, *, actor: str) -> OrderView:
        return await self._call(lambda s: s.renewals.cancel(code, actor=actor))

    async def request_callback(self, pec: str, *, phone: str, userid: str) -> CallbackView:
        return await self._call(
            lambda s: s.accounts.request_callback(pec, phone=phone, userid=userid)
        )

    async def open_bank(self, order_code: str) -> str:
        checkout = await self._call(lambda s: s.cards.checkout(order_code))
        return checkout.payment_url

    async def print_document(self, order_code: str, kind: DocumentKind) -> DocumentFile:
        return await self._call(lambda s: s.documents.print_document(order_code, kind))

    async def email_document(self, order_code: str, kind: DocumentKind) -> EmailedDocument:
        return await self._call(lambda s: s.outbox.email_document(order_code, kind))

    async def demo_notice(self) -> str | None:
        if not self.handle.settings.demo:
            return None
        return await self._call(lambda s: s.demo_notice())

    async def session_user(self, userid: str) -> SessionUser | None:
        """Who a kiosk started by the SSH server is for (authenticated by the server)."""
        return await self._call(lambda s: s.ssh.session_user(userid))

    async def exit_pin_is_set(self) -> bool:
        return await self._call(lambda s: s.exit_pin.is_set())

    async def check_exit_pin(self, pin: str) -> bool:
        return await self._call(lambda s: s.exit_pin.check(pin))

    async def record_exit(self) -> None:
        await self._call(lambda s: s.exit_pin.record_exit())


def _import_the_core() -> None:
    for name in CORE_MODULES:
        importlib.import_module(name)
