"""Input validation with Italian messages (kiosk.domain.validation)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from kiosk import refdata
from kiosk.domain import validation as v
from kiosk.domain.model import MailboxFamily
from kiosk.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
RD = refdata.load(ROOT / "data")
NOCERA = RD.area("avvocatinocera.lextel.it")


def _invalid(expected_field: str, call: object, *args: object, **kwargs: object) -> InvalidInput:
    assert callable(call)
    with pytest.raises(InvalidInput) as info:
        call(*args, **kwargs)
    assert info.value.field == expected_field
    assert info.value.message == str(info.value)
    assert info.value.message  # something the user can read
    return info.value


def test_invalid_input_is_a_value_error() -> None:
    err = InvalidInput("campo", "messaggio")
    assert isinstance(err, ValueError)
    assert (err.field, err.message, str(err)) == ("campo", "messaggio", "messaggio")


# --- userid ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("avv.rossi", "avv.rossi"),
        ("  Avv.Rossi  ", "avv.rossi"),
        ("abc", "abc"),
        ("a" * 32, "a" * 32),
        ("m_demo-2026", "m_demo-2026"),
    ],
)
def test_userid_accepts(raw: str, clean: str) -> None:
    assert v.userid(raw) == clean


@pytest.mark.parametrize(
    "raw", ["ab", "a" * 33, "1abc", "_abc", ".abc", "avv rossi", "avv@rossi", "àbcd", "abc!"]
)
def test_userid_rejects(raw: str) -> None:
    err = _invalid("userid", v.userid, raw)
    assert "da 3 a 32 caratteri" in err.message


@pytest.mark.parametrize("raw", ["", "   "])
def test_userid_required(raw: str) -> None:
    assert _invalid("userid", v.userid, raw).message == "Inserire lo userid."


# --- password ----------------------------------------------------------------------------------


GOOD = "Rinnovo2026!"


@pytest.mark.parametrize("pw", [GOOD, "Abcdefg1!x", "Aa1!" + "x" * 124, "Ünïcødé1-oK"])
def test_password_accepts(pw: str) -> None:
    assert v.password(pw) == pw
    assert v.password(pw, "avv.demo") == pw


def test_password_length_bounds() -> None:
    assert v.password("Abcdef1!gh") == "Abcdef1!gh"  # exactly 10
    err = _invalid("password", v.password, "Abcde1!gh")  # 9
    assert err.message == "La password deve avere almeno 10 caratteri."
    assert v.password("Aa1!" + "x" * 124) is not None  # exactly 128
    err = _invalid("password", v.password, "Aa1!" + "x" * 125)  # 129
    assert err.message == "La password può avere al massimo 128 caratteri."


@pytest.mark.parametrize(
    ("pw", "missing"),
    [
        ("ABCDEFG1!X", "una lettera minuscola"),
        ("abcdefg1!x", "una lettera maiuscola"),
        ("Abcdefgh!x", "una cifra"),
        ("Abcdefgh1x", "un simbolo"),
    ],
)
def test_password_classes(pw: str, missing: str) -> None:
    err = _invalid("password", v.password, pw)
    assert err.message == f"La password deve contenere {missing}."


def test_password_lists_everything_missing() -> None:
    err = _invalid("password", v.password, "abcdefghij")
    assert err.message == (
        "La password deve contenere una lettera maiuscola, una cifra, un simbolo."
    )


@pytest.mark.parametrize(
    ("pw", "user"),
    [("xAvv.Rossi1!", "avv.rossi"), ("1!AVV.ROSSIx", "avv.rossi"), ("Avv.Demo-2026", "AVV.DEMO")],
)
def test_password_must_not_contain_the_userid(pw: str, user: str) -> None:
    err = _invalid("password", v.password, pw, user)
    assert err.message == "La password non può contenere lo userid."
    assert v.password(pw) == pw  # fine without a user


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=10, max_size=128))
def test_password_policy_property(pw: str) -> None:
    ok = (
        any("a" <= c <= "z" for c in pw)
        and any("A" <= c <= "Z" for c in pw)
        and any(c.isdecimal() for c in pw)  # re: \d is Unicode Nd
        and any(not ("a" <= c <= "z" or "A" <= c <= "Z" or "0" <= c <= "9") for c in pw)
    )
    if ok:
        assert v.password(pw) == pw
    else:
        with pytest.raises(InvalidInput):
            v.password(pw)


# --- PEC addresses -----------------------------------------------------------------------------


def test_pec_legalmail() -> None:
    assert v.pec("Mario.Rossi@LegalMail.it", MailboxFamily.LEGALMAIL, []) == (
        "mario.rossi@legalmail.it"
    )
    # legalmail ignores the area's domains, even when they are passed
    assert v.pec(" m.demo@legalmail.it ", MailboxFamily.LEGALMAIL, ["pec.x.it"]) == (
        "m.demo@legalmail.it"
    )


@pytest.mark.parametrize(
    "address",
    [
        "maria@pec.avvocatinocera.it",
        "maria@avvocatinocera.legalmail.it",  # a sub-domain is not legalmail.it
        "maria@legalmail.it.example.org",
        "maria@legalmail.com",
    ],
)
def test_pec_legalmail_only_on_legalmail(address: str) -> None:
    err = _invalid("pec", v.pec, address, MailboxFamily.LEGALMAIL, ["pec.avvocatinocera.it"])
    assert "@legalmail.it" in err.message


def test_pec_convention_families_use_the_area_domains() -> None:
    assert NOCERA is not None
    ordine = NOCERA.domains_for(MailboxFamily.CONVENZIONE_ORDINE)
    dominio = NOCERA.domains_for(MailboxFamily.DOMINIO_CONVENZIONE)
    assert v.pec("Maria.Demo@PEC.AvvocatiNocera.it", MailboxFamily.CONVENZIONE_ORDINE, ordine) == (
        "maria.demo@pec.avvocatinocera.it"
    )
    assert (
        v.pec("studio@avvocatinocera.legalmail.it", MailboxFamily.DOMINIO_CONVENZIONE, dominio)
        == "studio@avvocatinocera.legalmail.it"
    )
    # each family only on its own domains
    err = _invalid(
        "pec",
        v.pec,
        "studio@avvocatinocera.legalmail.it",
        MailboxFamily.CONVENZIONE_ORDINE,
        ordine,
    )
    assert "avvocatinocera.legalmail.it" in err.message
    assert "pec.avvocatinocera.it" in err.message  # the allowed ones are listed
    _invalid(
        "pec", v.pec, "maria@pec.avvocatinocera.it", MailboxFamily.DOMINIO_CONVENZIONE, dominio
    )
    _invalid("pec", v.pec, "maria@legalmail.it", MailboxFamily.DOMINIO_CONVENZIONE, dominio)


def test_pec_allowed_domains_compare_case_insensitively() -> None:
    assert v.pec("a.b@Pec.Ordine.IT", MailboxFamily.CONVENZIONE_ORDINE, ["PEC.ordine.it"]) == (
        "a.b@pec.ordine.it"
    )


def test_pec_lists_allowed_domains_sorted() -> None:
    err = _invalid(
        "pec", v.pec, "a@other.it", MailboxFamily.DOMINIO_CONVENZIONE, ["z.it", "B.it", "a.it"]
    )
    assert err.message == (
        "Il dominio other.it non è in convenzione per questo tipo di casella (a.it, b.it, z.it)."
    )


def test_pec_area_without_convention_domains() -> None:
    lextel = RD.area("www.lextel.it")
    assert lextel is not None
    domains = lextel.domains_for(MailboxFamily.CONVENZIONE_ORDINE)
    assert domains == ()
    err = _invalid("pec", v.pec, "a@pec.ordine.it", MailboxFamily.CONVENZIONE_ORDINE, domains)
    assert err.message == "Quest'area non ha domini in convenzione per questo tipo di casella."


@pytest.mark.parametrize("address", ["", "not an email", "a@b", "@legalmail.it", "a@@legalmail.it"])
def test_pec_syntax(address: str) -> None:
    _invalid("pec", v.pec, address, MailboxFamily.LEGALMAIL, [])
    _invalid("pec", v.pec_address, address)


def test_pec_address_any_family_lower_case() -> None:
    assert v.pec_address(" Maria.Demo@PEC.AvvocatiNocera.it ") == "maria.demo@pec.avvocatinocera.it"


# --- e-mail ------------------------------------------------------------------------------------


def test_email() -> None:
    # compared case-insensitively everywhere, so stored lower-cased (the local part too)
    assert v.email(" Mario.Rossi@Example.ORG ") == "mario.rossi@example.org"
    assert v.email_key(" Mario.Rossi@Example.ORG ") == "mario.rossi@example.org"
    longest = f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 58}.it"
    assert v.email(longest) == longest  # 254 characters: the longest an address may be
    assert _invalid("email", v.email, longest + "x").message == (
        "L'indirizzo può avere al massimo 254 caratteri."
    )
    assert _invalid("email", v.email, "").message == "Inserire l'indirizzo e-mail."
    assert _invalid("email", v.email, "not an email").message == "L'indirizzo e-mail non è valido."
    assert _invalid("recapito", v.email, "x@", field="recapito").field == "recapito"


# --- codice fiscale, partita IVA, IBAN ---------------------------------------------------------


def test_codice_fiscale() -> None:
    assert v.codice_fiscale("RSSGPP75C12H703W") == "RSSGPP75C12H703W"
    assert v.codice_fiscale("rssgpp75c12h703w") == "RSSGPP75C12H703W"
    assert v.codice_fiscale(" RSS GPP 75C12 H703W ") == "RSSGPP75C12H703W"
    assert v.codice_fiscale("DMEMRA80A41F912A") == "DMEMRA80A41F912A"  # the demo user


@pytest.mark.parametrize(
    "value", ["RSSGPP75C12H703X", "RSSGPP75C12H703", "RSSGPP75C12H703WW", "1234567890123456"]
)
def test_codice_fiscale_rejects(value: str) -> None:
    err = _invalid("codice_fiscale", v.codice_fiscale, value)
    assert err.message == "Il codice fiscale non è valido."


def test_codice_fiscale_required() -> None:
    assert _invalid("codice_fiscale", v.codice_fiscale, "").message == (
        "Inserire il codice fiscale."
    )


VALID_PIVA = "0123456078" + luhn.calc_check_digit("0123456078")


def test_partita_iva() -> None:
    assert VALID_PIVA == "01234560785"
    assert v.partita_iva(VALID_PIVA) == VALID_PIVA
    assert v.partita_iva(f"IT {VALID_PIVA}") == VALID_PIVA
    assert v.partita_iva("0123 4560 785") == VALID_PIVA


@pytest.mark.parametrize(
    "value",
    ["", "01234560786", "0123456078", "012345607851", "ABCDEFGHIJK", "00000000000"],
)
def test_partita_iva_rejects(value: str) -> None:
    err = _invalid("partita_iva", v.partita_iva, value)
    assert err.message == "La partita IVA non è valida."


def test_iban() -> None:
    assert v.iban("IT60 X054 2811 1010 0000 0123 456") == "IT60X0542811101000000123456"
    assert v.iban("it60x0542811101000000123456").upper() == "IT60X0542811101000000123456"
    for bad in ("", "IT61X0542811101000000123456", "IT60X054281110100000012345", "hello"):
        assert _invalid("iban", v.iban, bad).message == "L'IBAN non è valido."


# --- nominativo --------------------------------------------------------------------------------


def test_nominativo() -> None:
    assert v.nominativo("  Avv.   Maria  Demo ") == "Avv. Maria Demo"
    assert v.nominativo("Niccolò D'Àlessandro") == "Niccolò D'Àlessandro"
    assert v.nominativo("x" * 120) == "x" * 120
    _invalid("nominativo", v.nominativo, "x")
    _invalid("nominativo", v.nominativo, "   ")
    _invalid("nominativo", v.nominativo, "x" * 121)
    _invalid("nominativo", v.nominativo, "Maria\x1bDemo")
    _invalid("nominativo", v.nominativo, "Maria\tDemo")
    _invalid("nominativo", v.nominativo, "Maria\x85Demo")


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25", date(2026, 11, 25)),
        ("25/11/2026", date(2026, 11, 25)),
        ("5/1/2026", date(2026, 1, 5)),
        ("05/01/2026", date(2026, 1, 5)),
        (" 2026-02-28 ", date(2026, 2, 28)),
        ("29/02/2028", date(2028, 2, 29)),
        ("2028-02-29", date(2028, 2, 29)),
    ],
)
def test_calendar_date_accepts(text: str, expected: date) -> None:
    assert v.calendar_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2026-02-30", "31/04/2026", "29/02/2026", "2026-13-01", "0/1/2026"]
)
def test_calendar_date_rejects_impossible_days(text: str) -> None:
    err = _invalid("data", v.calendar_date, text)
    assert err.message == f"Data inesistente: {text}."


@pytest.mark.parametrize(
    "text", ["2026/01/01", "yesterday", "", "2026-2-3", "25-11-2026", "25.11.2026", "20261125"]
)
def test_calendar_date_rejects_other_formats(text: str) -> None:
    err = _invalid("data", v.calendar_date, text)
    assert err.message == "Data non valida: usare AAAA-MM-GG oppure GG/MM/AAAA."


def test_calendar_date_field_name() -> None:
    assert _invalid("scadenza", v.calendar_date, "ieri", field="scadenza").field == "scadenza"


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_calendar_date_round_trips(d: date) -> None:
    assert v.calendar_date(d.isoformat()) == d
    assert v.calendar_date(f"{d.day:02d}/{d.month:02d}/{d.year}") == d
    assert v.calendar_date(f"{d.day}/{d.month}/{d.year}") == d


def test_userid_ref_refuses_only_what_no_userid_could_be() -> None:
    assert v.userid_ref(" AVV.Demo ") == "avv.demo"
    assert v.userid_ref("x") == "x"  # looked up, and simply not found
    assert _invalid("userid", v.userid_ref, "a" * 33).message == (
        "Lo userid può avere al massimo 32 caratteri."
    )
    assert _invalid("operator", v.userid_ref, "a" * 45, "operator").field == "operator"
    assert v.is_userid("avv.demo") and not v.is_userid("a" * 33) and not v.is_userid("x")
