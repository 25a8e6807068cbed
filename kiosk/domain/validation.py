"""Input validation with clear Italian messages (translated through the catalogue).

Each validator returns the normalised value or raises `InvalidInput` naming the field, so the
screens can put the message beside the field and the CLI can print it with the line number.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from kiosk.domain.model import MailboxFamily
from kiosk.errors import InvalidInput
from kiosk.i18n import _, _n

USERID_RE = re.compile(r"^[a-z][a-z0-9._-]{2,31}$")
USERID_MAX = 32
EMAIL_MAX = 254  # RFC 5321: the longest address a mail system must accept
PASSWORD_MIN = 10
PASSWORD_MAX = 128
LEGALMAIL_DOMAIN = "legalmail.it"
NOMINATIVO_MAX = 120
# A cell starting with one of these is a formula to a spreadsheet that opens an export
FORMULA_PREFIXES = ("=", "+", "-", "@")
# The common shape of an address (ASCII dot-atom @ letters-digits-hyphens labels): checked here
# without email_validator, which costs ~25 µs an address (2.5 s for a provider file of 100,000
# rows); anything else goes through email_validator.
_PLAIN_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)
_SPECIAL_USE = ("arpa", "invalid", "local", "localhost", "onion", "test")


def hidden_char(value: str) -> str | None:
    """The first character that would not show as itself: C0/C1 controls, format characters
    (bidirectional overrides and isolates U+202A–U+202E, U+2066–U+2069, zero-width...), line
    and paragraph separators. As `U+XXXX`, or None."""
    if value.isprintable():  # at C speed: nothing of Cc, Cf, Zl, Zp in it
        return None
    for ch in value:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            return f"U+{ord(ch):04X}"
    return None


def _no_hidden(value: str, field: str, message: str) -> None:
    code = hidden_char(value)
    if code is not None:
        raise InvalidInput(field, message.format(code=code))


def userid(value: str) -> str:
    cleaned = value.strip().lower()
    if not cleaned:
        raise InvalidInput("userid", _("Inserire lo userid."))
    if not USERID_RE.match(cleaned):
        raise InvalidInput(
            "userid",
            _(
                "Lo userid deve avere da 3 a 32 caratteri, iniziare con una lettera e contenere "
                "solo lettere, cifre, punto, trattino o trattino basso."
            ),
        )
    return cleaned


def is_userid(value: str) -> bool:
    """True when `value` (already stripped and lower-cased) could be somebody's userid."""
    return bool(USERID_RE.match(value))


def userid_ref(value: str, field: str = "userid") -> str:
    """A userid typed to name an account (lookups, the back office): stripped, lower-cased, and
    refused as bad input only when no userid could be that long; anything shorter is looked up
    and simply not found."""
    cleaned = value.strip().lower()
    if len(cleaned) > USERID_MAX:
        raise InvalidInput(
            field, _("Lo userid può avere al massimo {n} caratteri.").format(n=USERID_MAX)
        )
    return cleaned


def password(value: str, user: str | None = None) -> str:
    """The policy: 10-128 characters with lower case, upper case, a digit and a symbol."""
    if len(value) < PASSWORD_MIN:
        raise InvalidInput(
            "password", _("La password deve avere almeno {n} caratteri.").format(n=PASSWORD_MIN)
        )
    if len(value) > PASSWORD_MAX:
        raise InvalidInput(
            "password", _("La password può avere al massimo {n} caratteri.").format(n=PASSWORD_MAX)
        )
    missing = []
    if not re.search(r"[a-z]", value):
        missing.append(_("una lettera minuscola"))
    if not re.search(r"[A-Z]", value):
        missing.append(_("una lettera maiuscola"))
    if not re.search(r"\d", value):
        missing.append(_("una cifra"))
    if not re.search(r"[^A-Za-z0-9]", value):
        missing.append(_("un simbolo"))
    if missing:
        raise InvalidInput(
            "password", _("La password deve contenere {what}.").format(what=", ".join(missing))
        )
    if user and user.lower() in value.lower():
        raise InvalidInput("password", _("La password non può contenere lo userid."))
    return value


def email(value: str, field: str = "email") -> str:
    """A syntactically valid address (no DNS look-up: may be offline), lower-cased whole.

    Addresses are compared case-insensitively everywhere, so they are stored lower-cased: the
    local part too (in theory it may be case-sensitive; no provider of this program's users
    treats it so, and `Avv.Rossi@...` must find `avv.rossi@...`). `email_key` is the same rule
    for a value that need not be valid (a look-up).
    """
    from email_validator import EmailNotValidError, validate_email

    cleaned = value.strip()
    if not cleaned:
        raise InvalidInput(field, _("Inserire l'indirizzo e-mail."))
    _no_hidden(cleaned, field, _("L'indirizzo contiene un carattere non ammesso ({code})."))
    if len(cleaned) > EMAIL_MAX:
        raise InvalidInput(
            field, _("L'indirizzo può avere al massimo {n} caratteri.").format(n=EMAIL_MAX)
        )
    key = email_key(cleaned)
    if (
        _PLAIN_EMAIL.match(key)
        and len(key.split("@", 1)[0]) <= 64
        and key.rsplit(".", 1)[1] not in _SPECIAL_USE
        and "xn--" not in key
    ):
        return key
    try:
        result = validate_email(cleaned, check_deliverability=False)
    except EmailNotValidError:
        if field == "pec":
            raise InvalidInput(field, _("L'indirizzo PEC non è valido.")) from None
        raise InvalidInput(field, _("L'indirizzo e-mail non è valido.")) from None
    return email_key(str(result.normalized))


def email_key(value: str) -> str:
    """How an address is stored and matched: stripped and lower-cased."""
    return value.strip().lower()


def pec(value: str, family: MailboxFamily, allowed_domains: Iterable[str]) -> str:
    """A PEC address, lower-cased, whose domain fits the mailbox family.

    `@legalmail.it` boxes must be on legalmail.it; the two convention families must be on one of
    the domains configured for the subscriber's area (`allowed_domains`).
    """
    address = email(value.strip().lower(), field="pec").lower()
    domain = address.rsplit("@", 1)[1]
    if family is MailboxFamily.LEGALMAIL:
        if domain != LEGALMAIL_DOMAIN:
            raise InvalidInput(
                "pec", _("Le caselle @legalmail.it devono terminare con @legalmail.it.")
            )
        return address
    allowed = {d.lower() for d in allowed_domains}
    if domain not in allowed:
        if not allowed:
            raise InvalidInput(
                "pec", _("Quest'area non ha domini in convenzione per questo tipo di casella.")
            )
        raise InvalidInput(
            "pec",
            _(
                "Il dominio {domain} non è in convenzione per questo tipo di casella ({allowed})."
            ).format(domain=domain, allowed=", ".join(sorted(allowed))),
        )
    return address


def pec_address(value: str) -> str:
    """A PEC address typed to look a mailbox up (any family): syntax only, lower-cased."""
    return email(value.strip().lower(), field="pec").lower()


def codice_fiscale(value: str) -> str:
    from stdnum.it import codicefiscale  # imported on first use: the kiosk paints first

    if value and value.isalnum() and value.isascii() and value.isupper():
        cleaned = value  # already compact (a provider file's 100,000 rows): stdnum's clean skipped
    else:
        cleaned = codicefiscale.compact(value) if value else ""  # spaces gone, upper case
    if not cleaned:
        raise InvalidInput("codice_fiscale", _("Inserire il codice fiscale."))
    if len(cleaned) == 16:  # a person's: what stdnum's validate does, without compacting again
        valid = bool(
            codicefiscale._code_re.match(cleaned)
            and codicefiscale.calc_check_digit(cleaned[:-1]) == cleaned[-1]
            and _birth_date_exists(cleaned)
        )
    else:
        valid = codicefiscale.is_valid(cleaned)
    if not valid:
        raise InvalidInput("codice_fiscale", _("Il codice fiscale non è valido."))
    return cleaned


def _birth_date_exists(cleaned: str) -> bool:
    """stdnum's `get_birth_date` on a compact, well-formed code (day, month, two-digit year;
    a woman's day + 40), without compacting it again: a real day of some century."""
    from stdnum.it import codicefiscale

    digits, months = codicefiscale._date_digits, codicefiscale._month_digits
    day = (digits[cleaned[9]] * 10 + digits[cleaned[10]]) % 40
    month = months[cleaned[8]] + 1
    year = digits[cleaned[6]] * 10 + digits[cleaned[7]]
    year += 1900 if year >= 20 else 2000  # stdnum's window: 1920-2019
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def partita_iva(value: str) -> str:
    from stdnum.it import iva

    cleaned = iva.compact(value) if value else ""
    if not iva.is_valid(cleaned):
        raise InvalidInput("partita_iva", _("La partita IVA non è valida."))
    return cleaned


def iban(value: str) -> str:
    from stdnum import iban as stdnum_iban

    cleaned = stdnum_iban.compact(value) if value else ""
    if not stdnum_iban.is_valid(cleaned):
        raise InvalidInput("iban", _("L'IBAN non è valido."))
    return cleaned


def nominativo(value: str) -> str:
    """Spaces at either end dropped and runs of spaces made one before the length is checked;
    controls, bidirectional and other invisible format characters refused (they would reorder
    or hide what a screen, a terminal or an invoice shows), and so is a leading =, +, - or @
    (a spreadsheet opening an export would run it as a formula)."""
    _no_hidden(
        value, "nominativo", _("Nome e cognome contengono un carattere non ammesso ({code}).")
    )
    cleaned = " ".join(value.split())
    if len(cleaned) < 2:
        raise InvalidInput("nominativo", _("Inserire nome e cognome."))
    if len(cleaned) > NOMINATIVO_MAX:
        raise InvalidInput(
            "nominativo",
            _n(
                "Nome e cognome: al massimo {n} carattere ({m} indicati).",
                "Nome e cognome: al massimo {n} caratteri ({m} indicati).",
                NOMINATIVO_MAX,
            ).format(n=NOMINATIVO_MAX, m=len(cleaned)),
        )
    if cleaned.startswith(FORMULA_PREFIXES):
        raise InvalidInput("nominativo", _("Nome e cognome non possono iniziare con =, +, - o @."))
    return cleaned


_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_IT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def calendar_date(value: str, field: str = "data") -> date:
    """`YYYY-MM-DD` or `DD/MM/YYYY`; anything else, or an impossible day, is refused."""
    text = value.strip()
    if m := _ISO.match(text):
        y, mo, d = (int(g) for g in m.groups())
    elif m := _IT.match(text):
        d, mo, y = (int(g) for g in m.groups())
    else:
        raise InvalidInput(field, _("Data non valida: usare AAAA-MM-GG oppure GG/MM/AAAA."))
    try:
        return date(y, mo, d)
    except ValueError:
        raise InvalidInput(field, _("Data inesistente: {value}.").format(value=text)) from None


REFERENCE_MAX = 140  # a payment's reference: a SEPA remittance's length
NOTE_MAX = 500  # a note or a reason typed by the back office
DESCRIPTION_MAX = 200  # a ledger entry's description (its column)
CAUSALE_MAX = 500  # the causale in which an order code is looked for


def free_text(value: str, field: str, limit: int) -> str:
    """Spaces collapsed; longer than `limit` is refused (never cut short in silence). The
    message never repeats the value: it may be long, and it goes to logs and screens."""
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise InvalidInput(
            field,
            _("Il campo {field} può avere al massimo {n} caratteri (ne ha {length}).").format(
                field=field, n=limit, length=len(cleaned)
            ),
        )
    return cleaned
