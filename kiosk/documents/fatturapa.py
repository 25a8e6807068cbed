"""The invoice as FatturaPA XML, version 1.2.2, to private parties (FPR12, TipoDocumento TD01).

Built with the standard library's ElementTree: the same invoice always gives the same bytes.
The seller is the transmitter too (IdTrasmittente, the file name); the customer is the
subscriber, identified by codice fiscale, reached by PEC (CodiceDestinatario 0000000 and
PECDestinatario the mailbox renewed). Amounts are the database's, to the cent: one line per
`DocumentLine` and one summary at 22% whose taxable and tax are the invoice's own.

Texts go through `latin`: FatturaPA accepts only Basic Latin and Latin-1 (no typographic
apostrophe, no "Ł"), so what lies outside is transliterated, never dropped silently.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from datetime import date

from kiosk.documents.content import InvoiceContent
from kiosk.documents.seller import Address, Seller
from kiosk.domain.model import PaymentMethod
from kiosk.domain.money import plain_amount

NAMESPACE = "http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"
FORMAT = "FPR12"
NO_CHANNEL = "0000000"  # no SdI channel code: the PEC address (or the tax drawer) receives it
PROGRESSIVE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FIRST_YEAR, LAST_YEAR = 2000, 2059  # the years the 5-character progressive can tell apart
MAX_SEQUENCE = 999_999  # the invoice number's six digits

# how each payment method is named in DettaglioPagamento (ModalitaPagamento)
PAYMENT_MODE = {
    PaymentMethod.BONIFICO: "MP05",  # bonifico
    PaymentMethod.CARTA: "MP08",  # carta di pagamento
    PaymentMethod.ASSEGNO: "MP02",  # assegno
    PaymentMethod.BOLLETTINO: "MP18",  # bollettino di c/c postale
    PaymentMethod.CONTANTI: "MP01",  # contanti, at the desk
    PaymentMethod.PREPAID: "MP22",  # trattenuta su somme già riscosse: the prepaid credit
}
_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2026": "...", "\u20ac": "EUR", "\u0141": "L", "\u0142": "l", "\u0110": "D",
        "\u0111": "d", "\u0152": "OE", "\u0153": "oe", "\u0131": "i",
    }
)  # fmt: skip


def progressive(year: int, sequence: int) -> str:
    """Five characters [0-9A-Z] for the file name, from the invoice's year and number: one
    invoice, one name, distinct for every (year, number) of 2000-2059 (36^5 > 60 × 10^6)."""
    if not FIRST_YEAR <= year <= LAST_YEAR or not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"no FatturaPA progressive for invoice {year}/{sequence}")
    value = (year - FIRST_YEAR) * (MAX_SEQUENCE + 1) + sequence
    digits = []
    for _ in range(5):
        value, digit = divmod(value, 36)
        digits.append(PROGRESSIVE_ALPHABET[digit])
    return "".join(reversed(digits))


def file_name(seller: Seller, year: int, sequence: int) -> str:
    """As the exchange system (SdI) expects: `IT07382140585_0RS0X.xml`."""
    return f"IT{seller.partita_iva}_{progressive(year, sequence)}.xml"


def latin(text: str, limit: int) -> str:
    """`text` within Basic Latin and Latin-1, on one line, at most `limit` characters."""
    text = unicodedata.normalize("NFC", text).translate(_TYPOGRAPHIC)
    out = []
    for char in text:
        if unicodedata.category(char).startswith(("Z", "C")):
            out.append(" ")  # any space, line break or control: one plain space
        elif ord(char) < 0x100:
            out.append(char)
        else:  # "Ő" -> "O", "ș" -> "s": the letter without its accent, if that is Latin-1
            base = unicodedata.normalize("NFKD", char)
            kept = "".join(c for c in base if ord(c) < 0x100 and not unicodedata.combining(c))
            out.append(kept or "?")
    clean = " ".join("".join(out).split())
    return clean[:limit].rstrip() or "-"


def _amount(cents: int) -> str:
    return plain_amount(cents)


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def _address(parent: ET.Element, tag: str, address: Address) -> None:
    sede = _sub(parent, tag)
    _sub(sede, "Indirizzo", latin(address.street, 60))
    if address.number:
        _sub(sede, "NumeroCivico", latin(address.number, 8))
    _sub(sede, "CAP", address.cap)
    _sub(sede, "Comune", latin(address.comune, 60))
    if address.provincia:
        _sub(sede, "Provincia", address.provincia)
    _sub(sede, "Nazione", address.nazione)


def _day(value: date) -> str:
    return value.isoformat()


def _header(root: ET.Element, seller: Seller, invoice: InvoiceContent) -> None:
    header = _sub(root, "FatturaElettronicaHeader")
    transmission = _sub(header, "DatiTrasmissione")
    sender = _sub(transmission, "IdTrasmittente")
    _sub(sender, "IdPaese", "IT")
    _sub(sender, "IdCodice", seller.partita_iva)
    _sub(transmission, "ProgressivoInvio", progressive(invoice.year, invoice.sequence))
    _sub(transmission, "FormatoTrasmissione", FORMAT)
    _sub(transmission, "CodiceDestinatario", NO_CHANNEL)
    _sub(transmission, "PECDestinatario", invoice.customer.pec)

    supplier = _sub(header, "CedentePrestatore")
    data = _sub(supplier, "DatiAnagrafici")
    vat_id = _sub(data, "IdFiscaleIVA")
    _sub(vat_id, "IdPaese", "IT")
    _sub(vat_id, "IdCodice", seller.partita_iva)
    _sub(data, "CodiceFiscale", seller.codice_fiscale)
    _sub(_sub(data, "Anagrafica"), "Denominazione", latin(seller.name, 80))
    _sub(data, "RegimeFiscale", seller.regime_fiscale)
    _address(supplier, "Sede", seller.address)
    if seller.rea is not None:
        rea = _sub(supplier, "IscrizioneREA")
        _sub(rea, "Ufficio", seller.rea.ufficio)
        _sub(rea, "NumeroREA", latin(seller.rea.numero, 20))
        if seller.rea.capitale_sociale_cents is not None:
            _sub(rea, "CapitaleSociale", _amount(seller.rea.capitale_sociale_cents))
        if seller.rea.socio_unico:
            _sub(rea, "SocioUnico", seller.rea.socio_unico)
        _sub(rea, "StatoLiquidazione", seller.rea.stato_liquidazione)
    if seller.phone or seller.email:
        contacts = _sub(supplier, "Contatti")
        if seller.phone:
            _sub(contacts, "Telefono", seller.phone)
        if seller.email:
            _sub(contacts, "Email", seller.email)

    customer = invoice.customer
    if not customer.codice_fiscale:
        raise ValueError("FatturaPA needs the customer's codice fiscale")
    buyer = _sub(header, "CessionarioCommittente")
    data = _sub(buyer, "DatiAnagrafici")
    _sub(data, "CodiceFiscale", customer.codice_fiscale.upper())
    _sub(_sub(data, "Anagrafica"), "Denominazione", latin(customer.name, 80))
    _address(buyer, "Sede", seller.customer_address_unknown)


def _body(root: ET.Element, invoice: InvoiceContent) -> None:
    body = _sub(root, "FatturaElettronicaBody")
    document = _sub(_sub(body, "DatiGenerali"), "DatiGeneraliDocumento")
    _sub(document, "TipoDocumento", "TD01")
    _sub(document, "Divisa", "EUR")
    _sub(document, "Data", _day(invoice.issued_on))
    _sub(document, "Numero", invoice.number)
    amounts = invoice.amounts
    _sub(document, "ImportoTotaleDocumento", _amount(amounts.total_cents))
    _sub(
        document,
        "Causale",
        latin(f"Rinnovo casella PEC {invoice.customer.pec} - ordine {invoice.order_code}", 200),
    )

    goods = _sub(body, "DatiBeniServizi")
    rate = f"{amounts.vat_rate_percent}.00"
    for number, line in enumerate(amounts.lines, start=1):
        row = _sub(goods, "DettaglioLinee")
        _sub(row, "NumeroLinea", str(number))
        _sub(row, "Descrizione", latin(line.description, 1000))
        _sub(row, "Quantita", "1.00")
        if line.period is not None:
            _sub(row, "DataInizioPeriodo", _day(line.period[0]))
            _sub(row, "DataFinePeriodo", _day(line.period[1]))
        _sub(row, "PrezzoUnitario", _amount(line.net_cents))
        _sub(row, "PrezzoTotale", _amount(line.net_cents))
        _sub(row, "AliquotaIVA", rate)
    summary = _sub(goods, "DatiRiepilogo")
    _sub(summary, "AliquotaIVA", rate)
    _sub(summary, "ImponibileImporto", _amount(amounts.net_cents))
    _sub(summary, "Imposta", _amount(amounts.vat_cents))
    _sub(summary, "EsigibilitaIVA", "I")  # immediate: the invoice follows the payment

    # already paid when invoiced: how, and how much
    payment = _sub(body, "DatiPagamento")
    _sub(payment, "CondizioniPagamento", "TP02")  # pagamento completo
    detail = _sub(payment, "DettaglioPagamento")
    _sub(detail, "ModalitaPagamento", PAYMENT_MODE[invoice.method])
    _sub(detail, "ImportoPagamento", _amount(amounts.total_cents))


def invoice_xml(seller: Seller, invoice: InvoiceContent) -> bytes:
    """The FatturaPA document of `invoice`, UTF-8, indented; ValueError if it cannot be one
    (no codice fiscale for the customer, a year outside the file names' range)."""
    ET.register_namespace("p", NAMESPACE)  # the prefix of the official examples
    root = ET.Element(f"{{{NAMESPACE}}}FatturaElettronica", {"versione": FORMAT})
    _header(root, seller, invoice)
    _body(root, invoice)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return data + b"\n"
