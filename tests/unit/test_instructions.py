"""EPC QR payloads and offline payment instructions (kiosk.domain.instructions)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import refdata
from kiosk.domain import ordercode
from kiosk.domain.instructions import (
    EPC_MAX_BYTES,
    BankCoordinates,
    EpcError,
    PaymentInstructions,
    causale,
    epc_payload,
    payment_instructions,
)
from kiosk.domain.model import PaymentMethod

ROOT = Path(__file__).resolve().parents[2]
RD = refdata.load(ROOT / "data")
PAYEE = RD.payee
BANK = PAYEE.bank
CODE = "RLM" + "4K7Q2X" + ordercode.check_char("4K7Q2X")
PEC = "maria.demo@pec.avvocatinocera.it"


def _lines(payload: str) -> list[str]:
    return payload.split("\n")


# --- reference data used below -----------------------------------------------------------------


def test_the_payee_in_data_is_payable() -> None:
    """data/payee.toml holds real-shaped coordinates: a valid IBAN and BIC, that an EPC QR
    accepts (a typo in the file would break every bonifico QR)."""
    from stdnum import bic, iban

    assert iban.is_valid(BANK.iban) and bic.is_valid(BANK.bic)
    assert epc_payload(BANK, 1830, causale(CODE)).splitlines()[6] == iban.compact(BANK.iban)


# --- EPC069-12 v002 ----------------------------------------------------------------------------


def test_epc_payload_lines() -> None:
    remittance = f"{CODE} Rinnovo PEC {PEC}"
    payload = epc_payload(BANK, 1220, remittance)
    assert _lines(payload) == [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # identification
        "SELBIT2BXXX",
        "Lextel S.p.A.",
        "IT60X0542811101000000123456",
        "EUR12.20",
        "",  # purpose
        "",  # structured reference
        remittance,
    ]
    assert not payload.endswith("\n")
    assert "\r" not in payload


def test_epc_payload_with_information_line() -> None:
    payload = epc_payload(BANK, 1220, "causale", info="nota per il beneficiario")
    assert _lines(payload)[10:] == ["causale", "nota per il beneficiario"]


def test_epc_payload_compacts_iban_and_bic_and_name() -> None:
    bank = BankCoordinates(
        "  Lextel   S.p.A.  ", "IT60 X054 2811 1010 0000 0123 456", "selb it 2b", "Banca Sella"
    )
    lines = _lines(epc_payload(bank, 100, "x"))
    assert lines[4] == "SELBIT2B"
    assert lines[5] == "Lextel S.p.A."
    assert lines[6] == "IT60X0542811101000000123456"


def test_epc_payload_without_bic() -> None:
    lines = _lines(epc_payload(replace(BANK, bic=""), 100, "x"))
    assert lines[4] == ""
    assert lines[6] == "IT60X0542811101000000123456"


def test_epc_payload_collapses_remittance_whitespace() -> None:
    lines = _lines(epc_payload(BANK, 100, "  RLM 123\n\tRossi  "))
    assert lines[10] == "RLM 123 Rossi"
    assert len(lines) == 11


@pytest.mark.parametrize(
    ("cents", "field"),
    [
        (1, "EUR0.01"),
        (10, "EUR0.10"),
        (100, "EUR1.00"),
        (1220, "EUR12.20"),
        (3050, "EUR30.50"),
        (123456, "EUR1234.56"),
        (99_999_999_999, "EUR999999999.99"),
    ],
)
def test_epc_amount_always_two_decimals(cents: int, field: str) -> None:
    assert _lines(epc_payload(BANK, cents, "x"))[7] == field


@pytest.mark.parametrize("cents", [0, -1, -1220, 100_000_000_000])
def test_epc_rejects_amount_out_of_range(cents: int) -> None:
    with pytest.raises(EpcError, match="amount"):
        epc_payload(BANK, cents, "x")


def test_epc_name_length() -> None:
    epc_payload(replace(BANK, beneficiary="N" * 70), 100, "x")
    with pytest.raises(EpcError, match="beneficiary"):
        epc_payload(replace(BANK, beneficiary="N" * 71), 100, "x")
    with pytest.raises(EpcError, match="beneficiary"):
        epc_payload(replace(BANK, beneficiary="   "), 100, "x")


@pytest.mark.parametrize(
    "iban", ["IT61X0542811101000000123456", "IT60X054281110100000012345", "", "XX00"]
)
def test_epc_rejects_bad_iban(iban: str) -> None:
    with pytest.raises(EpcError, match="IBAN"):
        epc_payload(replace(BANK, iban=iban), 100, "x")


@pytest.mark.parametrize("bic", ["1234IT2B", "SELBIT2", "SELBXX2B", "SELBIT2BXX"])
def test_epc_rejects_bad_bic(bic: str) -> None:
    with pytest.raises(EpcError, match="BIC"):
        epc_payload(replace(BANK, bic=bic), 100, "x")


def test_epc_remittance_length() -> None:
    assert _lines(epc_payload(BANK, 100, "r" * 140))[10] == "r" * 140
    with pytest.raises(EpcError, match="remittance"):
        epc_payload(BANK, 100, "r" * 141)


def test_epc_info_length() -> None:
    epc_payload(BANK, 100, "x", info="i" * 70)
    with pytest.raises(EpcError, match="information"):
        epc_payload(BANK, 100, "x", info="i" * 71)


def test_epc_payload_is_utf8_with_multibyte_characters() -> None:
    bank = replace(BANK, beneficiary="Società Cooperativa Forense à è ì ò ù")
    payload = epc_payload(bank, 1220, "Rinnovo PEC avv. Niccolò Pérez €")
    raw = payload.encode("utf-8")
    assert raw.decode("utf-8") == payload
    assert _lines(raw.decode("utf-8"))[5] == "Società Cooperativa Forense à è ì ò ù"
    assert len(raw) > len(payload)


def test_epc_total_size_counts_bytes_not_characters() -> None:
    # 70 + 140 ASCII characters fit ...
    ascii_payload = epc_payload(replace(BANK, beneficiary="N" * 70), 100, "r" * 140)
    assert len(ascii_payload.encode("utf-8")) <= EPC_MAX_BYTES
    # ... the same number of characters, each two bytes in UTF-8, do not
    too_big_name = replace(BANK, beneficiary="è" * 70)
    assert len("è" * 70) == 70
    with pytest.raises(EpcError, match=f"{EPC_MAX_BYTES} bytes"):
        epc_payload(too_big_name, 100, "è" * 140)


def _remittance_of_bytes(n: int) -> str:
    """At most 140 characters, exactly n bytes in UTF-8 ('€' is 3 bytes)."""
    euros = max(0, -(-(n - 140) // 2))
    text = "€" * euros + "x" * (n - 3 * euros)
    assert len(text) <= 140
    assert len(text.encode("utf-8")) == n
    return text


def test_epc_size_limit_is_inclusive() -> None:
    overhead = len(epc_payload(BANK, 1220, "x").encode("utf-8")) - 1
    fits = epc_payload(BANK, 1220, _remittance_of_bytes(EPC_MAX_BYTES - overhead))
    assert len(fits.encode("utf-8")) == EPC_MAX_BYTES
    with pytest.raises(EpcError, match="bytes"):
        epc_payload(BANK, 1220, _remittance_of_bytes(EPC_MAX_BYTES - overhead + 1))


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=1, max_value=99_999_999_999),
    remittance=st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
        max_size=140,
    ),
)
def test_epc_payload_properties(cents: int, remittance: str) -> None:
    normalised = " ".join(remittance.split())
    overhead = len(epc_payload(BANK, cents, "x").encode("utf-8")) - 1
    if overhead + len(normalised.encode("utf-8")) > EPC_MAX_BYTES:
        with pytest.raises(EpcError, match="bytes"):
            epc_payload(BANK, cents, remittance)
        return
    payload = epc_payload(BANK, cents, remittance)
    raw = payload.encode("utf-8")
    assert len(raw) <= EPC_MAX_BYTES
    lines = raw.decode("utf-8").split("\n")
    assert lines[:4] == ["BCD", "002", "1", "SCT"]
    euros, rest = divmod(cents, 100)
    assert lines[7] == f"EUR{euros}.{rest:02d}"
    assert lines[8:10] == ["", ""] or len(lines) == 8
    assert normalised == (lines[10] if len(lines) > 10 else "")


# --- causale -----------------------------------------------------------------------------------


def test_causale_starts_with_the_order_code() -> None:
    assert causale(CODE) == f"{CODE} RINNOVO PEC"
    assert ordercode.find_in_causale(causale(CODE)) == CODE


# --- instructions ------------------------------------------------------------------------------


def test_bonifico_instructions() -> None:
    result = payment_instructions(PaymentMethod.BONIFICO, PAYEE, CODE, 1220)
    assert isinstance(result, PaymentInstructions)
    assert result.method is PaymentMethod.BONIFICO
    assert result.order_code == CODE
    assert result.amount_cents == 1220
    assert result.causale.startswith(CODE)
    assert result.causale == f"{CODE} RINNOVO PEC"
    assert result.admin_email == "amministrazione@lextel.it"
    assert result.qr_payload == epc_payload(BANK, 1220, result.causale)
    assert _lines(result.qr_payload)[7] == "EUR12.20"
    assert _lines(result.qr_payload)[10] == result.causale
    details = dict(result.details)
    assert details["Beneficiario"] == "Lextel S.p.A."
    assert details["IBAN"] == "IT60 X054 2811 1010 0000 0123 456"
    assert details["BIC"] == "SELBIT2BXXX"
    assert details["Banca"] == "Banca Sella"
    assert details["Importo"] == "12,20\u00a0€"
    assert details["Causale"] == result.causale
    assert [label for label, _ in result.details] == [
        "Beneficiario",
        "IBAN",
        "BIC",
        "Banca",
        "Importo",
        "Causale",
    ]
    assert "Inviare copia del versamento all'indirizzo amministrazione@lextel.it" in result.text
    assert result.text.splitlines()[-1].endswith("amministrazione@lextel.it")


def test_bollettino_instructions() -> None:
    result = payment_instructions(PaymentMethod.BOLLETTINO, PAYEE, CODE, 3050)
    assert result.causale.startswith(CODE)
    assert not result.qr_payload.startswith("BCD")
    assert result.qr_payload.splitlines() == [
        "BOLLETTINO POSTALE",
        "C/C 001023456789",
        "Lextel S.p.A.",
        "EUR 30,50",
        result.causale,
    ]
    assert "Inviare copia del versamento all'indirizzo amministrazione@lextel.it" in result.text
    assert dict(result.details)["Conto corrente postale"] == "001023456789"
    assert dict(result.details)["Intestatario"] == "Lextel S.p.A."


def test_assegno_instructions() -> None:
    result = payment_instructions(PaymentMethod.ASSEGNO, PAYEE, CODE, 1220)
    assert result.qr_payload.splitlines() == [
        "ASSEGNO NON TRASFERIBILE",
        "Lextel S.p.A.",
        "EUR 12,20",
        f"Sul retro: {result.causale}",
    ]
    details = dict(result.details)
    assert details["Assegno non trasferibile intestato a"] == "Lextel S.p.A."
    assert details["Importo"] == "12,20\u00a0€"
    assert details["Consegna allo sportello"] == PAYEE.cheque.desk
    assert details["Oppure spedire a"] == PAYEE.cheque.mail_address
    assert details["Da scrivere sul retro"].startswith(CODE)
    assert not any("ausale" in label for label in details)  # a cheque has no causale
    assert "amministrazione@lextel.it" in result.text


def test_text_rows_follow_details() -> None:
    result = payment_instructions(PaymentMethod.BOLLETTINO, PAYEE, CODE, 1220)
    rows = result.text.split("\n")
    assert rows[: len(result.details)] == [f"{k}: {v}" for k, v in result.details]
    assert len(rows) == len(result.details) + 1


@pytest.mark.parametrize("method", [PaymentMethod.PREPAID, PaymentMethod.CARTA])
def test_online_methods_have_no_instructions(method: PaymentMethod) -> None:
    with pytest.raises(ValueError, match="not an offline payment method"):
        payment_instructions(method, PAYEE, CODE, 1220)


@pytest.mark.parametrize("method", list(PaymentMethod))
def test_instructions_exist_exactly_for_offline_methods(method: PaymentMethod) -> None:
    if method.offline:
        result = payment_instructions(method, PAYEE, CODE, 1220)
        assert result.qr_payload
        assert ordercode.find_in_causale(result.qr_payload) == CODE
    else:
        with pytest.raises(ValueError, match="not an offline payment method"):
            payment_instructions(method, PAYEE, CODE, 1220)


@pytest.mark.parametrize("method", [m for m in PaymentMethod if m.offline])
def test_every_qr_fits_an_80x24_terminal(method: PaymentMethod) -> None:
    """At most 108 bytes: QR version 5 at level L, 45 modules with the quiet zone = 23 rows."""
    result = payment_instructions(method, PAYEE, CODE, 99_999_999)  # a 999.999,99 € worst case
    assert len(result.qr_payload.encode("utf-8")) <= 108
    assert len(result.qr_payload.encode("utf-8")) <= EPC_MAX_BYTES


def test_bonifico_with_a_real_generated_code() -> None:
    code = ordercode.generate()
    result = payment_instructions(PaymentMethod.BONIFICO, PAYEE, code, 4270)
    assert ordercode.find_in_causale(_lines(result.qr_payload)[10]) == code
    assert _lines(result.qr_payload)[7] == "EUR42.70"


def test_epc_info_cannot_add_lines() -> None:
    try:
        payload = epc_payload(BANK, 100, "x", info="nota\nriga in più")
    except EpcError:
        return
    assert len(_lines(payload)) <= 12
