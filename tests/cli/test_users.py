"""`pec-kiosk users add` and `pec-kiosk db ...`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.cli.helpers import DEMO_USER, RENEWABLE, ROSSI, ROSSI_USER, Kiosk

PASSWORD = "Rinnovo!2027x"


def add(userid: str, *extra: str, cf: str = "NRENRC75T10A509L") -> list[str]:
    return [
        "users",
        "add",
        userid,
        "--name",
        "Avv. Enrico Neri",
        "--cf",
        cf,
        "--email",
        "enrico.neri@example.org",
        *extra,
    ]


def test_users_add_with_password_on_the_command_line(cli: Kiosk) -> None:
    user = cli.ok(*add("enrico.neri", "--password", PASSWORD))
    assert user["userid"] == "enrico.neri"
    assert user["role"] == "subscriber"
    assert user["area_code"] == "www.lextel.it"
    account = cli.ok("account", "show", "enrico.neri")
    assert (account["balance_cents"], account["mailboxes"], account["area"]) == (
        0,
        [],
        "www.lextel.it",
    )

    text = cli(
        *add(
            "sportello.due",
            "--role",
            "operator",
            "--area",
            "avvocatisalerno.lextel.it",
            "--password",
            PASSWORD,
            cf="RSSMRA80A01H501U",
        ),
        expect=0,
    )
    assert "sportello.due" in text.stdout
    operator = cli.ok("account", "show", "sportello.due")
    assert (operator["role"], operator["area"]) == ("operator", "avvocatisalerno.lextel.it")


def test_users_add_refusals_are_bad_input_in_italian(cli: Kiosk) -> None:
    cli.ok(*add("enrico.neri", "--password", PASSWORD))

    duplicate = cli.refused(
        *add("Enrico.Neri", "--password", PASSWORD, cf="RSSMRA80A01H501U"), code=2
    )
    assert duplicate["error"] == "invalid_input"
    assert "già in uso" in duplicate["message"]
    text = cli(*add("enrico.neri", "--password", PASSWORD, cf="RSSMRA80A01H501U"))
    assert text.code == 2
    assert "già in uso" in text.stderr

    weak = {
        "Corta1!": "almeno 10 caratteri",
        "tuttominuscole1!": "una lettera maiuscola",
        "SenzaSimboli2027": "un simbolo",
        "Nuovo.Utente!2027": "non può contenere lo userid",
    }
    for password, words in weak.items():
        data = cli.refused(
            *add("nuovo.utente", "--password", password, cf="RSSMRA80A01H501U"), code=2
        )
        assert data["error"] == "invalid_input", (password, data)
        assert data["field"] == "password", (password, data)
        assert words in data["message"], (password, data)
    text = cli(*add("nuovo.utente", "--password", "corta", cf="RSSMRA80A01H501U"))
    assert text.code == 2
    assert "La password deve avere almeno 10 caratteri." in text.stderr

    bad_cf = cli.refused(*add("nuovo.utente", "--password", PASSWORD, cf="XYZ"), code=2)
    assert bad_cf["field"] == "codice_fiscale"
    bad_area = cli.refused(
        *add(
            "nuovo.utente",
            "--password",
            PASSWORD,
            "--area",
            "nessuna.lextel.it",
            cf="RSSMRA80A01H501U",
        ),
        code=2,
    )
    assert bad_area["field"] == "area"
    cli(*add("nuovo.utente", "--password", PASSWORD, "--role", "re"), expect=2)
    cli.refused("account", "show", "nuovo.utente")  # none of them was created


def test_users_add_asks_for_the_password_when_omitted(cli: Kiosk) -> None:
    result = cli(*add("enrico.neri"), input=f"{PASSWORD}\n{PASSWORD}\n", expect=0)
    assert "Ripetere la password" in result.stdout + result.stderr  # the prompt, not the password
    assert PASSWORD not in result.stdout + result.stderr
    assert cli.ok("account", "show", "enrico.neri")["userid"] == "enrico.neri"


def test_db_migrate_and_load_demo(make_kiosk: Callable[..., Kiosk], tmp_path: Path) -> None:
    cli = make_kiosk(KIOSK_DATABASE_URL=f"sqlite://{tmp_path / 'nothing-yet.sqlite3'}")
    assert cli.ok("db", "migrate") == {"migrated": True, "backend": "sqlite"}
    assert cli.ok("db", "migrate") == {"migrated": True, "backend": "sqlite"}  # idempotent
    assert cli.ok("overview") == []

    assert cli.ok("db", "load-demo") == {
        "loaded": True,
        "users": ["avv.demo", "avv.rossi", "operatore.demo", "admin.demo"],
    }
    account = cli.ok("account", "show", DEMO_USER)
    assert account["balance_cents"] == 1830
    assert len(account["mailboxes"]) == 4
    assert cli.ok("renewal", "quote", DEMO_USER, RENEWABLE)["renewable"] is True
    assert cli.ok("renewal", "quote", ROSSI_USER, ROSSI)["total_cents"] == 1464

    again = cli.refused("db", "load-demo")
    assert again["error"] == "demo_present"
    assert cli.ok("account", "show", DEMO_USER)["balance_cents"] == 1830
