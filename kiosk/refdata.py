"""Reference data from `data/`: areas and their price lists, the payee's coordinates, contacts.

Read once per process (it is a few hundred bytes of TOML). Areas and prices are also written to
the database at start-up, so that orders refer to rows and price changes are audited.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from kiosk.domain.instructions import BankCoordinates, ChequeCoordinates, Payee, PostalCoordinates
from kiosk.domain.model import MailboxFamily, Role


@dataclass(frozen=True, slots=True)
class AreaSpec:
    code: str
    name: str
    ordine: str
    ordine_domains: tuple[str, ...]
    convention_domains: tuple[str, ...]
    prices: dict[MailboxFamily, int]

    def domains_for(self, family: MailboxFamily) -> tuple[str, ...]:
        if family is MailboxFamily.CONVENZIONE_ORDINE:
            return self.ordine_domains
        if family is MailboxFamily.DOMINIO_CONVENZIONE:
            return self.convention_domains
        return ("legalmail.it",)


@dataclass(frozen=True, slots=True)
class Contacts:
    admin_email: str
    sales_phone: str
    sales_email: str


@dataclass(frozen=True, slots=True)
class ReferenceData:
    default_area: str
    areas: tuple[AreaSpec, ...]
    payee: Payee
    contacts: Contacts

    def area(self, code: str) -> AreaSpec | None:
        return next((a for a in self.areas if a.code == code), None)


def load(directory: Path) -> ReferenceData:
    """Read and check `areas.toml` and `payee.toml`; ValueError says what is wrong."""
    with (directory / "areas.toml").open("rb") as fh:
        areas_doc = tomllib.load(fh)
    with (directory / "payee.toml").open("rb") as fh:
        payee_doc = tomllib.load(fh)
    areas = []
    for raw in areas_doc.get("area", []):
        prices = {MailboxFamily(k): int(v) for k, v in raw.get("prices", {}).items()}
        if any(v <= 0 for v in prices.values()):
            raise ValueError(f"area {raw['code']}: prices must be positive cents")
        areas.append(
            AreaSpec(
                code=raw["code"],
                name=raw["name"],
                ordine=raw.get("ordine", ""),
                ordine_domains=tuple(d.lower() for d in raw.get("ordine_domains", [])),
                convention_domains=tuple(d.lower() for d in raw.get("convention_domains", [])),
                prices=prices,
            )
        )
    default = areas_doc["default_area"]
    if default not in {a.code for a in areas}:
        raise ValueError(f"default_area {default} is not a configured area")
    payee = Payee(
        bank=BankCoordinates(**payee_doc["bank"]),
        postal=PostalCoordinates(**payee_doc["postal"]),
        cheque=ChequeCoordinates(**payee_doc["cheque"]),
        admin_email=payee_doc["contacts"]["admin_email"],
    )
    return ReferenceData(default, tuple(areas), payee, Contacts(**payee_doc["contacts"]))


def demo_logins(directory: Path) -> tuple[tuple[str, str, Role], ...]:
    """The demo dataset's userids with a password, to show on the demo welcome screen."""
    with (directory / "demo.toml").open("rb") as fh:
        users = tomllib.load(fh).get("user", [])
    return tuple((u["userid"], u["password"], Role(u["role"])) for u in users if u.get("password"))
