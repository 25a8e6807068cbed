"""`pec-kiosk serve web`: the kiosk in a browser (textual-serve), one kiosk process per page."""

from __future__ import annotations

import asyncio
import sys

import click

from kiosk.cli.output import EXIT_BAD_INPUT
from kiosk.cli.state import state
from kiosk.i18n import _


@click.command("web")
@click.option(
    "--host",
    default=None,
    help="Indirizzo di ascolto (predefinito: KIOSK_WEB_HOST, 127.0.0.1).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Porta di ascolto (predefinita: KIOSK_WEB_PORT, 8771; 0: una libera).",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 1000),
    default=None,
    help="Sessioni (processi del chiosco) aperte insieme (predefinito: KIOSK_WEB_MAX_SESSIONS, "
    "20).",
)
def web(host: str | None, port: int | None, max_sessions: int | None) -> None:
    """Il chiosco nel browser: ogni pagina aperta avvia un chiosco con le stesse impostazioni.

    Nessuna autenticazione propria: ascolta su 127.0.0.1 e va messo dietro un proxy inverso con
    TLS e autenticazione (vedere il README). Resta in esecuzione fino a SIGTERM o Ctrl+C.
    """
    from kiosk.serve.web import CannotListen, is_loopback, serve_web

    st = state()
    changes: dict[str, object] = {}
    if host is not None:
        if not host.strip():
            raise click.BadParameter(_("indirizzo vuoto."), param_hint="'--host'")
        changes["web_host"] = host.strip()
    if port is not None:
        changes["web_port"] = port
    if max_sessions is not None:
        changes["web_max_sessions"] = max_sessions
    settings = st.settings.model_copy(update=changes)

    def ready(url: str) -> None:
        click.echo(_("Chiosco nel browser: {url}").format(url=url), err=True)
        if not is_loopback(settings.web_host):
            click.echo(
                _(
                    "Attenzione: {host} non è l'interfaccia locale. Il chiosco nel browser non ha "
                    "un'autenticazione propria: esporlo solo dietro un proxy inverso con TLS e "
                    "autenticazione."
                ).format(host=settings.web_host),
                err=True,
            )

    try:
        asyncio.run(serve_web(settings, reset_demo=st.reset_demo, on_ready=ready))
    except CannotListen as exc:
        click.echo(
            _("Impossibile mettersi in ascolto su {host}:{port} ({error}).").format(
                host=settings.web_host, port=settings.web_port, error=exc.error.strerror or exc
            ),
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
