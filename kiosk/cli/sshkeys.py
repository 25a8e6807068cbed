"""`pec-kiosk users key add|list|remove`: the operators' SSH keys for `pec-kiosk serve ssh`."""

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
    """Chiavi SSH degli operatori per l'assistenza remota (pec-kiosk serve ssh)."""


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
@click.argument("userid")
@click.argument("pubkey_file", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def key_add(userid: str, pubkey_file: Path, as_json: bool) -> None:
    """Autorizza la chiave pubblica PUBKEY_FILE (.pub) per l'operatore USERID."""
    text = _read_key_file(pubkey_file, wants_json(as_json))

    async def work(services: Services, actor: str) -> SshKeyView:
        return await services.ssh.add(userid, text, actor=actor)

    view = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(_plain(view))
    else:
        click.echo(
            _("Chiave {fingerprint} autorizzata per {userid}.").format(
                fingerprint=view.fingerprint, userid=neutral(view.userid)
            )
        )


@key.command("list")
@click.argument("userid", required=False)
@json_option
def key_list(userid: str | None, as_json: bool) -> None:
    """Elenca le chiavi SSH (di tutti, o dell'operatore USERID)."""

    async def work(services: Services) -> list[SshKeyView]:
        return await services.ssh.keys(userid)

    views = run(work, as_json=as_json)
    if wants_json(as_json):
        emit_json([_plain(v) for v in views])
        return
    if not views:
        click.echo(_("Nessuna chiave SSH registrata."))
    for view in views:
        click.echo(
            "  ".join(
                (
                    neutral(view.userid),
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
                fingerprint=view.fingerprint, userid=neutral(view.userid)
            )
        )


def _plain(view: SshKeyView) -> dict[str, object]:
    return {
        "fingerprint": view.fingerprint,
        "type": view.key_type,
        "comment": view.comment,
        "userid": view.userid,
        "added_by": view.added_by,
        "added_at": view.added_at.isoformat(),
        "public_key": view.public_key,
    }
