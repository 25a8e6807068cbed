"""Back-office commands: database, users, imports, accounts, callback requests."""

from __future__ import annotations

from pathlib import Path

import click

from kiosk.cli.import_report import import_summary
from kiosk.cli.output import amount_cents, emit_json, json_option, neutral, table
from kiosk.cli.runner import run, run_as
from kiosk.cli.state import state, wants_json
from kiosk.domain.model import Role
from kiosk.i18n import _, day, money
from kiosk.services.dto import AccountView, CallbackView, ImportReport, SessionUser
from kiosk.services.facade import Services


@click.group()
def users() -> None:
    """Utenti: iscritti, operatori dello sportello, amministrazione."""


@users.command("add")
@click.argument("userid")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default=Role.SUBSCRIBER.value,
    show_default=True,
    help="Ruolo.",
)
@click.option("--name", "nominativo", required=True, help="Nome e cognome.")
@click.option("--cf", "codice_fiscale", required=True, help="Codice fiscale.")
@click.option("--email", required=True, help="Indirizzo e-mail.")
@click.option(
    "--area", "area_code", default=None, help="Area di appartenenza (predefinita: www.lextel.it)."
)
@click.password_option(
    "--password",
    prompt="Password",
    help="Password (chiesta se omessa).",
    confirmation_prompt="Ripetere la password",
)
@json_option
def users_add(
    userid: str,
    role: str,
    nominativo: str,
    codice_fiscale: str,
    email: str,
    area_code: str | None,
    password: str,
    as_json: bool,
) -> None:
    """Aggiunge un utente con il ruolo indicato."""

    async def work(services: Services, actor: str) -> SessionUser:
        return await services.registration.create_user(
            userid=userid,
            nominativo=nominativo,
            codice_fiscale=codice_fiscale,
            email=email,
            password=password,
            area_code=area_code,
            role=Role(role),
            actor=actor,
        )

    user = run_as(work, as_json=as_json, bootstrap=True)  # the first administrator: no one yet
    if wants_json(as_json):
        emit_json(user)
    else:
        click.echo(
            _("Utente {userid} creato ({role}).").format(userid=neutral(userid.lower()), role=role)
        )


@users.command("unlock")
@click.argument("userid")
@json_option
def users_unlock(userid: str, as_json: bool) -> None:
    """Toglie il blocco e le attese di accesso di uno userid (registrato con chi lo fa: --as)."""

    async def work(services: Services, actor: str) -> bool:
        return await services.auth.unlock(userid, actor=actor)

    held = run_as(work, as_json=as_json)
    uid = userid.strip().lower()
    if wants_json(as_json):
        emit_json({"userid": uid, "unlocked": True, "was_held": held})
    elif held:
        click.echo(_("Accesso di {userid} sbloccato.").format(userid=neutral(uid)))
    else:
        click.echo(_("Lo userid {userid} non era bloccato.").format(userid=neutral(uid)))


def _staff_commands() -> None:
    """`users list|disable|enable|reset` (kiosk.cli.staff), the administration's."""
    from kiosk.cli.staff import COMMANDS

    for command in COMMANDS:
        users.add_command(command)


_staff_commands()


@click.group()
def pin() -> None:
    """PIN operatore per uscire dal chiosco in modalità chiosco."""


@pin.command("set")
@click.option(
    "--pin-stdin", is_flag=True, help="Legge il PIN dalla prima riga dello standard input."
)
@json_option
def pin_set(pin_stdin: bool, as_json: bool) -> None:
    """Imposta (o cambia) il PIN: da 6 a 32 cifre, conservato solo come hash."""
    if pin_stdin:
        import sys

        value = sys.stdin.readline().rstrip("\r\n")
    else:
        value = click.prompt(
            _("Nuovo PIN"), hide_input=True, confirmation_prompt=_("Ripetere il PIN")
        )

    async def work(services: Services, actor: str) -> None:
        await services.exit_pin.set_pin(value, actor=actor)

    run_as(work, as_json=as_json, bootstrap=True)  # a new kiosk's first PIN: no one yet
    if wants_json(as_json):
        emit_json({"pin_set": True})
    else:
        click.echo(_("PIN operatore impostato."))


@click.group("import")
def import_group() -> None:
    """Importazione di dati dal gestore."""


@import_group.command("mailboxes")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--encoding",
    default=None,
    help="Codifica del file (es. cp1252, utf-8); predefinita: riconosciuta da sé.",
)
@click.option("--dry-run", is_flag=True, help="Controlla e riepiloga senza scrivere nulla.")
@json_option
def import_mailboxes(file: Path, encoding: str | None, dry_run: bool, as_json: bool) -> None:
    """Importa iscritti e caselle da un CSV (tutto o niente).

    Intestazione: userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,
    data_scadenza. Separatore , oppure ; ; codifica UTF-8 o Windows-1252 (riconosciuta).
    Date AAAA-MM-GG o GG/MM/AAAA.
    """

    async def work(services: Services, actor: str) -> ImportReport:
        return await services.imports.import_file(
            file, encoding=encoding, actor=actor, dry_run=dry_run
        )

    report = run_as(work, as_json=as_json, bootstrap=True)  # a new database's first data
    if wants_json(as_json):
        emit_json(report)
    else:
        import_summary(report)


@click.group()
def account() -> None:
    """Conti degli iscritti."""


@account.command("show")
@click.argument("userid")
@json_option
def account_show(userid: str, as_json: bool) -> None:
    """Caselle (stato, scadenza, rinnovabilità) e credito prepagato di un iscritto."""

    async def work(services: Services) -> AccountView:
        return await services.accounts.overview(userid)

    view = run(work, as_json=as_json)
    if wants_json(as_json):
        data = {
            "userid": view.userid,
            "nominativo": view.nominativo,
            "role": view.role.value,
            "area": view.area_code,
            "balance_cents": view.balance_cents,
            "mailboxes": [
                {
                    "address": m.address,
                    "family": m.family.value,
                    "state": m.state.value,
                    "expiry": m.expiry.isoformat(),
                    "days_left": m.days_left,
                    "renewable": m.renewable,
                    "window": m.window.value,
                    "opens_on": m.opens_on.isoformat(),
                    "pending_order": m.pending_order_code,
                }
                for m in view.mailboxes
            ],
        }
        emit_json(data)
        return
    click.echo(f"{neutral(view.nominativo)} ({neutral(view.userid)}) - {neutral(view.area_code)}")
    click.echo(_("Credito prepagato: {amount}").format(amount=money(view.balance_cents)))
    for m in view.mailboxes:
        renew = _("rinnovabile") if m.renewable else _("non rinnovabile ora")
        click.echo(f"  {neutral(m.address):<45} {m.state.label:<8} {day(m.expiry)}  {renew}")


@account.command("topup")
@click.argument("userid")
@click.option("--amount", required=True, help="Importo in euro, es. 50.00")
@click.option("--reference", required=True, help="Riferimento del pagamento ricevuto (CRO...).")
@click.option("--note", default="", help="Descrizione nel registro.")
@json_option
def account_topup(userid: str, amount: str, reference: str, note: str, as_json: bool) -> None:
    """Ricarica il conto prepagato di un iscritto, con il pagamento che la copre."""
    cents = amount_cents(amount, as_json=wants_json(as_json))

    async def work(services: Services, actor: str) -> int:
        return await services.accounts.top_up(
            userid, cents, actor=actor, reference=reference, note=note
        )

    balance = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({"userid": userid.lower(), "balance_cents": balance})
    else:
        click.echo(_("Nuovo credito: {amount}").format(amount=money(balance)))


@account.command("adjust")
@click.argument("userid")
@click.option(
    "--amount", required=True, help="Importo in euro, negativo per togliere (es. -50.00)."
)
@click.option("--reason", required=True, help="Perché (es. ricarica registrata per errore).")
@json_option
def account_adjust(userid: str, amount: str, reason: str, as_json: bool) -> None:
    """Rettifica il credito con una registrazione propria (la storia non si modifica)."""
    negative = amount.strip().startswith("-")
    cents = amount_cents(amount.strip().removeprefix("-"), as_json=wants_json(as_json))
    signed = -cents if negative else cents

    async def work(services: Services, actor: str) -> int:
        return await services.accounts.adjust(userid, signed, actor=actor, reason=reason)

    balance = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json({"userid": userid.lower(), "balance_cents": balance})
    else:
        click.echo(_("Nuovo credito: {amount}").format(amount=money(balance)))


@click.group()
def callbacks() -> None:
    """Richieste di ricontatto del Supporto Vendite."""


@callbacks.command("add")
@click.argument("pec")
@click.option("--phone", default="", help="Telefono per il ricontatto.")
@click.option("--note", default="", help="Nota.")
@json_option
def callbacks_add(pec: str, phone: str, note: str, as_json: bool) -> None:
    """Registra una richiesta di ricontatto per una casella cessata."""

    async def work(services: Services, actor: str) -> CallbackView:
        return await services.accounts.request_callback(pec, phone=phone, note=note, actor=actor)

    view = run_as(work, as_json=as_json)
    if wants_json(as_json):
        emit_json(view)
    else:
        table([(_("Richiesta"), str(view.id)), (_("Casella"), view.pec)])


def _queue_commands() -> None:
    """list, take, note, close: the help desk's queue (kiosk.cli.desk)."""
    from kiosk.cli import desk

    for command in (desk.callbacks_list, desk.callbacks_take, desk.callbacks_note):
        callbacks.add_command(command)
    callbacks.add_command(desk.callbacks_close)


_queue_commands()


async def _accounts(services: Services) -> list[AccountView]:
    return await services.accounts.all_accounts()


@click.command()
@json_option
def overview(as_json: bool) -> None:
    """Riepilogo: utenti, caselle, stato e credito."""
    accounts = run(_accounts, as_json=as_json)
    if wants_json(as_json):
        emit_json(accounts)
        return
    settings = state().settings
    click.echo(
        _("pec-kiosk - database {url} - oggi {today}").format(
            url=settings.safe_db_url, today=day(settings.clock().today())
        )
    )
    for acc in accounts:
        click.echo(
            f"\n{neutral(acc.nominativo)} [{neutral(acc.userid)}, {acc.role.value}] - "
            + _("credito {amount}").format(amount=money(acc.balance_cents))
        )
        for m in acc.mailboxes:
            flag = _("rinnovabile") if m.renewable else ""
            click.echo(f"  {neutral(m.address):<45} {m.state.label:<8} {day(m.expiry)} {flag}")


def _add_key_group() -> None:
    """`users key ...` lives in its own module (kiosk.cli.sshkeys)."""
    from kiosk.cli.sshkeys import key

    users.add_command(key)


_add_key_group()
