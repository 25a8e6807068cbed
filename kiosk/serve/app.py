"""`ServeApp`: the HTTP endpoints and the background tasks of `pec-kiosk serve`.

Background tasks are named coroutine factories (`add_background`): each runs under a supervisor
that logs a crash and starts it again after a pause, until `stop()`. The scheduler's jobs are two
of them; the outbox sender or an SMTP catcher plug in the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from aiohttp import web

from kiosk.payments.sandbox import SandboxBank
from kiosk.serve import jobs
from kiosk.serve.notify import ServicesProvider, notify_handler
from kiosk.settings import Settings

log = logging.getLogger("kiosk.serve")
BackgroundFactory = Callable[[], Coroutine[Any, Any, None]]
RESTART_AFTER = 5.0  # seconds before a crashed background task is started again


def sandbox_for(settings: Settings, **options: Any) -> SandboxBank:
    """The sandbox bank that answers to the shop these settings describe."""
    options.setdefault("state_file", settings.data_dir / "sandbox-bank.json")
    return SandboxBank(
        shop_login=settings.bank_shop_login,
        api_key=settings.bank_api_key,
        notify_secret=settings.bank_notify_secret,
        **options,
    )


class ServeApp:
    def __init__(
        self,
        settings: Settings,
        services: ServicesProvider,
        *,
        sandbox_bank: SandboxBank | None = None,
        scheduler: bool | None = None,
    ) -> None:
        self.settings = settings
        self.services = services
        self.sandbox_bank = sandbox_bank
        self._background: list[tuple[str, BackgroundFactory]] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._runner: web.AppRunner | None = None
        self.port: int | None = None
        if settings.serve_scheduler if scheduler is None else scheduler:
            period = settings.serve_job_seconds
            self.add_background(
                "activate-due",
                jobs.every(period, "activate-due", partial(jobs.activate_due, services)),
            )
            self.add_background(
                "cancel-stale",
                jobs.every(period, "cancel-stale", partial(jobs.cancel_stale, services)),
            )
            self.add_background(
                "reminders",
                jobs.every(period, "reminders", partial(jobs.queue_reminders, services)),
            )
            self.add_background("outbox", partial(jobs.send_outbox, services))
        self._catcher: asyncio.AbstractServer | None = None

    def add_background(self, name: str, factory: BackgroundFactory) -> None:
        """Run `factory()` for the life of the process (started by `start`, or now if started)."""
        self._background.append((name, factory))
        if self._runner is not None:
            self._spawn(name, factory)

    @property
    def background_names(self) -> list[str]:
        return [name for name, _ in self._background]

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024)
        app.router.add_post("/notify", notify_handler(self.services))
        app.router.add_get("/health", _health)
        if self.sandbox_bank is not None:
            app.add_subapp("/bank", self.sandbox_bank.app())
        return app

    async def start(self, host: str | None = None, port: int | None = None) -> int:
        """Listen (port 0: any free port) and start the background tasks; the port bound."""
        runner = web.AppRunner(self.web_app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(
            runner,
            host or self.settings.serve_host,
            self.settings.serve_port if port is None else port,
            reuse_address=True,
        )
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or ()
        self.port = int(sockets[0].getsockname()[1]) if sockets else None
        if self.settings.catches_mail:
            await self._start_catcher()
        for name, factory in self._background:
            self._spawn(name, factory)
        return self.port or 0

    async def _start_catcher(self) -> None:
        """The local SMTP catcher (demo, development): what the outbox sends lands in the data
        directory (`pec-kiosk outbox caught`). A port already taken is another's catcher."""
        from kiosk.mail.catcher import start_catcher

        try:
            self._catcher = await start_catcher(self.settings)
        except OSError as exc:
            log.warning("SMTP catcher not started (%s): another one may be listening", exc)

    def _spawn(self, name: str, factory: BackgroundFactory) -> None:
        task = asyncio.get_running_loop().create_task(_supervise(name, factory), name=name)
        self._tasks.append(task)

    async def stop(self) -> None:
        """Stop the background tasks, then the server (pending notifications are answered)."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        catcher, self._catcher = self._catcher, None
        if catcher is not None:
            catcher.close()
            await catcher.wait_closed()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def run_until_signalled(self) -> None:
        """Serve until SIGTERM or SIGINT, then stop cleanly."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                with contextlib.suppress(Exception):
                    loop.remove_signal_handler(sig)
            await self.stop()


async def _health(_request: web.Request) -> web.Response:
    return web.Response(text="OK")


async def _supervise(name: str, factory: BackgroundFactory) -> None:
    while True:
        try:
            await factory()
            return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("background task %s crashed; starting it again", name)
        await asyncio.sleep(RESTART_AFTER)
