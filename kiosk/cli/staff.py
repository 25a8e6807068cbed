"""`users list|disable|enable|reset`: the administration manages the help desk's accounts.

Only an administrator may (`--as`): an operator is refused (exit 1). A reset never prints a
password or a code: the code goes by e-mail to the address on record (`kiosk.services.staff`).
"""

from __future__ import annotations

import click

from kiosk.cli.output import emit_json, json_option, neutral, table
from kiosk.cli.runner import run_as
from kiosk.cli.state import wants_json
from kiosk.domain.model import role_label
from kiosk.i18n import _
from kiosk.services.admin_dto import StaffAccess, StaffMember
from kiosk.services.facade import Services


def member_state(member: StaffMember) -> str:
    if not member.enabled:
        return _("disabilitato")
    return _("attivo") if member.has_password else _("in attesa del codice")


def _echo_member(member: StaffMember) -> None:
    table(
        [
            (_("Userid"), neutral(member.userid)),
            (_("Ruolo"), role_label(member.role)),
            (_("Stato"), member_state(member)),
        ]
    )


@click.command("list")
@json_option
def users_list(as_json: bool) -> None:
    """Elenca operatori e amministrazione, con il loro stato (solo amministrazione)."""

    async def work(services: Services, actor: str) -> tuple[StaffMember, ...]:
        return await services.staff.members(actor=actor)

    members = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json([_member_json(m) for m in members])
        return
    for m in members:
        click.echo(
            f"{neutral(m.userid):<24} {role_label(m.role):<16} {member_state(m):<22} "
            f"{neutral(m.nominativo)}"
        )


def _member_json(member: StaffMember) -> dict[str, object]:
    return {
        "userid": member.userid,
        "nominativo": member.nominativo,
        "email": member.email,
        "role": member.role.value,
        "enabled": member.enabled,
        "has_password": member.has_password,
        "created_at": member.created_at.isoformat(),
        "disabled_at": member.disabled_at.isoformat() if member.disabled_at else None,
    }


def _set_enabled(userid: str, enabled: bool, as_json: bool) -> None:
    async def work(services: Services, actor: str) -> StaffMember:
        return await services.staff.set_enabled(userid, enabled, actor=actor)

    member = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(_member_json(member))
    else:
        _echo_member(member)


@click.command("disable")
@click.argument("userid")
@json_option
def users_disable(userid: str, as_json: bool) -> None:
    """Disabilita un operatore: non può più accedere né agire (solo amministrazione)."""
    _set_enabled(userid, False, as_json)


@click.command("enable")
@click.argument("userid")
@json_option
def users_enable(userid: str, as_json: bool) -> None:
    """Riabilita un operatore disabilitato (solo amministrazione)."""
    _set_enabled(userid, True, as_json)


@click.command("reset")
@click.argument("userid")
@json_option
def users_reset(userid: str, as_json: bool) -> None:
    """Annulla la password di un operatore e gli invia per e-mail un codice per sceglierne una
    nuova (solo amministrazione; il codice non è mai mostrato qui)."""

    async def work(services: Services, actor: str) -> StaffAccess:
        return await services.staff.reset(userid, actor=actor)

    access = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({**_member_json(access.member), "code_minutes": access.minutes})
        return
    click.echo(
        _(
            "Password di {userid} annullata: un codice per sceglierne una nuova, valido {minutes} "
            "minuti, è stato inviato a {email}."
        ).format(
            userid=neutral(access.member.userid),
            minutes=access.minutes,
            email=neutral(access.member.email),
        )
    )


COMMANDS = (users_list, users_disable, users_enable, users_reset)
