"""What an outbox e-mail says, rendered when it is sent.

E-mails that carry a code are stored as a template name and non-secret parameters (the code
row's id, the validity, the language of the person who asked); the code is derived again from
the row's nonce with the deployment's key (`kiosk.services.codes`) only here, in memory. The
SMTP sender calls `render_outbox(row)` for each row it sends; the others are stored whole.
"""

from __future__ import annotations

from kiosk.errors import Reason, Refusal
from kiosk.i18n import _, get_language, set_language
from kiosk.services.context import ServiceContext
from kiosk.services.tx import guarded
from kiosk.store.models import OutboxEmail, PendingRegistration, RecoveryCode


def _gone() -> Refusal:
    return Refusal(
        Reason.MAIL_GONE,
        _("Il codice di questo messaggio non esiste più: il messaggio non va inviato."),
    )


class OutboxService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def render_outbox(self, row: OutboxEmail) -> tuple[str, str, str]:
        """(subject, body, to) of an outbox row, codes included."""
        if not row.template:
            return row.subject, row.body, row.to_address
        params = row.params
        values: dict[str, object] = {"minutes": params.get("minutes", "")}
        if row.template == "recovery":
            code = await RecoveryCode.get_or_none(id=params.get("code_id")).prefetch_related(
                "subscriber"
            )
            if code is None:
                raise _gone()
            values |= {
                "name": code.subscriber.nominativo,
                "userid": code.subscriber.userid,
                "code": self.ctx.codes.code(code.nonce),
            }
        elif row.template in ("registration_code", "registration_already"):
            reg = await PendingRegistration.get_or_none(
                id=params.get("registration_id")
            ).prefetch_related("subscriber")
            if reg is None:
                raise _gone()
            holder = reg.subscriber
            values |= {
                "name": holder.nominativo if holder else reg.nominativo,
                "userid": holder.userid if holder else reg.userid,
            }
            if row.template == "registration_code":
                values["code"] = self.ctx.codes.code(reg.nonce)
        else:
            raise ValueError(f"unknown outbox template {row.template!r}")
        previous = get_language()
        set_language(str(params.get("lang", "it")))
        try:
            subject, body = _texts(row.template, values)
        finally:
            set_language(previous)
        return subject, body, row.to_address


def _texts(template: str, values: dict[str, object]) -> tuple[str, str]:
    """The subject and body of a template, in the current language."""
    if template == "recovery":
        return _("Recupero credenziali PEC"), _(
            "Gentile {name},\n\nil suo userid è {userid}.\nCodice di recupero: {code}\n"
            "Il codice vale {minutes} minuti e si può usare una sola volta.\n\n"
            "Se non ha chiesto lei il recupero, ignori questo messaggio."
        ).format(**values)
    if template == "registration_code":
        return _("Iscrizione al servizio di rinnovo PEC"), _(
            "Gentile {name},\n\nper completare l'iscrizione inserisca questo codice nella "
            "schermata del chiosco:\n\nCodice di conferma: {code}\n\n"
            "Il codice vale {minutes} minuti e si può usare una sola volta.\n"
            "Se non ha chiesto lei l'iscrizione, ignori questo messaggio."
        ).format(**values)
    return _("Iscrizione al servizio di rinnovo PEC"), _(
        "Gentile {name},\n\nè stata chiesta un'iscrizione con il suo codice fiscale, che "
        "risulta già iscritto con lo userid {userid}.\nSe ha dimenticato la password, usi il "
        "recupero credenziali.\n\nSe non ha chiesto lei l'iscrizione, ignori questo messaggio."
    ).format(**values)
