"""Reading bank statements (no database): amounts, CSV profiles, camt.053, near codes."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from kiosk.domain.ordercode import ALPHABET, check_char
from kiosk.payments.statements import StatementError, StatementFormat, sniff
from kiosk.payments.statements.camt import parse_camt053
from kiosk.payments.statements.csvfile import CsvProfile, load_profiles, parse_amount, parse_csv
from kiosk.payments.statements.matching import edit_distance, suggest
from tests.conftest import DATA
from tests.statements import camt, credit

CODE = "RLM4K7Q2X" + check_char("4K7Q2X")


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1.234,56", 123456), ("-30,50", -3050), ("+30,5", 3050), ("30,50 €", 3050),
     ("30,50-", -3050), ("1.250", 125000), ("12", 1200), ("1.000.000,00", 100000000)],
)  # fmt: skip
def test_italian_amounts(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["30.50", "1,234.56", "trenta", "", "30,505", "1.23,45"])
def test_amounts_that_are_not_italian_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(text)}$"):
        parse_amount(text)


def test_dot_decimal_profile() -> None:
    assert parse_amount("1,234.56", ".") == 123456


def test_the_shipped_profiles_load() -> None:
    default, profiles = load_profiles(DATA)
    assert default == "banca" and profiles["banca"].delimiter == ";"
    assert profiles["dare-avere"].skip_lines == 1


def test_a_profile_with_direction_column_and_derived_references() -> None:
    profile = CsvProfile(
        name="t", date_column="Data", causale_columns=("Note",), amount_column="Importo",
        direction_column="Segno", delimiter=",", encoding="utf-8", decimal=".",
    )  # fmt: skip
    data = (
        b"Data,Importo,Segno,Note\n2026-11-23,30.50,A,rinnovo\n2026-11-23,30.50,D,spese\n"
        b"2026-11-23,30.50,A,rinnovo\n"
    )
    first, debit, second = parse_csv(data, profile)
    assert first.credit and not debit.credit and second.credit
    assert first.reference.startswith("EC-") and first.reference != second.reference
    assert parse_csv(data, profile)[0].reference == first.reference  # stable across imports


def test_csv_errors_say_the_line() -> None:
    _default, profiles = load_profiles(DATA)
    both = (
        b"titolo;;\nData;Valuta;Dare;Avere;Descrizione operazione;CRO/TRN\n"
        b"23/11/2026;;1,00;2,00;x;R\n"
    )
    with pytest.raises(StatementError) as err:
        parse_csv(both, profiles["dare-avere"])
    assert err.value.where == "riga 3"
    with pytest.raises(StatementError) as err:
        parse_csv(b"titolo\nData;Avere\n", profiles["dare-avere"])
    assert err.value.where == "riga 2" and "Descrizione operazione" in err.value.message
    with pytest.raises(StatementError) as err:
        parse_csv("Data contabile;Importo\n\x81".encode("latin-1"), profiles["banca"])
    assert "cp1252" in err.value.message


def test_camt_amounts_dates_status_and_batches() -> None:
    xml = camt(
        credit("A", "30.5", "uno")
        + credit("B", "30.500", "due").replace("<Sts>BOOK</Sts>", "<Sts>PDNG</Sts>")
        + '<Ntry><Amt Ccy="EUR">20.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
        "<BookgDt><DtTm>2026-11-24T23:30:00+01:00</DtTm></BookgDt><AcctSvcrRef>C</AcctSvcrRef>"
        "<NtryDtls><TxDtls><AmtDtls><TxAmt><Amt Ccy='EUR'>12.00</Amt></TxAmt></AmtDtls></TxDtls>"
        "<TxDtls><Amt Ccy='EUR'>8.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls></NtryDtls></Ntry>"
    )
    a, b, c1, c2 = parse_camt053(xml)
    assert (a.amount_cents, a.booked, a.causale) == (3050, True, "uno")
    assert (b.amount_cents, b.booked) == (3050, False)
    assert (c1.reference, c1.amount_cents, c1.credit, c1.booked_on) == (
        "C/1",
        1200,
        True,
        date(2026, 11, 24),
    )
    assert (c2.reference, c2.credit) == ("C/2", False)
    assert "transazione 2" in c2.where


@pytest.mark.parametrize(
    "xml",
    [
        camt(credit("A", "30.505", "x")),
        camt(credit("A", "30.50", "x").replace("CRDT", "CREDIT")),
        camt(credit("A", "30.50", "x").replace("2026-11-24", "24/11/2026")),
        b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        b"<a>&b;</a>",
        b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.054.001.02'/>",
        b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'/>",
    ],
)
def test_camt_errors(xml: bytes) -> None:
    with pytest.raises(StatementError):
        parse_camt053(xml)


def test_sniffing() -> None:
    assert sniff(b"\xef\xbb\xbf  <?xml") is StatementFormat.CAMT053
    assert sniff(b"Data;Importo") is StatementFormat.CSV


def test_one_slip_away_is_suggested() -> None:
    i = 6
    wrong = CODE[:i] + next(c for c in ALPHABET if c != CODE[i]) + CODE[i + 1 :]
    swapped = CODE[:4] + CODE[5] + CODE[4] + CODE[6:]
    for written in (
        wrong,
        swapped,
        CODE[:-1],  # the check character left out
        CODE[:6] + "Q" + CODE[6:],  # one too many
        f"rlm {CODE[3:7].lower()}-{CODE[7:]}",  # as written, but valid: suggestions still fine
    ):
        assert suggest(
            f"Rinnovo {written} avv. Rossi", [CODE, "RLMAAAAAA" + check_char("AAAAAA")]
        ) == (CODE,), written
    assert suggest("bonifico senza codice", [CODE]) == ()
    assert edit_distance("ABCD", "ABDC") == 1 and edit_distance("ABCD", "BADC") == 2


def test_statement_fixture_files_are_in_their_encodings() -> None:
    here = Path(__file__).resolve().parents[1] / "data" / "statements"
    assert (here / "banca-bom.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Niccolò".encode("cp1252") in (here / "banca.csv").read_bytes()
