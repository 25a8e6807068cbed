"""`pec-kiosk serve web`: the kiosk in a browser, through textual-serve.

Each page that opens its websocket gets a kiosk process of its own (`python -m kiosk` with the
server's settings, see `session_command`), driven by textual-serve's `AppService`: Textual's web
driver on the process side, xterm.js in the page. The HTTP side is ours rather than
textual-serve's `Server`: the page takes every address relative to itself (so a reverse proxy
may put it under any host and path without configuration), fetches nothing from elsewhere, and
the websocket refuses other sites' pages (Origin) and more than `web_max_sessions` at once.

There is no authentication here: it listens on 127.0.0.1 and goes behind an authenticating TLS
reverse proxy (README, "The kiosk in a browser").
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import ipaddress
import logging
import shlex
import signal
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from string import Template
from urllib.parse import urlsplit

import textual_serve
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

from kiosk.i18n import _
from kiosk.settings import Settings

log = logging.getLogger("kiosk.serve.web")
STATIC = Path(textual_serve.__file__).parent / "static"  # xterm.js, its CSS and the fonts
PAGE = Path(__file__).with_name("web_page") / "index.html"
STOP_SECONDS = 10.0  # a kiosk process that has not quit this long after being asked is killed


def session_command(settings: Settings, python: str = sys.executable) -> list[str]:
    """The command each browser session runs: this kiosk, with the options the server got.

    Everything else (KIOSK_* variables, the configuration file) reaches the process through the
    environment it inherits; `--reset` never does (the server rebuilt the demo once, at start).
    """
    argv = [python, "-m", "kiosk"]
    if settings.demo:
        argv.append("--demo")
    if settings.now is not None:
        argv += ["--now", settings.now.isoformat()]
    argv += ["--lang", settings.lang]
    if settings.kiosk_mode:
        argv.append("--kiosk")
    return argv


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def same_origin(request: web.Request) -> bool:
    """A browser's websocket from a page of this server (or no browser at all: no Origin).

    Another site's page open in the same browser must not drive a kiosk session with the
    credentials the browser holds for the proxy (cross-site websocket hijacking)."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.host.lower()


class CannotListen(Exception):
    """The address or port could not be bound (`error`: the system's reason)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error)
        self.error = error


class KioskSession(AppService):
    """One kiosk process; its terminal id (for the login throttle) names the browser's address."""

    def __init__(
        self, command: str, terminal_id: str, ws: web.WebSocketResponse, downloads: DownloadManager
    ) -> None:
        async def close() -> None:  # the kiosk said it exited: the page shows "session ended"
            await ws.close()

        super().__init__(
            command,
            write_bytes=ws.send_bytes,
            write_str=ws.send_str,
            close=close,
            download_manager=downloads,
        )
        self.terminal_id = terminal_id

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment["KIOSK_TERMINAL_ID"] = self.terminal_id
        return environment

    async def end(self) -> None:
        """Ask the kiosk to quit; kill it if it has not ended in time (never a process left)."""
        process = self._process
        with contextlib.suppress(TimeoutError, ConnectionError):
            async with asyncio.timeout(STOP_SECONDS):
                await self.stop()
                if process is not None:
                    await process.wait()
        if process is not None and process.returncode is None:
            log.warning("kiosk process %s did not quit: killed", process.pid)
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()


class WebKiosk:
    """The aiohttp application: the page, textual-serve's static files, one websocket a session."""

    def __init__(self, settings: Settings, command: Sequence[str]) -> None:
        self.settings = settings
        # textual-serve starts it through the shell: `exec`, so that the shell becomes the kiosk
        self.command = "exec " + shlex.join(command)
        self.downloads = DownloadManager()
        self.sessions: set[web.WebSocketResponse] = set()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    def make_app(self) -> web.Application:
        app = web.Application()
        app.add_routes(
            [
                web.get("/", self.page),
                web.get("/ws", self.websocket),
                web.get("/download/{key}", self.download),
                web.static("/static", STATIC, show_index=False),
            ]
        )
        app.on_shutdown.append(self._close_sessions)
        return app

    async def page(self, request: web.Request) -> web.Response:
        try:
            font_size = max(8, min(48, int(request.query.get("fontsize", "16"))))
        except ValueError:
            font_size = 16
        text = Template(PAGE.read_text(encoding="utf-8")).substitute(
            lang=self.settings.lang,
            title=html.escape(_("Rinnovo PEC")),
            connecting=html.escape(_("Collegamento al chiosco in corso…")),
            ended=html.escape(_("Sessione terminata.")),
            restart=html.escape(_("Ricomincia")),
            font_size=font_size,
        )
        return web.Response(
            text=text,
            content_type="text/html",
            headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"},
        )

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not same_origin(request):
            origin = request.headers["Origin"]
            log.warning("websocket from another site refused (Origin %s)", origin)
            raise web.HTTPForbidden(text=_("Origine non ammessa."))
        ws = web.WebSocketResponse(heartbeat=15)
        await ws.prepare(request)
        if len(self.sessions) >= self.settings.web_max_sessions:
            busy = _("Troppe sessioni aperte: riprovare tra qualche minuto.")
            await ws.send_bytes(f"\r\n  {busy}\r\n".encode())
            await ws.close()
            return ws
        self.sessions.add(ws)
        terminal = f"web:{request.remote or 'sconosciuto'}"
        session = KioskSession(self.command, terminal, ws, self.downloads)
        try:
            await session.start(_size(request, "width", 80), _size(request, "height", 24))
            log.info("browser session from %s started", request.remote)
            await self._relay(ws, session)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.sessions.discard(ws)
            await session.end()
            with contextlib.suppress(Exception):
                await ws.close()
            log.info("browser session from %s ended", request.remote)
        return ws

    @staticmethod
    async def _relay(ws: web.WebSocketResponse, session: KioskSession) -> None:
        """The page's keys, size, focus and pings to the kiosk process (textual-serve's
        protocol); anything malformed is ignored."""
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                kind, *rest = message.json()
            except (ValueError, TypeError):
                continue
            if kind == "stdin" and rest and isinstance(rest[0], str):
                await session.send_bytes(rest[0].encode("utf-8"))
            elif kind == "resize" and rest and isinstance(rest[0], dict):
                width, height = rest[0].get("width"), rest[0].get("height")
                if isinstance(width, int) and isinstance(height, int):
                    await session.set_terminal_size(_clamp(width), _clamp(height))
            elif kind == "ping" and rest:
                await ws.send_json(["pong", rest[0]])
            elif kind == "blur":
                await session.blur()
            elif kind == "focus":
                await session.focus()

    async def download(self, request: web.Request) -> web.StreamResponse:
        """A file the kiosk delivers to the browser (Textual's `deliver_*`), by its key."""
        key = request.match_info["key"]
        try:
            meta = await self.downloads.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound() from None
        response = web.StreamResponse()
        content_type = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        response.headers["Content-Type"] = content_type
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        name = meta.file_name.replace('"', "").replace("\\", "")
        response.headers["Content-Disposition"] = f'{disposition}; filename="{name}"'
        await response.prepare(request)
        async for chunk in self.downloads.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def _close_sessions(self, _app: web.Application) -> None:
        for ws in list(self.sessions):
            with contextlib.suppress(Exception):
                await ws.close()

    async def start(self) -> int:
        """Listen on web_host:web_port; the port bound (port 0: the one the system chose)."""
        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.web_host, self.settings.web_port)
        try:
            await site.start()
        except OSError as exc:
            await self._runner.cleanup()
            raise CannotListen(exc) from exc
        server = site._server  # aiohttp keeps the asyncio server there
        sockets = getattr(server, "sockets", None) or ()
        self.port = int(sockets[0].getsockname()[1]) if sockets else self.settings.web_port
        return self.port

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()  # on_shutdown closes the sessions' websockets
            self._runner = None


def _size(request: web.Request, name: str, default: int) -> int:
    try:
        return _clamp(int(request.query.get(name, default)))
    except ValueError:
        return default


def _clamp(cells: int) -> int:
    return max(10, min(500, cells))


@contextlib.asynccontextmanager
async def demo_backend(settings: Settings, *, reset: bool) -> AsyncIterator[None]:
    """With --demo: the demo database built (with --reset rebuilt) once, before any page can
    open, so that sessions opened together never race to build it; and the demo's bank
    (`serve --sandbox-bank`) kept here for as long as the server runs, rather than in whichever
    page's kiosk started first (its card links would die with that page)."""
    from kiosk.serve.app import ServeApp, sandbox_for
    from kiosk.serve.process import LazyServices
    from kiosk.services.runtime import ServiceHandle

    handle = ServiceHandle(settings, reset_demo=reset)
    handle.enter()
    try:
        await handle.connect()
        bank = ServeApp(settings, LazyServices(handle), sandbox_bank=sandbox_for(settings))
        try:
            await bank.start()
        except OSError as exc:  # another demo's serve: that one's bank answers
            log.warning(
                "demo bank not started (%s): port %s is another's",
                exc.strerror or exc,
                settings.serve_port,
            )
            yield
            return
        try:
            yield
        finally:
            await bank.stop()
    finally:
        await handle.close()


async def serve_web(
    settings: Settings,
    *,
    reset_demo: bool = False,
    on_ready: Callable[[str], None] | None = None,
    command: Sequence[str] | None = None,
) -> None:
    """Serve until SIGTERM / SIGINT; `on_ready` hears the page's address as bound.

    The signals are caught before anything else (a SIGTERM right after the announcement still
    stops cleanly), and the demo is ready before the first page can connect."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with contextlib.AsyncExitStack() as stack:
            if settings.demo:
                await stack.enter_async_context(demo_backend(settings, reset=reset_demo))
            server = WebKiosk(settings, command or session_command(settings))
            port = await server.start()
            stack.push_async_callback(server.stop)  # first: the pages' kiosks end first
            host = settings.web_host
            shown = f"[{host}]" if ":" in host else host
            if on_ready is not None:
                on_ready(f"http://{shown}:{port}/")
            await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)
