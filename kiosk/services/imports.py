"""Import subscribers and mailboxes from the provider's CSV.

All or nothing: every bad row is reported with its line number and reason, and then nothing of
the file is written. Rows already in the database with the same data are left alone, so
importing the same file twice changes nothing; a row that contradicts the database is an error.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from kiosk.domain import validation
from kiosk.domain.dates import is_anniversary
from kiosk.domain.model import MailboxFamily, Role
from kiosk.errors import InvalidInput
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.dto import ImportReport
from kiosk.services.tx import audit, guarded
from kiosk.store.models import Area, Mailbox, PrepaidAccount, Subscriber

# beyond these a renewal window or a next expiry cannot be computed (year 9999 is the limit)
MIN_DATE = date(1990, 1, 1)
MAX_DATE = date(2199, 12, 31)
HEADER = (
    "userid",
    "nominativo",
    "codice_fiscale",
    "email",
    "area",
    "pec",
    "famiglia",
    "data_attivazione",
    "data_scadenza",
)


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    userid: str
    nominativo: str
    codice_fiscale: str
    email: str
    area: str
    pec: str
    family: MailboxFamily
    anchor: date
    expiry: date


class ImportRejected(InvalidInput):
    """The file has errors; `errors` lists (line, reason). Nothing was imported."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__(
            "file",
            _("Il file contiene {n} righe non valide: nessuna riga importata.").format(
                n=len(errors)
            ),
        )
        self.errors = errors


class ImportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _parse(self, text: str) -> tuple[list[_Row], list[tuple[int, str]]]:
        errors: list[tuple[int, str]] = []
        text = text.lstrip("\ufeff")
        sample = text.split("\n", 1)[0]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header = next(reader, None)
        if header is None or tuple(h.strip().lower() for h in header) != HEADER:
            raise ImportRejected(
                [(1, _("Intestazione attesa: {header}").format(header=",".join(HEADER)))]
            )
        rows: list[_Row] = []
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(HEADER):
                errors.append(
                    (
                        line,
                        _("attese {n} colonne, trovate {m}").format(n=len(HEADER), m=len(record)),
                    )
                )
                continue
            values = dict(zip(HEADER, (cell.strip() for cell in record), strict=True))
            try:
                rows.append(self._row(line, values))
            except InvalidInput as exc:
                errors.append((line, f"{exc.field}: {exc.message}"))
        return rows, errors

    def _row(self, line: int, v: dict[str, str]) -> _Row:
        refdata = self.ctx.refdata
        area_code = v["area"] or refdata.default_area
        area = refdata.area(area_code)
        if area is None:
            raise InvalidInput("area", _("area sconosciuta: {area}").format(area=area_code))
        try:
            family = MailboxFamily(v["famiglia"].lower())
        except ValueError:
            raise InvalidInput(
                "famiglia",
                _("famiglia sconosciuta: {value} (ammesse: {allowed})").format(
                    value=v["famiglia"], allowed=", ".join(f.value for f in MailboxFamily)
                ),
            ) from None
        if family not in area.prices:
            raise InvalidInput(
                "famiglia",
                _("l'area {area} non prevede caselle {family}").format(
                    area=area_code, family=family.value
                ),
            )
        anchor = validation.calendar_date(v["data_attivazione"], "data_attivazione")
        expiry = validation.calendar_date(v["data_scadenza"], "data_scadenza")
        if not (MIN_DATE <= anchor <= expiry <= MAX_DATE):
            raise InvalidInput(
                "data_scadenza",
                _("date fuori dall'intervallo ammesso ({first} - {last})").format(
                    first=MIN_DATE.isoformat(), last=MAX_DATE.isoformat()
                ),
            )
        if not is_anniversary(anchor, expiry):
            raise InvalidInput(
                "data_scadenza",
                _("la scadenza deve cadere un numero intero di anni dopo l'attivazione"),
            )
        return _Row(
            line=line,
            userid=validation.userid(v["userid"]),
            nominativo=validation.nominativo(v["nominativo"]),
            codice_fiscale=validation.codice_fiscale(v["codice_fiscale"]),
            email=validation.email(v["email"]),
            area=area_code,
            pec=validation.pec(v["pec"], family, area.domains_for(family)),
            family=family,
            anchor=anchor,
            expiry=expiry,
        )

    @guarded
    async def import_mailboxes(self, text: str, *, actor: str | None = None) -> ImportReport:
        rows, errors = self._parse(text)
        users_in_file, pecs_in_file = _consistency(rows, errors)
        if errors:
            raise ImportRejected(sorted(errors))
        now = self.ctx.now()

        async def work() -> ImportReport:
            users = {u.userid: u for u in await Subscriber.filter(userid__in=list(users_in_file))}
            problems = await _check_users(users_in_file, users)
            boxes = {
                b.address: b
                for b in await Mailbox.filter(address__in=list(pecs_in_file)).prefetch_related(
                    "owner"
                )
            }
            new_rows, unchanged = _check_boxes(rows, boxes, problems)
            if problems:
                raise ImportRejected(sorted(problems))
            areas = {a.code: a for a in await Area.all()}
            created = 0
            for uid, row in users_in_file.items():
                if uid in users:
                    continue
                users[uid] = await Subscriber.create(
                    userid=uid,
                    nominativo=row.nominativo,
                    codice_fiscale=row.codice_fiscale,
                    email=row.email,
                    area=areas[row.area],
                    role=Role.SUBSCRIBER,
                    password_hash=None,
                    created_at=now,
                )
                await PrepaidAccount.create(subscriber=users[uid])
                created += 1
            for row in new_rows:
                await Mailbox.create(
                    address=row.pec,
                    family=row.family,
                    area=areas[row.area],
                    owner=users[row.userid],
                    anchor_date=row.anchor,
                    expiry_date=row.expiry,
                    created_at=now,
                )
            if created or new_rows:
                await audit(
                    now,
                    "import.mailboxes",
                    actor=actor,
                    subscribers=created,
                    mailboxes=len(new_rows),
                    unchanged=unchanged,
                )
            return ImportReport(created, len(new_rows), unchanged)

        return await self.ctx.atomic(work)


def _consistency(
    rows: list[_Row], errors: list[tuple[int, str]]
) -> tuple[dict[str, _Row], dict[str, int]]:
    """Rows of one userid must agree; a PEC or a codice fiscale appears for one userid only."""
    users: dict[str, _Row] = {}
    pecs: dict[str, int] = {}
    owners_of_cf: dict[str, _Row] = {}
    for row in rows:
        first = users.setdefault(row.userid, row)
        if _person(first) != _person(row):
            errors.append(
                (
                    row.line,
                    _("dati di {userid} diversi da quelli della riga {first}").format(
                        userid=row.userid, first=first.line
                    ),
                )
            )
        cf_owner = owners_of_cf.setdefault(row.codice_fiscale, row)
        if cf_owner.userid != row.userid:
            errors.append(
                (
                    row.line,
                    _("codice fiscale già usato da {userid} alla riga {first}").format(
                        userid=cf_owner.userid, first=cf_owner.line
                    ),
                )
            )
        if row.pec in pecs:
            errors.append(
                (
                    row.line,
                    _("PEC {pec} già presente alla riga {first}").format(
                        pec=row.pec, first=pecs[row.pec]
                    ),
                )
            )
        pecs.setdefault(row.pec, row.line)
    return users, pecs


def _person(row: _Row) -> tuple[str, str, str, str]:
    return (row.nominativo, row.codice_fiscale, row.email, row.area)


async def _check_users(
    in_file: dict[str, _Row], existing: dict[str, Subscriber]
) -> list[tuple[int, str]]:
    problems = []
    for uid, row in in_file.items():
        user = existing.get(uid)
        if user is None:
            # a self-registration proved an e-mail address, not this codice fiscale: it never
            # stands in the way of the provider's record (cf_proven, migration 0003)
            other = await Subscriber.filter(
                codice_fiscale=row.codice_fiscale, cf_proven=True
            ).first()
            if other is not None:
                problems.append(
                    (
                        row.line,
                        _("codice fiscale già registrato per {userid}").format(userid=other.userid),
                    )
                )
        elif (user.nominativo, user.codice_fiscale or "", user.email, user.area_id) != _person(row):
            problems.append(
                (row.line, _("lo userid {userid} esiste già con dati diversi").format(userid=uid))
            )
        elif user.role != Role.SUBSCRIBER:
            problems.append(
                (row.line, _("lo userid {userid} appartiene a un operatore").format(userid=uid))
            )
    return problems


def _check_boxes(
    rows: list[_Row], existing: dict[str, Mailbox], problems: list[tuple[int, str]]
) -> tuple[list[_Row], int]:
    """New rows to create, and how many are already here. A box renewed since the provider's
    file was written (same anchor, a later anniversary) counts as unchanged: ours is newer."""
    new_rows: list[_Row] = []
    unchanged = 0
    for row in rows:
        box = existing.get(row.pec)
        if box is None:
            new_rows.append(row)
            continue
        same_box = (box.owner.userid, box.family, box.area_id, box.anchor_date) == (
            row.userid,
            row.family,
            row.area,
            row.anchor,
        )
        if same_box and box.expiry_date >= row.expiry:
            unchanged += 1
        else:
            problems.append(
                (row.line, _("la casella {pec} esiste già con dati diversi").format(pec=row.pec))
            )
    return new_rows, unchanged
