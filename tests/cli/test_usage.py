"""Usage, global options and exit codes of the real command (mostly in a subprocess)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.cli.helpers import DEMO_USER, RENEWABLE, Kiosk, at, mailbox

UNREACHABLE = "postgres://postgres@127.0.0.1:1/nope"


def test_main_help_lists_the_commands(proc: Kiosk) -> None:
    result = proc("--help", now=None, expect=0)
    for command in ("db", "users", "import", "renewal", "payments", "activate-due", "account"):
        assert command in result.stdout
    assert "--demo" in result.stdout
    assert "--now" in result.stdout
    text = " ".join(result.stdout.split())
    assert "1 rifiutato da una regola, 2 uso o dati errati, 3 database non raggiungibile" in text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("db", "--help"), "load-demo"),
        (("db", "migrate", "--help"), "Uso:"),
        (("users", "add", "--help"), "--password"),
        (("import", "mailboxes", "--help"), "data_scadenza"),
        (("renewal", "quote", "--help"), "--assisted"),
        (("renewal", "order", "--help"), "bollettino"),
        (("payments", "confirm", "--help"), "--reference"),
        (("activate-due", "--help"), "24 ore"),
        (("account", "show", "--help"), "USERID"),
    ],
)
def test_subcommand_help(cli: Kiosk, args: tuple[str, ...], expected: str) -> None:
    result = cli(*args, now=None, expect=0)
    assert expected in result.stdout


def test_installed_entry_point(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "pec-kiosk"
    if not script.exists():
        pytest.skip(f"no installed pec-kiosk script next to {sys.executable}")
    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result
    assert result.stdout.startswith("pec-kiosk ")


def test_unknown_option_or_command_is_exit_2(proc: Kiosk) -> None:
    result = proc("--bogus", now=None, expect=2)
    assert "--bogus" in result.stderr
    result = proc("renewal", "quote", DEMO_USER, RENEWABLE, "--bogus", expect=2)
    assert "--bogus" in result.stderr
    proc("rinnova-tutto", expect=2)


def test_reset_without_demo_is_exit_2(proc: Kiosk) -> None:
    result = proc("--reset", "account", "show", DEMO_USER, expect=2)
    assert "--reset vale solo insieme a --demo" in result.stderr


def test_bad_clock_is_exit_2(cli: Kiosk) -> None:
    result = cli("account", "show", DEMO_USER, now="ieri", expect=2)
    assert "now" in result.stderr
    cli("account", "show", DEMO_USER, now=None, env={"KIOSK_NOW": "2026-13-45"}, expect=2)


def test_the_clock_moves_only_in_the_demo_or_where_the_configuration_allows_it(
    make_kiosk: Callable[..., Kiosk], tmp_path: Path
) -> None:
    sqlite_url = f"sqlite://{tmp_path / 'not-yet.sqlite3'}"
    production: Kiosk = make_kiosk(
        subprocess_mode=True, KIOSK_DATABASE_URL=sqlite_url, KIOSK_ALLOW_CLOCK_OVERRIDE="0"
    )
    for how in ({"now": "2027-01-10T09:00"}, {"env": {"KIOSK_NOW": "2027-01-10T09:00"}}):
        result = production("account", "show", DEMO_USER, expect=2, **how)
        assert "solo in modalità dimostrativa" in result.stderr
    assert not Path(sqlite_url.removeprefix("sqlite://")).exists()  # refused before opening it
    production("--demo", "overview", now="2027-01-10T09:00", expect=0)  # the demo may
    allowed: Kiosk = make_kiosk(KIOSK_DATABASE_URL=sqlite_url)  # the suite's rehearsal setting
    allowed("db", "migrate", now="2027-01-10T09:00", expect=0)


def test_database_unreachable_is_exit_3(make_kiosk: Callable[..., Kiosk]) -> None:
    proc: Kiosk = make_kiosk(subprocess_mode=True, KIOSK_DATABASE_URL=UNREACHABLE)
    result = proc("account", "show", DEMO_USER, expect=3)
    assert "Database non raggiungibile" in result.stderr
    data = proc.refused("renewal", "quote", DEMO_USER, RENEWABLE, code=3)
    assert data["error"] == "unavailable"
    assert "Database non raggiungibile" in data["message"]


def test_demo_database_is_separate_created_when_missing_and_reset(
    make_kiosk: Callable[..., Kiosk], data_dir: Path, sqlite_url: str
) -> None:
    """--demo builds its own database in KIOSK_DATA_DIR, leaving KIOSK_DATABASE_URL alone."""
    kiosk: Kiosk = make_kiosk(KIOSK_DATABASE_URL=sqlite_url)
    real: Kiosk = make_kiosk(subprocess_mode=True, KIOSK_DATABASE_URL=sqlite_url)
    assert not (data_dir / "demo.sqlite3").exists()
    account = real.ok("--demo", "account", "show", DEMO_USER)
    assert (data_dir / "demo.sqlite3").exists()
    assert account["balance_cents"] == 1830
    assert {m["state"] for m in account["mailboxes"]} == {"attiva", "sospesa", "cessata"}

    # the configured database has no demo data
    assert kiosk.refused("account", "show", DEMO_USER)["error"] == "unknown_user"

    # the demo database keeps what was done in it ...
    kiosk.ok("--demo", "renewal", "order", DEMO_USER, RENEWABLE, "--method", "prepaid")
    assert kiosk.ok("--demo", "account", "show", DEMO_USER)["balance_cents"] == 0
    # ... until --reset rebuilds it
    account = kiosk.ok("--demo", "--reset", "account", "show", DEMO_USER)
    assert account["balance_cents"] == 1830
    assert mailbox(account, RENEWABLE)["renewable"] is True

    # another day never rebuilds it (the README's own "pay today, renewed after 24 hours")
    paid = kiosk.ok("--demo", "renewal", "order", DEMO_USER, RENEWABLE, "--method", "prepaid")
    next_day = at(timedelta(days=1, hours=1))
    kiosk.ok("--demo", "activate-due", now=next_day)
    account = kiosk.ok("--demo", "account", "show", DEMO_USER, now=next_day)
    assert account["balance_cents"] == 0
    assert mailbox(account, RENEWABLE)["expiry"] == paid["next_expiry"]
    # only --reset tells the story again, relative to that day's clock
    month_later = at(timedelta(days=30))
    account = kiosk.ok("--demo", "--reset", "account", "show", DEMO_USER, now=month_later)
    assert mailbox(account, RENEWABLE)["days_left"] == 20


def test_usage_errors_are_reported_in_italian(cli: Kiosk) -> None:
    """The contract's "messages are Italian" holds for bad usage and bad input (exit 2) too."""
    missing = cli("import", "mailboxes", "caselle-mancanti.csv", expect=2)
    unknown = cli("renewal", "quote", DEMO_USER, RENEWABLE, "--bogus", expect=2)
    for result in (missing, unknown):
        assert "Errore" in result.stderr, result
        for english in ("Error:", "does not exist", "No such option", "Try '"):
            assert english not in result.stderr, result


def test_no_english_in_the_help_of_any_command(cli: Kiosk) -> None:
    """Click's own words (usage placeholders, type names, "required", --version) are Italian."""
    from kiosk.cli import COMMANDS

    pages = [cli("--help", expect=0).stdout]
    for name in COMMANDS:
        page = cli(name, "--help", expect=0).stdout
        pages.append(page)
        for sub in re.findall(r"^  ([a-z-]+)\s{2,}", page.split("Comandi:")[-1], re.MULTILINE):
            if "Comandi:" in page:
                pages.append(cli(name, sub, "--help", expect=0).stdout)
    english = re.compile(r"\[OPTIONS\]|\bCOMMAND\b|\bARGS\b|\bTEXT\b|\bINTEGER\b|\bPATH\b|"
                         r"\[required\]|Show the|Output JSON|default:")  # fmt: skip
    for page in pages:
        assert not english.search(page), page
    assert len(pages) > 15
