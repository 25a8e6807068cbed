"""The seller on every invoice, from `data/seller.toml`, checked when read.

A wrong partita IVA or CAP would make every invoice the exchange system (SdI) receives a
rejected one: the file is refused at start rather than invoice after invoice.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SELLER_FILE = "seller.toml"
_CAP = re.compile(r"^[0-9]{5}$")
_PROVINCE = re.compile(r"^[A-Z]{2}$")
_REGIME = re.compile(r"^RF(0[1-9]|1[0-9])$")


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    cap: str
    comune: str
    nazione: str = "IT"
    number: str = ""
    provincia: str = ""

    @property
    def lines(self) -> tuple[str, str]:
        """The address as printed: `Via Giosuè Carducci 4`, `00187 Roma (RM)`."""
        first = f"{self.street} {self.number}".strip()
        second = f"{self.cap} {self.comune}" + (f" ({self.provincia})" if self.provincia else "")
        return first, second


@dataclass(frozen=True, slots=True)
class Rea:
    ufficio: str
    numero: str
    capitale_sociale_cents: int | None = None
    socio_unico: str = ""  # SU (one shareholder) or SM (several); "" not stated
    stato_liquidazione: str = "LN"


@dataclass(frozen=True, slots=True)
class Seller:
    name: str
    partita_iva: str
    codice_fiscale: str
    regime_fiscale: str
    address: Address
    email: str = ""
    phone: str = ""
    rea: Rea | None = None
    # FatturaPA needs the customer's Sede; the kiosk does not collect it yet (see seller.toml)
    customer_address_unknown: Address = Address("Indirizzo non comunicato", "00000", "N.D.")


def _address(raw: dict[str, Any], where: str) -> Address:
    address = Address(
        street=raw["street"],
        cap=str(raw["cap"]),
        comune=raw["comune"],
        nazione=raw.get("nazione", "IT"),
        number=str(raw.get("number", "")),
        provincia=raw.get("provincia", ""),
    )
    if not _CAP.match(address.cap):
        raise ValueError(f"{where}: CAP must be 5 digits, not {address.cap!r}")
    if address.provincia and not _PROVINCE.match(address.provincia):
        raise ValueError(f"{where}: provincia must be 2 capital letters")
    if not re.match(r"^[A-Z]{2}$", address.nazione):
        raise ValueError(f"{where}: nazione must be an ISO 3166-1 alpha-2 code")
    return address


def parse_seller(raw: dict[str, Any]) -> Seller:
    """A `Seller` from the parsed TOML; ValueError says what is wrong."""
    from stdnum.it import iva

    try:
        partita_iva = str(raw["partita_iva"])
        if not iva.is_valid(partita_iva):
            raise ValueError(f"partita_iva {partita_iva!r} is not valid (check digit, office)")
        regime = str(raw.get("regime_fiscale", "RF01"))
        if not _REGIME.match(regime):
            raise ValueError(f"regime_fiscale {regime!r} is not RF01-RF19")
        rea = None
        r = raw.get("rea")
        if isinstance(r, dict):
            capital = r.get("capitale_sociale_cents")
            rea = Rea(
                ufficio=r["ufficio"],
                numero=str(r["numero"]),
                capitale_sociale_cents=int(capital) if capital is not None else None,
                socio_unico=r.get("socio_unico", ""),
                stato_liquidazione=r.get("stato_liquidazione", "LN"),
            )
            if not _PROVINCE.match(rea.ufficio) or rea.socio_unico not in ("", "SU", "SM"):
                raise ValueError("rea: ufficio is a province (2 letters), socio_unico SU or SM")
            if rea.stato_liquidazione not in ("LN", "LS"):
                raise ValueError("rea: stato_liquidazione is LN or LS")
        unknown = raw.get("customer_address_unknown")
        seller = Seller(
            name=str(raw["name"]),
            partita_iva=partita_iva,
            codice_fiscale=str(raw.get("codice_fiscale", partita_iva)),
            regime_fiscale=regime,
            address=_address(raw["address"], "address"),
            email=str(raw.get("email", "")),
            phone=str(raw.get("phone", "")),
            rea=rea,
            **(
                {"customer_address_unknown": _address(unknown, "customer_address_unknown")}
                if isinstance(unknown, dict)
                else {}
            ),
        )
    except KeyError as exc:
        raise ValueError(f"{SELLER_FILE}: {exc.args[0]} is missing") from None
    if not seller.name.strip() or len(seller.name) > 80:
        raise ValueError("name must be 1-80 characters")
    return seller


@cache
def load_seller(directory: Path) -> Seller:
    """The seller of `directory/seller.toml` (read once per process)."""
    with (directory / SELLER_FILE).open("rb") as fh:
        return parse_seller(tomllib.load(fh))
