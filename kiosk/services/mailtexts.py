"""What each e-mail says, in the current language: (subject, body) from plain values.

Called by `kiosk.services.mailrender` inside `language(recipient's language)`, with every value
already gathered (no database access here, no `await`): the language switch is process-wide.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kiosk.i18n import _

Values = Mapping[str, object]
FOOTER_KEY = "footer"


def _footer() -> str:
    return _(
        "Messaggio automatico del servizio di rinnovo delle caselle PEC: non rispondere a "
        "questo indirizzo."
    )


def recovery(v: Values) -> tuple[str, str]:
    return _("Recupero credenziali PEC"), _(
        "Gentile {name},\n\nil suo userid è {userid}.\nCodice di recupero: {code}\n"
        "Il codice vale {minutes} minuti e si può usare una sola volta.\n\n"
        "Se non ha chiesto lei il recupero, ignori questo messaggio."
    ).format(**v)


def staff_access(v: Values) -> tuple[str, str]:
    return _("Accesso allo sportello PEC"), _(
        "Gentile {name},\n\nl'amministrazione ha preparato l'accesso del suo account {userid} "
        "(la password precedente, se c'era, non vale più).\nPer scegliere la password, nel "
        "chiosco usi «Recupero credenziali» > «Ho già un codice».\nCodice di recupero: {code}\n"
        "Il codice vale {minutes} minuti e si può usare una sola volta.\n\n"
        "Se non se lo aspettava, avverta subito l'amministrazione."
    ).format(**v)


def registration_code(v: Values) -> tuple[str, str]:
    return _("Iscrizione al servizio di rinnovo PEC"), _(
        "Gentile {name},\n\nper completare l'iscrizione inserisca questo codice nella "
        "schermata del chiosco:\n\nCodice di conferma: {code}\n\n"
        "Il codice vale {minutes} minuti e si può usare una sola volta.\n"
        "Se non ha chiesto lei l'iscrizione, ignori questo messaggio."
    ).format(**v)


def registration_already(v: Values) -> tuple[str, str]:
    return _("Iscrizione al servizio di rinnovo PEC"), _(
        "Gentile {name},\n\nè stata chiesta un'iscrizione con il suo codice fiscale, che "
        "risulta già iscritto con lo userid {userid}.\nSe ha dimenticato la password, usi il "
        "recupero credenziali.\n\nSe non ha chiesto lei l'iscrizione, ignori questo messaggio."
    ).format(**v)


def order_placed(v: Values) -> tuple[str, str]:
    subject = _("Ordine {code} - Rinnovo PEC {pec}: istruzioni di pagamento").format(**v)
    body = _(
        "Gentile {name},\n\nabbiamo registrato l'ordine {code} per il rinnovo della casella "
        "{pec} (nuova scadenza {expiry}).\n\nImporto da pagare: {total}\nModalità: {method}\n\n"
        "{details}\n\nIndichi il codice {code} nella causale e invii copia del pagamento a "
        "{admin_email}. Se il pagamento non arriva entro il {pay_by}, l'ordine può essere "
        "annullato.\nAlla registrazione del pagamento riceverà la fattura; la casella sarà "
        "rinnovata {hours} ore dopo."
    ).format(**v)
    if v.get("qr_attached"):
        body += "\n\n" + _(
            "In allegato il codice QR del bonifico: l'app della banca lo legge e compila "
            "beneficiario, IBAN, importo e causale."
        )
    return subject, body


def payment_received(v: Values) -> tuple[str, str]:
    subject = _("Fattura {number} - Rinnovo PEC {pec}").format(**v)
    body = _(
        "Gentile {name},\n\nabbiamo ricevuto il pagamento dell'ordine {code} ({total}).\n"
        "Fattura n. {number}.\nLa casella {pec} sarà rinnovata dopo {hours} ore; "
        "nuova scadenza: {expiry}.\n"
    ).format(**v)
    if v.get("attached"):
        body += "\n" + _("In allegato la fattura: {files}.").format(**v)
    return subject, body


def renewal_done(v: Values) -> tuple[str, str]:
    return _("Casella {pec} rinnovata").format(**v), _(
        "Gentile {name},\n\nla casella {pec} è stata rinnovata (ordine {code}).\n"
        "Nuova scadenza: {expiry}."
    ).format(**v)


def expiry_reminder(v: Values) -> tuple[str, str]:
    return _("La casella {pec} scade il {expiry}").format(**v), _(
        "Gentile {name},\n\nla casella PEC {pec} scade il {expiry}, tra {days} giorni.\n"
        "Può rinnovarla al chiosco dell'Ordine o allo sportello: il nuovo periodo decorre dalla "
        "scadenza attuale, qualunque sia la data del pagamento.\n\n"
        "Se l'ha già rinnovata, ignori questo messaggio."
    ).format(**v)


def callback_ack(v: Values) -> tuple[str, str]:
    return _("Richiesta di essere richiamato - casella {pec}").format(**v), _(
        "Gentile {name},\n\nabbiamo ricevuto la sua richiesta di essere richiamato per la "
        "casella {pec}, scaduta da più di 6 mesi.\nIl Supporto Vendite la contatterà{phone_text}. "
        "Per informazioni: {sales_phone}, {sales_email}."
    ).format(**v)


def document(v: Values) -> tuple[str, str]:
    if v.get("kind") == "invoice":
        subject = _("Fattura {number} - Rinnovo PEC {pec}").format(**v)
        body = _("Gentile {name},\n\nin allegato la fattura {number} dell'ordine {code}.")
    else:
        subject = _("Promemoria di pagamento - ordine {code}").format(**v)
        body = _(
            "Gentile {name},\n\nin allegato il promemoria di pagamento dell'ordine {code} "
            "({total}): coordinate, causale e codice QR."
        )
    return subject, body.format(**v)


TEMPLATES: dict[str, Callable[[Values], tuple[str, str]]] = {
    "recovery": recovery,
    "staff_access": staff_access,
    "registration_code": registration_code,
    "registration_already": registration_already,
    "order_placed": order_placed,
    "payment_received": payment_received,
    "renewal_done": renewal_done,
    "expiry_reminder": expiry_reminder,
    "callback_ack": callback_ack,
    "document": document,
}
# messages whose body holds a code: the back office never sees their body
SECRET_TEMPLATES = frozenset({"recovery", "staff_access", "registration_code"})


def texts(template: str, values: Values) -> tuple[str, str]:
    """(subject, body) of `template`, in the current language, with the automatic footer."""
    subject, body = TEMPLATES[template](values)
    return subject, f"{body}\n\n-- \n{_footer()}\n"
