"""Single-use codes sent by e-mail (credential recovery, registration), never stored in clear.

A code row keeps a random `nonce` and the code's argon2 hash. The code itself is
HMAC-SHA256(secret key, nonce) reduced to 8 digits: computed once when the row is made (to hash
it) and again when the e-mail is rendered at send time, so its plain text exists only in memory
and in the e-mail. A copy of the database without the key yields no code.

The key is the setting `KIOSK_SECRET_KEY` or, when unset, `secret.key` in the data directory,
created (0600) by the first process that needs it. Every process of one deployment (kiosks, SSH
sessions, the mail sender) must share it: with PostgreSQL on several hosts, set
`KIOSK_SECRET_KEY` on each, or copy the file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from kiosk.errors import Unavailable
from kiosk.i18n import _
from kiosk.settings import Settings

CODE_DIGITS = 8
KEY_FILE = "secret.key"
_DOMAIN = b"pec-kiosk/code/v1:"  # the derivation's own label: the key may serve other uses


def new_nonce() -> str:
    return secrets.token_hex(16)


def derive(key: bytes, nonce: str, digits: int = CODE_DIGITS) -> str:
    """The code of `nonce`: 64 bits of the HMAC, reduced to `digits` decimal digits (the bias of
    2**64 mod 10**8 is below one in 10**11)."""
    digest = hmac.new(key, _DOMAIN + nonce.encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**digits:0{digits}d}"


def _unreadable(path: Path) -> Unavailable:
    return Unavailable(
        _(
            "La chiave segreta {path} non è leggibile o non è valida: ripristinarla o impostare "
            "KIOSK_SECRET_KEY."
        ).format(path=path),
        detail="secret_key",
    )


def load_secret_key(settings: Settings) -> bytes:
    """The deployment's key: the setting, else the data directory's file (made if missing).

    The file is written under a temporary name and linked into place, so two processes starting
    together agree on one key and neither can read a half-written file.
    """
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().strip().encode()
    path = settings.data_dir / KEY_FILE
    if not path.exists():
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, (secrets.token_hex(32) + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            temporary.unlink(missing_ok=True)
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        raise _unreadable(path) from None
    if len(text) < 32:
        raise _unreadable(path)
    return text.encode()


class CodeMaker:
    """Nonces and their codes, with the deployment's key read on first use."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = load_secret_key(self._settings)
        return self._key

    def code(self, nonce: str) -> str:
        return derive(self.key, nonce)
