"""FatturaPA from content alone: valid against the official XSD for any amounts and names, the
totals copied to the cent, the file names the exchange system expects, Latin-1 text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.documents import fatturapa
from kiosk.documents.content import Amounts, Customer, DocumentLine, InvoiceContent
from kiosk.documents.seller import load_seller, parse_seller
from kiosk.domain.model import PaymentMethod
from kiosk.domain.money import ASSISTED_FEE_NET_CENTS, VAT_RATE_PERCENT, vat_cents
from tests.conftest import DATA
from tests.documents import assert_valid_fatturapa, cents, text_of

SELLER = load_seller(DATA)
NAMES = (
    "Avv. Maria Demo",
    "Avv. Nicolò D’Àmico",  # typographic apostrophe: not Latin-1
    "Avv. Anna Maria Dell'Orto & Figli <studio>",  # XML's own special characters
    "Avv. Łucja Szymańska-Çelik",  # beyond Latin-1: transliterated
    "Avv. Zoë Ørsted\tGrünwald\n",  # controls and a newline
    "Avv. " + "Lunghissimo " * 10,  # longer than Denominazione's 80 characters
)


def invoice(
    renewal_cents: int,
    fee_cents: int = 0,
    *,
    name: str = "Avv. Maria Demo",
    method: PaymentMethod = PaymentMethod.BONIFICO,
    year: int = 2026,
    sequence: int = 1,
) -> InvoiceContent:
    lines = [DocumentLine("Rinnovo annuale casella PEC", renewal_cents,
                          (date(2026, 12, 16), date(2027, 12, 15)))]  # fmt: skip
    if fee_cents:
        lines.append(DocumentLine("Servizio di rinnovo assistito", fee_cents))
    net = renewal_cents + fee_cents
    vat = vat_cents(net)
    return InvoiceContent(
        year=year,
        sequence=sequence,
        issued_at=datetime(year, 11, 25, 9, 0, tzinfo=UTC),
        issued_on=date(year, 11, 25),
        order_code="RLM4K7Q2X3",
        customer=Customer(
            name,
            "DMEMRA80A41F912A",
            "avv.demo@example.org",
            "maria.demo@pec.avvocatinocera.it",
            "avv.demo",
        ),
        amounts=Amounts(tuple(lines), net, vat, net + vat, VAT_RATE_PERCENT),
        method=method,
        method_label=method.label,
        paid_on=date(year, 11, 25),
        payment_reference="CRO 1",
        next_expiry=date(2027, 12, 15),
    )


@settings(max_examples=40, deadline=None)
@given(
    renewal=st.integers(min_value=1, max_value=10_000_000),
    assisted=st.booleans(),
    name=st.sampled_from(NAMES),
    method=st.sampled_from(list(PaymentMethod)),
)
def test_every_invoice_is_valid_fatturapa_with_the_stored_totals(
    renewal: int, assisted: bool, name: str, method: PaymentMethod
) -> None:
    content = invoice(renewal, ASSISTED_FEE_NET_CENTS if assisted else 0, name=name, method=method)
    root = assert_valid_fatturapa(fatturapa.invoice_xml(SELLER, content))
    amounts = content.amounts
    assert cents(root, ".//DatiRiepilogo/ImponibileImporto") == amounts.net_cents
    assert cents(root, ".//DatiRiepilogo/Imposta") == amounts.vat_cents
    assert cents(root, ".//ImportoTotaleDocumento") == amounts.total_cents
    assert cents(root, ".//ImportoPagamento") == amounts.total_cents
    lines = root.findall(".//DettaglioLinee")
    assert len(lines) == (2 if assisted else 1)
    assert [cents(line, "PrezzoTotale") for line in lines] == [
        line.net_cents for line in amounts.lines
    ]
    assert {text_of(line, "AliquotaIVA") for line in lines} == {"22.00"}


@pytest.mark.parametrize(
    ("net", "vat"),
    [(1, 0), (2, 0), (3, 1), (1002, 220), (1025, 226), (1500, 330), (2275, 501), (4999, 1100)],
)
def test_rounding_cases_keep_the_stored_tax(net: int, vat: int) -> None:
    """IVA half up on the taxable total, as stored: 10,25 → 2,255 → 2,26."""
    root = assert_valid_fatturapa(fatturapa.invoice_xml(SELLER, invoice(net)))
    assert cents(root, ".//DatiRiepilogo/Imposta") == vat == vat_cents(net)


def test_the_header_says_who_sends_to_whom() -> None:
    root = assert_valid_fatturapa(fatturapa.invoice_xml(SELLER, invoice(1500, 1000)))
    assert root.tag == f"{{{fatturapa.NAMESPACE}}}FatturaElettronica"
    assert root.get("versione") == "FPR12"
    assert text_of(root, ".//DatiTrasmissione/FormatoTrasmissione") == "FPR12"
    assert text_of(root, ".//DatiTrasmissione/CodiceDestinatario") == "0000000"
    assert text_of(root, ".//PECDestinatario") == "maria.demo@pec.avvocatinocera.it"
    assert text_of(root, ".//CedentePrestatore//IdFiscaleIVA/IdCodice") == "07382140585"
    assert text_of(root, ".//CedentePrestatore//RegimeFiscale") == "RF01"
    buyer = root.find(".//CessionarioCommittente/DatiAnagrafici")
    assert buyer is not None
    assert text_of(buyer, "CodiceFiscale") == "DMEMRA80A41F912A"
    assert buyer.find("IdFiscaleIVA") is None  # a private person: no partita IVA
    assert text_of(root, ".//TipoDocumento") == "TD01"
    assert text_of(root, ".//DatiGeneraliDocumento/Numero") == "2026/000001"
    assert text_of(root, ".//DatiGeneraliDocumento/Data") == "2026-11-25"
    assert text_of(root, ".//DettaglioLinee/DataInizioPeriodo") == "2026-12-16"


def test_names_are_kept_within_latin_1() -> None:
    assert fatturapa.latin("Avv. Nicolò D’Àmico", 80) == "Avv. Nicolò D'Àmico"
    assert fatturapa.latin("Łucja Szymańska-Çelik", 80) == "Lucja Szymanska-Çelik"
    assert fatturapa.latin(" Zoë\tØrsted\nGrünwald ", 80) == "Zoë Ørsted Grünwald"
    assert fatturapa.latin("Studio “Rossi” – Bianchi…", 80) == 'Studio "Rossi" - Bianchi...'
    assert fatturapa.latin("x" * 100, 80) == "x" * 80
    assert fatturapa.latin("\u4e2d", 80) == "?"  # nothing Latin in it: marked, not dropped
    root = assert_valid_fatturapa(
        fatturapa.invoice_xml(SELLER, invoice(1500, name="Avv. Nicolò D’Àmico & C."))
    )
    assert text_of(root, ".//CessionarioCommittente//Denominazione") == "Avv. Nicolò D'Àmico & C."


def test_progressive_names_every_invoice_apart() -> None:
    seen: dict[str, tuple[int, int]] = {}
    for year in range(fatturapa.FIRST_YEAR, fatturapa.LAST_YEAR + 1):
        for sequence in (1, 2, 35, 36, 37, 1295, 1296, 46_655, 46_656, 999_998, 999_999):
            name = fatturapa.progressive(year, sequence)
            assert re.fullmatch(r"[0-9A-Z]{5}", name)
            assert name not in seen, (year, sequence, seen.get(name))
            seen[name] = (year, sequence)
    assert fatturapa.progressive(2026, 1) == fatturapa.progressive(2026, 1)  # deterministic
    for year, sequence in ((1999, 1), (2060, 1), (2026, 0), (2026, 1_000_000)):
        with pytest.raises(ValueError, match="progressive"):
            fatturapa.progressive(year, sequence)


@given(
    a=st.tuples(st.integers(2000, 2059), st.integers(1, 999_999)),
    b=st.tuples(st.integers(2000, 2059), st.integers(1, 999_999)),
)
def test_progressive_is_one_to_one(a: tuple[int, int], b: tuple[int, int]) -> None:
    assert (fatturapa.progressive(*a) == fatturapa.progressive(*b)) == (a == b)


def test_file_name_as_the_exchange_system_expects() -> None:
    name = fatturapa.file_name(SELLER, 2026, 42)
    assert re.fullmatch(r"IT07382140585_[0-9A-Z]{5}\.xml", name)
    root = assert_valid_fatturapa(fatturapa.invoice_xml(SELLER, invoice(1500, sequence=42)))
    assert name == f"IT07382140585_{text_of(root, './/ProgressivoInvio')}.xml"


def test_no_codice_fiscale_no_fatturapa() -> None:
    content = invoice(1500)
    anonymous = InvoiceContent(**{
        **{f: getattr(content, f) for f in content.__dataclass_fields__},
        "customer": Customer("Avv. X", None, "x@example.org", "x@pec.it", "avv.x"),
    })  # fmt: skip
    with pytest.raises(ValueError, match="codice fiscale"):
        fatturapa.invoice_xml(SELLER, anonymous)


def test_amounts_must_add_up() -> None:
    line = DocumentLine("Rinnovo", 1500)
    with pytest.raises(ValueError, match="lines"):
        Amounts((line,), 1600, 352, 1952, 22)
    with pytest.raises(ValueError, match="total"):
        Amounts((line,), 1500, 330, 1831, 22)


def test_the_seller_file_is_checked(tmp_path: Path) -> None:
    import tomllib

    seller = load_seller(DATA)
    assert seller.name == "Lextel S.p.A." and seller.regime_fiscale == "RF01"
    doc = tomllib.loads((DATA / "seller.toml").read_text(encoding="utf-8"))
    assert parse_seller(doc) == seller
    with pytest.raises(ValueError, match="partita_iva"):
        parse_seller({**doc, "partita_iva": "07382140584"})  # wrong check digit
    with pytest.raises(ValueError, match="CAP"):
        parse_seller({**doc, "address": {**doc["address"], "cap": "187"}})
    with pytest.raises(ValueError, match="regime_fiscale"):
        parse_seller({**doc, "regime_fiscale": "RF99"})
    with pytest.raises(ValueError, match="name is missing"):
        parse_seller({k: v for k, v in doc.items() if k != "name"})
