"""What `pec-kiosk` does with no command: an overview of the state (the kiosk comes in step 2)."""

from __future__ import annotations

import click

from kiosk.cli.output import emit_json
from kiosk.cli.runner import run, state, wants_json
from kiosk.i18n import _, day, money
from kiosk.services.dto import AccountView
from kiosk.services.facade import Services


async def _accounts(services: Services) -> list[AccountView]:
    return await services.accounts.all_accounts()


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Output JSON.")
def overview(as_json: bool) -> None:
    """Riepilogo: utenti, caselle, stato e credito."""
    accounts = run(_accounts, as_json=as_json)
    if wants_json(as_json):
        emit_json(accounts)
        return
    settings = state().settings
    click.echo(
        _("pec-kiosk - database {url} - oggi {today}").format(
            url=settings.db_url, today=day(settings.clock().today())
        )
    )
    for acc in accounts:
        click.echo(
            f"\n{acc.nominativo} [{acc.userid}, {acc.role.value}] - "
            + _("credito {amount}").format(amount=money(acc.balance_cents))
        )
        for m in acc.mailboxes:
            flag = _("rinnovabile") if m.renewable else ""
            click.echo(f"  {m.address:<45} {m.state.label:<8} {day(m.expiry)} {flag}")


@click.command()
def start() -> None:
    """Avvia il chiosco."""
    from kiosk.factory import build_app

    st = state()
    if st.settings.kiosk_mode and st.settings.operator_pin is None:
        raise click.UsageError(
            _(
                "In modalità chiosco serve il PIN operatore per uscire: impostare "
                "KIOSK_OPERATOR_PIN (o operator_pin nel file di configurazione)."
            )
        )
    app = build_app(st.settings, reset_demo=st.reset_demo)
    app.run()
