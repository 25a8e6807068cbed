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
from kiosk.i18n import _
from kiosk.services.context import ServiceContext
from kiosk.services.dto import ImportReport
from kiosk.services.errors import InvalidInput
from kiosk.services.tx import atomic, audit
from kiosk.store.models import Area, Mailbox, PrepaidAccount, Subscriber

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

    async def import_mailboxes(self, text: str, *, actor: str | None = None) -> ImportReport:
        rows, errors = self._parse(text)
        seen_users: dict[str, _Row] = {}
        seen_pecs: dict[str, int] = {}
        for row in rows:
            first = seen_users.setdefault(row.userid, row)
            if (first.nominativo, first.codice_fiscale, first.email, first.area) != (
                row.nominativo,
                row.codice_fiscale,
                row.email,
                row.area,
            ):
                errors.append(
                    (
                        row.line,
                        _("dati di {userid} diversi da quelli della riga {first}").format(
                            userid=row.userid, first=first.line
                        ),
                    )
                )
            if row.pec in seen_pecs:
                errors.append(
                    (
                        row.line,
                        _("PEC {pec} già presente alla riga {first}").format(
                            pec=row.pec, first=seen_pecs[row.pec]
                        ),
                    )
                )
            seen_pecs.setdefault(row.pec, row.line)
        if errors:
            raise ImportRejected(sorted(errors))
        now = self.ctx.now()

        async def work() -> ImportReport:
            problems: list[tuple[int, str]] = []
            users = {u.userid: u for u in await Subscriber.filter(userid__in=list(seen_users))}
            boxes = {
                b.address: b
                for b in await Mailbox.filter(address__in=list(seen_pecs)).prefetch_related("owner")
            }
            for uid, row in seen_users.items():
                user = users.get(uid)
                if user is not None and (
                    user.nominativo,
                    user.codice_fiscale,
                    user.email,
                    user.area_id,
                ) != (
                    row.nominativo,
                    row.codice_fiscale,
                    row.email,
                    row.area,
                ):
                    problems.append(
                        (
                            row.line,
                            _("lo userid {userid} esiste già con dati diversi").format(userid=uid),
                        )
                    )
                elif user is not None and user.role != Role.SUBSCRIBER:
                    problems.append(
                        (
                            row.line,
                            _("lo userid {userid} appartiene a un operatore").format(userid=uid),
                        )
                    )
            unchanged = 0
            new_boxes: list[_Row] = []
            for row in rows:
                box = boxes.get(row.pec)
                if box is None:
                    new_boxes.append(row)
                elif (
                    box.owner.userid,
                    box.family,
                    box.area_id,
                    box.anchor_date,
                    box.expiry_date,
                ) == (
                    row.userid,
                    row.family,
                    row.area,
                    row.anchor,
                    row.expiry,
                ):
                    unchanged += 1
                else:
                    problems.append(
                        (
                            row.line,
                            _("la casella {pec} esiste già con dati diversi").format(pec=row.pec),
                        )
                    )
            if problems:
                raise ImportRejected(sorted(problems))
            areas = {a.code: a for a in await Area.all()}
            created_users = 0
            for uid, row in seen_users.items():
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
                created_users += 1
            for row in new_boxes:
                await Mailbox.create(
                    address=row.pec,
                    family=row.family,
                    area=areas[row.area],
                    owner=users[row.userid],
                    anchor_date=row.anchor,
                    expiry_date=row.expiry,
                    created_at=now,
                )
            report = ImportReport(created_users, len(new_boxes), unchanged)
            if created_users or new_boxes:
                await audit(
                    now,
                    "import.mailboxes",
                    actor=actor,
                    subscribers=created_users,
                    mailboxes=len(new_boxes),
                    unchanged=unchanged,
                )
            return report

        return await atomic(work)
