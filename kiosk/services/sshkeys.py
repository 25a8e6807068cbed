"""Remote support over SSH: the keys, who a connection is, and its audit trail.

`pec-kiosk serve ssh` lets operators in by public key only: each key (its SHA256 fingerprint,
as OpenSSH prints it) belongs to one operator account, or to one kiosk terminal (a kiosk
started through the server on its welcome page, where lawyers log in as at any kiosk), added
and removed by the back office (`pec-kiosk users key add [--terminal NAME]|list|remove`).
Lawyers may be let in with their kiosk password when the deployment allows it
(`ssh_lawyer_passwords`), under the kiosk's own throttle and lock.
The server writes every login, logout, refusal and assistance join through `record`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain import validation
from kiosk.domain.model import Role
from kiosk.errors import Conflict, InvalidInput, Reason, Refusal
from kiosk.i18n import _
from kiosk.services.auth import bad_credentials, session_of
from kiosk.services.context import ServiceContext
from kiosk.services.dto import SessionUser
from kiosk.services.tx import audit, guarded
from kiosk.store.models import SshKey, Subscriber

KEY_TYPES = (
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "ssh-rsa",
)
MIN_RSA_BITS = 2048
MAX_KEY_TEXT = 16_384
STAFF = (Role.OPERATOR, Role.ADMIN)
TERMINAL_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True, slots=True)
class SshKeyView:
    fingerprint: str
    key_type: str
    comment: str
    userid: str | None  # the operator's, or None for a terminal's key
    added_by: str
    added_at: datetime
    public_key: str
    terminal: str | None = None  # the kiosk terminal's name, for a terminal's key

    @property
    def owner(self) -> str:
        """Whose key, as the list and the audit trail name it."""
        return self.userid if self.userid is not None else f"terminal:{self.terminal}"


@dataclass(frozen=True, slots=True)
class KeyLogin:
    """Who a key lets in: an operator's session, or a kiosk terminal (nobody logged in yet)."""

    user: SessionUser | None = None
    terminal: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedKey:
    key_type: str
    blob: bytes
    comment: str

    @property
    def fingerprint(self) -> str:
        return fingerprint_of(self.blob)

    @property
    def text(self) -> str:
        return f"{self.key_type} {base64.b64encode(self.blob).decode('ascii')}"


def fingerprint_of(blob: bytes) -> str:
    """OpenSSH's SHA256 fingerprint of a public key's wire form (`ssh-keygen -lf`)."""
    digest = base64.b64encode(hashlib.sha256(blob).digest()).decode("ascii").rstrip("=")
    return f"SHA256:{digest}"


def _bad_key() -> InvalidInput:
    return InvalidInput(
        "public_key",
        _(
            "Chiave pubblica non valida: indicare il file .pub di una chiave ed25519, ecdsa o "
            "rsa (almeno {bits} bit), come lo scrive ssh-keygen."
        ).format(bits=MIN_RSA_BITS),
    )


def parse_public_key(text: str) -> ParsedKey:
    """One OpenSSH public key line (`type base64 [comment]`), checked by decoding it: a
    truncated, private or unknown key is bad input, never stored."""
    if len(text) > MAX_KEY_TEXT:
        raise _bad_key()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("#")]
    if len(lines) != 1:
        raise _bad_key()
    words = lines[0].split(None, 2)
    if len(words) < 2 or words[0] not in KEY_TYPES:
        raise _bad_key()
    try:
        blob = base64.b64decode(words[1], validate=True)
    except (binascii.Error, ValueError):
        raise _bad_key() from None
    import asyncssh  # imported here: the kiosk itself never needs it

    try:
        key = asyncssh.import_public_key(f"{words[0]} {words[1]}")
    except (asyncssh.KeyImportError, ValueError):
        raise _bad_key() from None
    if key.get_algorithm() != words[0]:
        raise _bad_key()
    if words[0] == "ssh-rsa" and _rsa_bits(blob) < MIN_RSA_BITS:
        raise _bad_key()
    comment = words[2].strip() if len(words) > 2 else ""
    return ParsedKey(words[0], blob, "".join(c for c in comment if c.isprintable())[:200])


def _rsa_bits(blob: bytes) -> int:
    """The modulus size of an ssh-rsa key's wire form (string type, mpint e, mpint n)."""
    offset, parts = 0, []
    for _part in range(3):
        size = int.from_bytes(blob[offset : offset + 4], "big")
        parts.append(blob[offset + 4 : offset + 4 + size])
        offset += 4 + size
    return int.from_bytes(parts[2], "big").bit_length()


def terminal_name(value: str) -> str:
    """A kiosk terminal's name (its SSH username and KIOSK_TERMINAL_ID): lower case letters,
    digits, dots, dashes and underscores, at most 64."""
    cleaned = value.strip().lower()
    if not TERMINAL_RE.match(cleaned):
        raise InvalidInput(
            "terminal",
            _(
                "Nome del terminale non valido: da 1 a 64 caratteri tra lettere minuscole, "
                "cifre, punto, trattino e trattino basso (es. sportello-1)."
            ),
        )
    return cleaned


def _view(row: SshKey) -> SshKeyView:
    """A row whose operator (if any) was fetched with it."""
    operator = row.operator
    return SshKeyView(
        fingerprint=row.fingerprint,
        key_type=row.public_key.split(" ", 1)[0],
        comment=row.comment,
        userid=operator.userid if operator is not None else None,
        added_by=row.added_by,
        added_at=row.added_at,
        public_key=row.public_key,
        terminal=row.terminal,
    )


class SshKeyService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @guarded
    async def add(self, userid: str, public_key: str, *, actor: str) -> SshKeyView:
        """Authorise `public_key` for the operator `userid` (back office: it may say that a
        userid is unknown or not an operator)."""
        parsed = parse_public_key(public_key)
        uid = validation.userid_ref(userid)
        now = self.ctx.now()

        async def work() -> SshKeyView:
            user = await Subscriber.get_or_none(userid=uid)
            if user is None:
                raise Refusal(
                    Reason.UNKNOWN_USER, _("Nessun utente con userid {userid}.").format(userid=uid)
                )
            if Role(user.role) not in STAFF:
                raise Refusal(
                    Reason.NOT_OPERATOR,
                    _(
                        "{userid} non è un operatore né un utente dell'amministrazione: le "
                        "chiavi SSH sono solo per lo sportello."
                    ).format(userid=uid),
                )
            return await _store(parsed, now, actor, operator=user)

        return await self.ctx.atomic(work, retry_on=["ssh_key.fingerprint"])

    @guarded
    async def add_terminal(self, terminal: str, public_key: str, *, actor: str) -> SshKeyView:
        """Authorise `public_key` for the kiosk terminal `terminal`: a connection with it (as
        that name) gets a kiosk on its welcome page, KIOSK_TERMINAL_ID `terminal`."""
        parsed = parse_public_key(public_key)
        name = terminal_name(terminal)
        now = self.ctx.now()
        return await self.ctx.atomic(
            lambda: _store(parsed, now, actor, terminal=name), retry_on=["ssh_key.fingerprint"]
        )

    @guarded
    async def keys(
        self, userid: str | None = None, *, terminal: str | None = None
    ) -> list[SshKeyView]:
        """The keys of one operator, of one terminal, or of everybody: the operators' by userid
        then date, then the terminals' by name then date."""
        query = SshKey.all().select_related("operator")
        if userid is not None:
            query = query.filter(operator__userid=validation.userid_ref(userid))
        if terminal is not None:
            query = query.filter(terminal=terminal.strip().lower()[:64])
        views = [_view(row) for row in await query.order_by("added_at", "id")]
        return sorted(views, key=lambda v: (v.terminal is not None, v.userid or v.terminal or ""))

    @guarded
    async def remove(self, fingerprint: str, *, actor: str) -> SshKeyView:
        """Withdraw a key: the next connection with it is refused (open ones stay open)."""
        wanted = fingerprint.strip()
        if not wanted.startswith("SHA256:"):
            wanted = "SHA256:" + wanted
        if len(wanted) > 64:
            raise InvalidInput("fingerprint", _("Impronta della chiave non valida."))
        now = self.ctx.now()

        async def work() -> SshKeyView:
            row = await SshKey.get_or_none(fingerprint=wanted).select_related("operator")
            if row is None:
                raise Refusal(
                    Reason.UNKNOWN_KEY,
                    _("Nessuna chiave SSH con impronta {fingerprint}.").format(fingerprint=wanted),
                )
            view = _view(row)
            await SshKey.filter(id=row.id).delete()
            await audit(
                now,
                "ssh.key_removed",
                actor=actor[:32],
                subject=view.owner,
                key=wanted,
                **({"terminal": view.terminal} if view.terminal else {}),
            )
            return view

        return await self.ctx.atomic(work)

    @guarded
    async def login_for_key(self, username: str, fingerprint: str) -> KeyLogin | None:
        """Who a key lets in as `username`: its operator (still staff, and the name the client
        gave is theirs), or its terminal (the name given is the terminal's). None otherwise
        (whatever the reason: nothing is told)."""
        row = await SshKey.get_or_none(fingerprint=fingerprint).select_related("operator")
        if row is None:
            return None
        wanted = username.strip().lower()
        if row.terminal is not None:
            return KeyLogin(terminal=row.terminal) if row.terminal == wanted else None
        user = row.operator
        if user is None or Role(user.role) not in STAFF or user.userid != wanted:
            return None
        return KeyLogin(user=session_of(user))

    async def operator_for_key(self, username: str, fingerprint: str) -> SessionUser | None:
        """The operator a key lets in as `username` (None for a terminal's key)."""
        login = await self.login_for_key(username, fingerprint)
        return login.user if login is not None else None

    @guarded
    async def lawyer_login(self, userid: str, password: str, *, terminal: str) -> SessionUser:
        """A lawyer's kiosk password over SSH: the kiosk's login (throttle, lock, audit) for
        this terminal; staff accounts never get in by password (refused as a wrong one)."""
        from kiosk.services.auth import AuthService

        user = await AuthService(self.ctx).login(userid, password, terminal=terminal)
        if user.role is not Role.SUBSCRIBER:
            raise bad_credentials()
        return user

    @guarded
    async def session_user(self, userid: str) -> SessionUser | None:
        """Who a kiosk started by the SSH server is for (the server authenticated them)."""
        user = await Subscriber.get_or_none(userid=validation.userid_ref(userid))
        return session_of(user) if user is not None else None

    @guarded
    async def record(
        self, action: str, *, actor: str | None = None, subject: str = "", **details: Any
    ) -> None:
        """One audit record from the SSH server (logins, logouts, refusals, assistance)."""
        now = self.ctx.now()
        actor_text = actor[:32] if actor else None
        await self.ctx.atomic(
            lambda: audit(now, action[:48], actor=actor_text, subject=subject[:254], **details)
        )


async def _store(
    parsed: ParsedKey,
    now: datetime,
    actor: str,
    *,
    operator: Subscriber | None = None,
    terminal: str | None = None,
) -> SshKeyView:
    """One new key for one owner (exactly one of `operator`, `terminal`), audited."""
    if (operator is None) == (terminal is None):
        raise ValueError("a key belongs to an operator or to a terminal")
    if await SshKey.exists(fingerprint=parsed.fingerprint):
        raise Conflict(
            "ssh_key.fingerprint",
            _("Questa chiave è già registrata ({fingerprint}).").format(
                fingerprint=parsed.fingerprint
            ),
        )
    row = await SshKey.create(
        fingerprint=parsed.fingerprint,
        public_key=parsed.text,
        comment=parsed.comment,
        operator=operator,
        terminal=terminal,
        added_by=actor[:32],
        added_at=now,
    )
    view = _view(row)
    await audit(
        now,
        "ssh.key_added",
        actor=actor[:32],
        subject=view.owner,
        key=parsed.fingerprint,
        **({"terminal": terminal} if terminal else {}),
    )
    return view
