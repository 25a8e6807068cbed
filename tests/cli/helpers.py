"""Running `pec-kiosk` for the CLI tests, and the data they share.

Two ways, same results: in process (the real `kiosk.cli.main`, with argv, environment and
standard streams swapped; fast, used for the long flows) or in a subprocess (`python -m kiosk`,
the real command; used for usage errors, the database-unreachable exit code and a first command
on PostgreSQL).
KIOSK_CLI_SUBPROCESS=1 runs every test out of process.

Every call pins the clock with `--now` (default: the suite's NOW, 2026-11-25 10:00 Rome) and
uses a data directory and database of its own under the test's tmp_path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from kiosk.i18n import set_language
from tests.conftest import NOW

NOW_ARG = NOW.isoformat()  # 2026-11-25T10:00:00+01:00
# argon2id still, at a cost the suite can afford (as in tests/conftest.py)
FAST_HASHING = {
    "KIOSK_PASSWORD_TIME_COST": "1",
    "KIOSK_PASSWORD_MEMORY_KIB": "1024",
    "KIOSK_TEST_MODE": "1",  # without it such weak hashing is refused (exit 2)
}
ROOT = Path(__file__).resolve().parents[2]

# The demo dataset (data/demo.toml) as loaded on NOW.
DEMO_USER = "avv.demo"  # area avvocatinocera.lextel.it; prepaid 18,30 € (RENEWABLE's total)
ROSSI_USER = "avv.rossi"  # area avvocatisalerno.lextel.it; no prepaid credit
OPERATOR = "operatore.demo"
RENEWABLE = "maria.demo@pec.avvocatinocera.it"  # expires 2026-12-15; 15,00 + IVA = 18,30
TOO_EARLY = "m.demo@legalmail.it"  # expires 2027-06-13: opens 2027-03-13
SOSPESA = "studio.demo@avvocatinocera.legalmail.it"  # expired 2026-10-16; 25,00 + IVA = 30,50
CESSATA = "archivio.demo@legalmail.it"  # expired 2026-03-20: past the six months
ROSSI = "giuseppe.rossi@pec.ordineavvocatisalerno.it"  # expires 2027-01-09; 12,00 + IVA = 14,64

HEADER = "userid,nominativo,codice_fiscale,email,area,pec,famiglia,data_attivazione,data_scadenza"
# A good provider file, seen on NOW: both date formats, an empty area (the default area).
GOOD_ROWS = (
    # attiva, renewable: Nocera, convenzione_ordine 15,00 + IVA; next expiry 2027-12-10
    "mario.bianchi,Avv. Mario Bianchi,BNCMRA80A01F912M,mario.bianchi@example.org,"
    "avvocatinocera.lextel.it,mario.bianchi@pec.avvocatinocera.it,convenzione_ordine,"
    "2020-12-10,2026-12-10",
    # attiva, too early: expires 2027-03-15, window opens 2026-12-15
    "mario.bianchi,Avv. Mario Bianchi,BNCMRA80A01F912M,mario.bianchi@example.org,"
    "avvocatinocera.lextel.it,m.bianchi@legalmail.it,legalmail,15/03/2024,15/03/2027",
    # sospesa, renewable: default area www.lextel.it, dominio_convenzione 32,00 + IVA
    "lucia.verdi,Avv. Lucia Verdi,VRDLCU82D45H703Q,lucia.verdi@example.org,,"
    "lucia.verdi@pec.studilegaliassociati.it,dominio_convenzione,01/10/2025,2026-10-01",
    # cessata: expired 2026-04-30, the window closed on 2026-10-30
    "lucia.verdi,Avv. Lucia Verdi,VRDLCU82D45H703Q,lucia.verdi@example.org,,"
    "l.verdi@legalmail.it,legalmail,2022-04-30,30/04/2026",
)
GOOD_CSV = "\n".join((HEADER, *GOOD_ROWS)) + "\n"


def at(delta: timedelta) -> str:
    """An ISO `--now` value `delta` after NOW."""
    return (NOW + delta).isoformat()


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(repr=False)
class Result:
    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    _json: Any = field(default=None)

    @property
    def json(self) -> Any:
        if self._json is None:
            try:
                self._json = json.loads(self.stdout)
            except json.JSONDecodeError as exc:
                raise AssertionError(f"not JSON: {self}") from exc
        return self._json

    def __str__(self) -> str:
        return (
            f"pec-kiosk {' '.join(self.args)} -> exit {self.code}\n"
            f"--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )

    __repr__ = __str__  # what pytest shows when an assertion about a result fails


class Kiosk:
    """`pec-kiosk` bound to one environment (data dir, database URL) and global options."""

    def __init__(
        self, env: Mapping[str, str], *, subprocess_mode: bool, prefix: tuple[str, ...] = ()
    ) -> None:
        self.env = dict(env)
        self.subprocess_mode = subprocess_mode
        self.prefix = prefix  # global options given to every call, e.g. ("--demo",)

    def __call__(
        self,
        *args: str,
        now: str | None = NOW_ARG,
        expect: int | None = None,
        env: Mapping[str, str] | None = None,
        input: str | None = None,
    ) -> Result:
        argv = (*self.prefix, *(("--now", now) if now is not None else ()), *args)
        full_env = {**self.env, **(env or {})}
        if self.subprocess_mode:
            result = self._subprocess(argv, full_env, input)
        else:
            result = self._in_process(argv, full_env, input)
        # whatever the input, the command answers with a message, never with a crash
        assert "Traceback (most recent call last)" not in result.stderr, str(result)
        if expect is not None:
            assert result.code == expect, str(result)
        return result

    def ok(self, *args: str, **kw: Any) -> Any:
        """Run with `--json`, expect exit 0, return the parsed JSON."""
        return self(*args, "--json", expect=0, **kw).json

    def refused(self, *args: str, code: int = 1, **kw: Any) -> Any:
        """Run with `--json`, expect exit `code` (1: refused by a rule), return the JSON."""
        return self(*args, "--json", expect=code, **kw).json

    @staticmethod
    def _subprocess(argv: tuple[str, ...], env: dict[str, str], input: str | None) -> Result:
        base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
        proc = subprocess.run(
            [sys.executable, "-m", "kiosk", *argv],
            env={**base, **env},
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
            check=False,
        )
        return Result(argv, proc.returncode, proc.stdout, proc.stderr)

    @staticmethod
    def _in_process(argv: tuple[str, ...], env: dict[str, str], input: str | None) -> Result:
        from kiosk.cli import main

        # any KIOSK_ variable not given is unset, as in the subprocess environment
        overrides: dict[str, str | None] = {k: None for k in os.environ if k.startswith("KIOSK_")}
        overrides.update(env)
        old_argv = sys.argv
        code = 0
        with CliRunner().isolation(input=input, env=overrides) as (out, err, _mixed):
            sys.argv = ["pec-kiosk", *argv]
            try:
                main()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except Exception:  # what the interpreter does with an uncaught exception
                traceback.print_exc()
                code = 1
            finally:
                sys.argv = old_argv
                sys.stdout.flush()
                sys.stderr.flush()
            stdout = out.getvalue().decode()
            stderr = err.getvalue().decode()
        set_language("it")  # the command set the language of this (shared) context
        return Result(argv, code, stdout, stderr)


def mailbox(account: dict[str, Any], address: str) -> dict[str, Any]:
    """One mailbox of an `account show --json` answer."""
    found = [m for m in account["mailboxes"] if m["address"] == address]
    assert len(found) == 1, f"{address} not in {account['mailboxes']}"
    box: dict[str, Any] = found[0]
    return box


def add_staff(kiosk: Kiosk, userid: str = "admin.demo") -> None:
    """The first administrator of a new database (back-office writes need one: `--as`)."""
    kiosk.ok(
        "users", "add", userid, "--role", "admin", "--name", "Anna Bianchi",
        "--cf", "BNCNNA85M50A509D", "--email", "amministrazione.demo@example.org",
        "--password", "Amministra2026!",
    )  # fmt: skip
