"""`pec-kiosk users key add|list|remove`: the SSH keys for `pec-kiosk serve ssh`, each an
operator's (their session) or a kiosk terminal's (`--terminal NAME`: a kiosk on its welcome
page, where lawyers log in)."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.cli.output import EXIT_BAD_INPUT, emit_json, fail, json_option, neutral
from kiosk.cli.runner import run, run_as
from kiosk.cli.state import wants_json
from kiosk.i18n import _
from kiosk.services.facade import Services
from kiosk.services.sshkeys import MAX_KEY_TEXT, SshKeyView


@click.group("key")
def key() -> None:
    """Chiavi SSH degli operatori e dei terminali chiosco (pec-kiosk serve ssh)."""


def _read_key_file(path: Path, as_json: bool) -> str:
    """The key file's text, or exit 2 saying why (missing, unreadable, too big, not text)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_TEXT + 1)
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        fail(
            EXIT_BAD_INPUT,
            "invalid_file",
            _("File della chiave non leggibile ({path}): {error}").format(
                path=neutral(str(path)), error=neutral(reason)
            ),
            as_json=as_json,
        )


@key.command("add")
@click.argument("userid", metavar="[USERID]")
@click.argument("pubkey_file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--terminal",
    "terminal",
    metavar="NOME",
    default=None,
    help="La chiave è di un terminale chiosco NOME (senza USERID): il chiosco si apre sulla "
    "pagina di benvenuto.",
)
@json_option
def key_add(userid: str, pubkey_file: Path | None, terminal: str | None, as_json: bool) -> None:
    """Autorizza la chiave pubblica PUBKEY_FILE (.pub) per l'operatore USERID, o per il
    terminale chiosco indicato con --terminal NOME."""
    as_json = wants_json(as_json)
    if terminal is not None:  # `key add --terminal NAME PUBKEY_FILE`: one argument, the file
        if pubkey_file is not None:
            fail(
                EXIT_BAD_INPUT,
                "invalid_input",
                _("Con --terminal indicare solo il file della chiave, senza USERID."),
                as_json=as_json,
            )
        pubkey_file = Path(userid)
    elif pubkey_file is None:
        fail(
            EXIT_BAD_INPUT,
            "invalid_input",
            _("Indicare USERID e il file della chiave (o --terminal NOME e il file)."),
            as_json=as_json,
        )
    text = _read_key_file(pubkey_file, as_json)

    async def work(services: Services, actor: str) -> SshKeyView:
        if terminal is not None:
            return await services.ssh.add_terminal(terminal, text, actor=actor)
        return await services.ssh.add(userid, text, actor=actor)

    view = run_as(work, as_json=as_json)
    if as_json:
        emit_json(_plain(view))
    elif view.terminal is not None:
        click.echo(
            _("Chiave {fingerprint} autorizzata per il terminale {terminal}.").format(
                fingerprint=view.fingerprint, terminal=neutral(view.terminal)
            )
        )
    else:
        click.echo(
            _("Chiave {fingerprint} autorizzata per {userid}.").format(
                fingerprint=view.fingerprint, userid=neutral(view.owner)
            )
        )


@key.command("list")
@click.argument("userid", required=False)
@click.option(
    "--terminal", "terminal", metavar="NOME", default=None, help="Solo del terminale NOME."
)
@json_option
def key_list(userid: str | None, terminal: str | None, as_json: bool) -> None:
    """Elenca le chiavi SSH (di tutti, dell'operatore USERID o del terminale --terminal NOME)."""

    async def work(services: Services) -> list[SshKeyView]:
        return await services.ssh.keys(userid, terminal=terminal)

    views = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json([_plain(v) for v in views])
        return
    if not views:
        click.echo(_("Nessuna chiave SSH registrata."))
    for view in views:
        owner = (
            view.userid
            if view.userid is not None
            else _("terminale {name}").format(name=view.terminal)
        )
        click.echo(
            "  ".join(
                (
                    neutral(owner),
                    view.fingerprint,
                    view.key_type,
                    neutral(view.comment) or "-",
                    view.added_at.date().isoformat(),
                    neutral(view.added_by),
                )
            )
        )


@key.command("remove")
@click.argument("fingerprint")
@json_option
def key_remove(fingerprint: str, as_json: bool) -> None:
    """Revoca la chiave con impronta FINGERPRINT (SHA256:..., come in «users key list»)."""

    async def work(services: Services, actor: str) -> SshKeyView:
        return await services.ssh.remove(fingerprint, actor=actor)

    view = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({**_plain(view), "removed": True})
    else:
        click.echo(
            _("Chiave {fingerprint} di {userid} revocata.").format(
                fingerprint=view.fingerprint, userid=neutral(view.owner)
            )
        )


def _plain(view: SshKeyView) -> dict[str, object]:
    return {
        "fingerprint": view.fingerprint,
        "type": view.key_type,
        "comment": view.comment,
        "userid": view.userid,
        "terminal": view.terminal,
        "added_by": view.added_by,
        "added_at": view.added_at.isoformat(),
        "public_key": view.public_key,
    }
