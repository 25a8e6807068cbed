"""ISO 20022 camt.053 (BankToCustomerStatement), versions 001.02 and 001.08.

Read with defusedxml, DTDs forbidden: a statement never needs one, and a DTD is how an XML file
reaches outside itself (external entities) or explodes in memory (nested entities). Each `Ntry`
is one movement; a batch entry (several `TxDtls`, each with its own amount) is one movement per
transaction. The causale is every `RmtInf/Ustrd` (and a structured creditor reference) joined.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from kiosk.i18n import _
from kiosk.payments.statements import StatementEntry, StatementError, derived_reference

VERSIONS = {
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02": "001.02",
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08": "001.08",
}
_AMOUNT = re.compile(r"^\d{1,12}(?:\.(\d{1,5}))?$")


def parse_camt053(data: bytes) -> list[StatementEntry]:
    """Every movement of the statement, or `StatementError` naming the element that is wrong."""
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise StatementError(
            _("intestazione XML"),
            _("il file contiene una DTD o delle entità: rifiutato per sicurezza"),
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise StatementError(
            _("riga {line}, colonna {column}").format(line=line, column=column),
            _("XML non valido"),
        ) from None
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if namespace not in VERSIONS or root.tag != f"{{{namespace}}}Document":
        raise StatementError(
            _("elemento radice"),
            _("non è un estratto conto camt.053 versione 001.02 o 001.08 ({found})").format(
                found=namespace or root.tag
            ),
        )
    ns = {"c": namespace}
    statements = root.findall("c:BkToCstmrStmt/c:Stmt", ns)
    if not statements:
        raise StatementError("BkToCstmrStmt", _("nessun estratto (Stmt) nel file"))
    entries: list[StatementEntry] = []
    seen: Counter[tuple[date | None, int, str]] = Counter()
    for s, stmt in enumerate(statements, 1):
        for n, ntry in enumerate(stmt.findall("c:Ntry", ns), 1):
            where = _("estratto {s}, movimento {n} (Ntry)").format(s=s, n=n)
            entries.extend(_entry(ntry, ns, where, seen))
    return entries


def _text(element: Element | None, path: str, ns: dict[str, str]) -> str:
    if element is None:
        return ""
    found = element.find(path, ns)
    return " ".join((found.text or "").split()) if found is not None else ""


def _amount(element: Element | None, where: str, label: str) -> tuple[int, str]:
    if element is None:
        raise StatementError(where, _("manca l'importo ({label})").format(label=label))
    text = (element.text or "").strip()
    match = _AMOUNT.match(text)
    if not match or (match.group(1) or "").rstrip("0")[2:]:
        raise StatementError(where, _("importo non valido: «{value}»").format(value=text))
    euros, _dot, fraction = text.partition(".")
    cents = int(euros) * 100 + int((fraction[:2] or "0").ljust(2, "0"))
    return cents, (element.get("Ccy") or "").upper()


def _credit(indicator: str, where: str) -> bool:
    if indicator not in ("CRDT", "DBIT"):
        raise StatementError(
            where, _("CdtDbtInd deve essere CRDT o DBIT, non «{value}»").format(value=indicator)
        )
    return indicator == "CRDT"


def _booking_date(ntry: Element, ns: dict[str, str], where: str) -> date | None:
    raw = _text(ntry, "c:BookgDt/c:Dt", ns) or _text(ntry, "c:BookgDt/c:DtTm", ns)[:10]
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise StatementError(where, _("data non valida: «{value}»").format(value=raw)) from None


def _causale(element: Element | None, ns: dict[str, str]) -> str:
    if element is None:
        return ""
    parts = [(u.text or "") for u in element.findall("c:RmtInf/c:Ustrd", ns)]
    parts += [(r.text or "") for r in element.findall("c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref", ns)]
    parts.append(_text(element, "c:AddtlTxInf", ns))
    return " ".join(" ".join(parts).split())


def _tx_reference(tx: Element | None, ns: dict[str, str]) -> str:
    ref = _text(tx, "c:Refs/c:AcctSvcrRef", ns)
    if ref:
        return ref
    end_to_end = _text(tx, "c:Refs/c:EndToEndId", ns)
    return "" if end_to_end.upper() == "NOTPROVIDED" else end_to_end


def _entry(
    ntry: Element,
    ns: dict[str, str],
    where: str,
    seen: Counter[tuple[date | None, int, str]],
) -> list[StatementEntry]:
    cents, currency = _amount(ntry.find("c:Amt", ns), where, "Amt")
    credit = _credit(_text(ntry, "c:CdtDbtInd", ns), where)
    status = _text(ntry, "c:Sts/c:Cd", ns) or _text(ntry, "c:Sts", ns)
    booked = status.upper() in ("", "BOOK")
    booked_on = _booking_date(ntry, ns, where)
    entry_ref = _text(ntry, "c:AcctSvcrRef", ns) or _text(ntry, "c:NtryRef", ns)
    details = ntry.findall("c:NtryDtls/c:TxDtls", ns)

    def derive(amount: int, causale: str) -> str:
        key = (booked_on, amount, causale.upper())
        seen[key] += 1
        return derived_reference(booked_on, amount, causale, seen[key])

    if len(details) <= 1:
        tx = details[0] if details else None
        causale = _causale(tx, ns) or _text(ntry, "c:AddtlNtryInf", ns)
        reference = entry_ref or _tx_reference(tx, ns) or derive(cents, causale)
        return [
            StatementEntry(where, reference, booked_on, cents, credit, causale, currency, booked)
        ]
    entries = []
    for k, tx in enumerate(details, 1):
        tx_where = _("{where}, transazione {k} (TxDtls)").format(where=where, k=k)
        amount = tx.find("c:Amt", ns)
        if amount is None:
            amount = tx.find("c:AmtDtls/c:TxAmt/c:Amt", ns)
        tx_cents, tx_currency = _amount(amount, tx_where, "TxDtls/Amt")
        indicator = _text(tx, "c:CdtDbtInd", ns)
        tx_credit = _credit(indicator, tx_where) if indicator else credit
        causale = _causale(tx, ns)
        reference = (
            _tx_reference(tx, ns)
            or (f"{entry_ref}/{k}" if entry_ref else "")
            or derive(tx_cents, causale)
        )
        entries.append(
            StatementEntry(
                tx_where,
                reference,
                booked_on,
                tx_cents,
                tx_credit,
                causale,
                tx_currency or currency,
                booked,
            )
        )
    return entries
