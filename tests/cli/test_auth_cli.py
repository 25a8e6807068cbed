"""`pec-kiosk users unlock`, `pec-kiosk pin set`, weak hashing, over-long userids."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.clock import FixedClock
from kiosk.errors import Refusal
from kiosk.services.runtime import open_services
from kiosk.settings import Settings
from tests.cli.helpers import DEMO_USER, RENEWABLE, Kiosk, at
from tests.conftest import DATA, NOW

LONG = "a" * 45  # longer than any userid


def _lock(db_url: str, data_dir: Path, userid: str) -> None:
    """Twenty wrong passwords for `userid`, each as soon as allowed (the kiosk's doing)."""

    async def go() -> None:
        settings = Settings(
            database_url=db_url,
            data_dir=data_dir,
            refdata_dir=DATA,
            password_time_cost=1,
            password_memory_kib=1024,
            test_mode=True,
        )
        clock = FixedClock(NOW)
        async with open_services(settings, clock) as services:
            for _ in range(20):
                while True:
                    try:
                        await services.auth.login(userid, "Sbagliata-1", terminal="t")
                    except Refusal as exc:
                        if exc.reason != "throttled":
                            break
                        clock.advance(timedelta(seconds=int(exc.details["wait_seconds"])))

    asyncio.run(go())


def test_users_unlock_lifts_the_lock_and_says_who(
    demo_db: Kiosk, sqlite_url: str, data_dir: Path
) -> None:
    _lock(sqlite_url, data_dir, DEMO_USER)
    later = at(timedelta(minutes=13))  # the lock runs to 10:27
    text = demo_db("--as", "operatore.demo", "users", "unlock", "AVV.DEMO", now=later, expect=0)
    assert "Accesso di avv.demo sbloccato." in text.stdout
    again = demo_db.ok("users", "unlock", DEMO_USER, now=later)
    assert again == {"userid": "avv.demo", "unlocked": True, "was_held": False}
    assert "non era bloccato" in demo_db("users", "unlock", DEMO_USER, now=later).stdout
    unknown = demo_db.refused("users", "unlock", "mai.visto")
    assert unknown["error"] == "unknown_user"


def test_pin_set_asks_twice_or_reads_stdin(cli: Kiosk) -> None:
    result = cli("pin", "set", input="97531086\n97531086\n", expect=0)
    assert "PIN operatore impostato." in result.stdout
    assert "97531086" not in result.stdout + result.stderr
    mismatch = cli("pin", "set", input="97531086\n12345678\n" * 3)
    assert mismatch.code != 0
    assert cli.ok("pin", "set", "--pin-stdin", input="24681357\n") == {"pin_set": True}
    short = cli.refused("pin", "set", "--pin-stdin", input="1234\n", code=2)
    assert (short["error"], short["field"]) == ("invalid_input", "pin")


def test_weak_hashing_is_refused_at_start_unless_in_test_mode(
    make_kiosk: Callable[..., Kiosk], sqlite_url: str
) -> None:
    weak = make_kiosk(subprocess_mode=True, KIOSK_DATABASE_URL=sqlite_url, KIOSK_TEST_MODE="0")
    result = weak("overview", expect=2)
    assert "parametri di hashing delle password troppo deboli" in result.stderr
    assert "19456 KiB con t >= 2" in result.stderr
    strong = make_kiosk(
        KIOSK_DATABASE_URL=sqlite_url,
        KIOSK_TEST_MODE="0",
        KIOSK_PASSWORD_TIME_COST="2",
        KIOSK_PASSWORD_MEMORY_KIB="19456",
    )
    strong("overview", expect=0)


@pytest.mark.parametrize(
    "args",
    [
        ("account", "show", LONG),
        ("account", "topup", LONG, "--amount", "10", "--reference", "R"),
        ("renewal", "quote", LONG, RENEWABLE),
        ("renewal", "order", LONG, RENEWABLE, "--method", "bonifico"),
        ("renewal", "order", DEMO_USER, RENEWABLE, "--method", "assegno", "--operator", LONG),
        ("users", "unlock", LONG),
    ],
)
def test_over_long_userids_are_bad_input_never_a_traceback(
    demo_db: Kiosk, data_dir: Path, args: tuple[str, ...]
) -> None:
    result = demo_db(*args, "--json", expect=2)
    assert result.json["error"] == "invalid_input"
    assert result.json["field"] in ("userid", "operator")
    log = data_dir / "kiosk.log"
    assert LONG not in (log.read_text() if log.exists() else "")


def test_recovery_with_a_long_address_is_logged_nowhere(demo_db: Kiosk, data_dir: Path) -> None:
    # the operator's tools never send codes; the kiosk's desk does: through the services
    async def go() -> str:
        settings = Settings(
            database_url=str(demo_db.env["KIOSK_DATABASE_URL"]),
            data_dir=data_dir,
            refdata_dir=DATA,
            password_time_cost=1,
            password_memory_kib=1024,
            test_mode=True,
        )
        async with open_services(settings, FixedClock(NOW)) as services:
            return await services.auth.request_recovery(LONG + "@example.org")

    assert "riceverà a breve" in asyncio.run(go())
    log = data_dir / "kiosk.log"
    assert LONG not in (log.read_text() if log.exists() else "")
