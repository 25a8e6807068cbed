"""The one settings object: `KIOSK_*` environment variables, an optional TOML file, defaults.

The TOML file is `$KIOSK_CONFIG` if set, else `config.toml` in the data directory if present.
Built once by the CLI (or a test) and passed down; nothing else reads the environment.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from kiosk.boot import config_file, default_data_dir, default_refdata_dir
from kiosk.clock import Clock, ShiftedClock, SystemClock, parse_now

# the sandbox bank's credentials: the defaults, for the demo and development only
SANDBOX_API_KEY = "sandbox-api-key"
SANDBOX_NOTIFY_SECRET = "sandbox-notify-secret"
# OWASP's argon2id configurations (memory KiB, iterations), equally strong: any one will do
OWASP_ARGON2ID = ((47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5))


def strong_enough(time_cost: int, memory_kib: int) -> bool:
    """At least one of OWASP's argon2id pairs: that much memory and that many passes."""
    return any(memory_kib >= m and time_cost >= t for m, t in OWASP_ARGON2ID)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KIOSK_", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=lambda: default_data_dir())
    database_url: str | None = None
    refdata_dir: Path = Field(default_factory=default_refdata_dir)
    demo: bool = False
    now: datetime | None = None
    # `now` moves the business clock: only for the demo, or for tests and rehearsals that say so
    allow_clock_override: bool = False
    # who runs back-office commands: `--as USERID` / KIOSK_AS, or the OS user mapped to an
    # operator account here (e.g. operator_accounts = { mrossi = "operatore.rossi" } in the TOML)
    act_as: str | None = Field(default=None, validation_alias=AliasChoices("act_as", "kiosk_as"))
    operator_accounts: dict[str, str] = Field(default_factory=dict)
    lang: Literal["it", "en"] = "it"

    idle_timeout: float = 120.0  # seconds without input before the session is wiped
    idle_warning: float = 20.0  # the countdown shown before the wipe
    kiosk_mode: bool = False  # exit only with the operator PIN (`pec-kiosk pin set`)
    # this terminal, for the login throttle; the SSH server sets one per connection
    terminal_id: str = Field(default_factory=lambda: socket.gethostname() or "kiosk")
    # the key recovery and registration codes are derived from; unset: `secret.key` in the
    # data directory, created on first use. Every process of one deployment must share it.
    secret_key: SecretStr | None = None
    test_mode: bool = False  # the test suite only: allows cheap password hashing

    activation_delay_hours: int = 24
    unpaid_order_days: int = 10
    # one top-up of the prepaid account: at most 1.000,00 € (bounded far inside 64-bit cents)
    max_topup_cents: int = Field(default=100_000, gt=0, le=10**14)
    card_wait_seconds: float = 600.0  # how long the kiosk waits for the bank's confirmation
    # the card screen asks for the order's state this often (the outcome shows within a second)
    card_poll_seconds: float = 0.5
    # `pec-kiosk serve`: the bank's notification endpoint, the scheduler (and the sandbox bank)
    serve_host: str = "127.0.0.1"
    serve_port: int = Field(default=8770, ge=0, le=65535)
    serve_job_seconds: float = 60.0  # activate-due and cancel-stale run this often
    serve_scheduler: bool = True  # off: those jobs run elsewhere (another serve, cron)
    # `pec-kiosk serve web`: the kiosk in a browser (textual-serve), one kiosk process per page;
    # loopback only unless told: it goes behind an authenticating TLS reverse proxy
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8771, ge=0, le=65535)
    web_max_sessions: int = Field(default=20, ge=1, le=1000)  # kiosk processes at once
    # the card gateway (Axerve-shaped REST); unset URLs follow serve_host / serve_port, where
    # `serve --sandbox-bank` (and the demo) answers
    bank_url: str | None = None  # the bank's API base, e.g. https://sandbox.gestpay.net
    bank_public_url: str | None = None  # the page address the link and QR show, if different
    bank_notify_url: str | None = None  # where the bank sends its server-to-server notification
    bank_shop_login: str = "PECKIOSK"
    bank_api_key: SecretStr = SecretStr(SANDBOX_API_KEY)  # the demo's; set yours in production
    bank_notify_secret: SecretStr = SecretStr(SANDBOX_NOTIFY_SECRET)  # HMAC-SHA256 shared key
    bank_timeout: float = 10.0  # seconds a call to the bank may take
    recovery_code_minutes: int = 15  # recovery and registration codes
    recovery_requests_per_hour: int = 3  # e-mails with a code per identifier (and per CF)
    password_time_cost: int = 3  # argon2id, RFC 9106 low-memory profile
    password_memory_kib: int = 65536
    login_free_failures: int = 3  # wrong passwords per userid before the delays start
    login_max_delay_seconds: int = 60  # delays double from 1 s up to this
    terminal_free_failures: int = 10  # wrong passwords per terminal before the delays start
    max_failed_logins: int = 20  # failures in a row that lock a userid
    lockout_minutes: int = 15
    db_lock_timeout: float = 10.0  # seconds a change waits for other writers before "occupato"
    db_retry_seconds: float = 2.0  # the kiosk's first wait before reconnecting (then doubling)
    # printing a reminder or an invoice at the desk: a command run without a shell, `{file}`
    # replaced by the PDF's path (appended when absent), e.g. "lp -d sportello {file}"; unset,
    # the kiosk offers no printing
    print_command: str | None = None
    print_timeout: float = 30.0  # seconds the print command may take

    # `pec-kiosk serve ssh`: remote support; operators by public key (`users key add`)
    ssh_host: str = "127.0.0.1"
    ssh_port: int = Field(default=2222, ge=0, le=65535)
    ssh_host_key: Path | None = None  # unset: ssh_host_ed25519_key in the data directory
    ssh_max_sessions: int = Field(default=32, ge=1, le=1000)  # kiosks at once, all users
    ssh_idle_timeout: float = Field(default=900.0, gt=0)  # seconds without a key: disconnected
    ssh_auth_failures: int = Field(default=10, ge=1)  # failed logins per address, then refused
    ssh_auth_window_minutes: int = Field(default=15, ge=1)  # ... for this long
    ssh_lawyer_passwords: bool = False  # lawyers in with their kiosk password (same lockout)
    ssh_assist_code_minutes: int = Field(default=10, ge=1, le=120)  # an assistance code's life
    # set by the SSH server for the kiosk it starts: who it authenticated, and the control
    # channel (a socket) for remote assistance; never set by hand
    ssh_user: str | None = None
    ssh_control_fd: int | None = None

    # the outbox, delivered over SMTP (kiosk.mail): the relay, its security and credentials
    smtp_host: str = "127.0.0.1"
    smtp_port: int | None = None  # unset: 465 with tls, 587 with starttls, 25 otherwise
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None  # never logged, never shown
    smtp_ca_file: Path | None = None  # CA bundle for a relay with a private certificate
    smtp_timeout: float = 30.0  # seconds for one SMTP conversation
    mail_from: str = "Rinnovo PEC <rinnovi-pec@localhost>"
    mail_retry_seconds: float = 60.0  # first wait after a failed attempt, then doubling
    mail_retry_max_seconds: float = 3600.0
    mail_max_attempts: int = 12  # then the message is failed for good (`outbox retry`)
    mail_lease_seconds: float = 300.0  # a claimed message is another sender's after this
    mail_poll_seconds: float = 5.0  # how often `run_sender` looks for due messages
    # demo and development: a local SMTP catcher (aiosmtpd) on smtp_host:port storing what it
    # receives under the data directory (mail/*.eml); the sender delivers there
    # the local SMTP catcher; unset: on in the demo unless an SMTP host is named
    smtp_catcher: bool | None = None

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str | None) -> str | None:
        """Only SQLite and PostgreSQL; the message never repeats the URL (it may hold a
        password)."""
        if value is None or not value.strip():
            return None
        scheme = value.split("://", 1)[0].lower() if "://" in value else ""
        if scheme not in ("sqlite", "postgres", "postgresql"):
            raise ValueError(
                "database non supportato: usare sqlite:///percorso oppure "
                "postgres://utente@host:porta/database"
            )
        return value.strip()

    @field_validator("terminal_id")
    @classmethod
    def _terminal(cls, value: str) -> str:
        cleaned = value.strip()
        if not cleaned or len(cleaned) > 200:
            raise ValueError("identificativo del terminale vuoto o più lungo di 200 caratteri")
        return cleaned

    @field_validator("secret_key")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value().strip()) < 32:
            raise ValueError("la chiave segreta deve avere almeno 32 caratteri")
        return value

    @model_validator(mode="after")
    def _strong_hashing(self) -> Settings:
        """argon2id below OWASP's minimums is refused, except for the test suite."""
        if not self.test_mode and not strong_enough(
            self.password_time_cost, self.password_memory_kib
        ):
            raise ValueError(
                "parametri di hashing delle password troppo deboli (KIOSK_PASSWORD_TIME_COST="
                f"{self.password_time_cost}, KIOSK_PASSWORD_MEMORY_KIB="
                f"{self.password_memory_kib}): il minimo è una delle coppie raccomandate da "
                "OWASP per argon2id, "
                + ", ".join(f"{m} KiB con t >= {t}" for m, t in OWASP_ARGON2ID)
            )
        return self

    @field_validator("mail_from")
    @classmethod
    def _sender_address(cls, value: str) -> str:
        from email.utils import parseaddr

        _name, address = parseaddr(value)
        if "@" not in address:
            raise ValueError("indirizzo del mittente (KIOSK_MAIL_FROM) non valido")
        return value.strip()

    @model_validator(mode="after")
    def _catcher_on_loopback(self) -> Settings:
        """The catcher stores every message it is sent: it never listens beyond this machine.
        The demo catches its own mail unless an SMTP server was named: a newcomer can finish a
        credential recovery from `pec-kiosk outbox caught`."""
        if self.catches_mail and not _is_loopback(self.smtp_host):
            raise ValueError(
                "il raccoglitore di posta (KIOSK_SMTP_CATCHER) ascolta solo su 127.0.0.1: "
                "impostare KIOSK_SMTP_HOST=127.0.0.1"
            )
        return self

    @property
    def catches_mail(self) -> bool:
        """Whether `serve` runs the SMTP catcher (and the outbox is sent to it)."""
        if self.smtp_catcher is None:
            return self.demo and "smtp_host" not in self.model_fields_set
        return self.smtp_catcher

    @property
    def smtp_effective_port(self) -> int:
        """The SMTP port: as set, else the catcher's 2525, else the usual one for the security."""
        if self.smtp_port is not None:
            return self.smtp_port
        if self.catches_mail:
            return 2525
        return {"tls": 465, "starttls": 587}.get(self.smtp_security, 25)

    @field_validator("print_command")
    @classmethod
    def _print_command_splits(cls, value: str | None) -> str | None:
        import shlex

        if value is None or not value.strip():
            return None
        try:
            words = shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"comando di stampa non valido ({exc})") from None
        if not words:
            raise ValueError("comando di stampa vuoto")
        return value.strip()

    @model_validator(mode="after")
    def _clock_override_is_allowed(self) -> Settings:
        if self.now is not None and not (self.demo or self.allow_clock_override):
            raise ValueError(
                "l'orologio si imposta (--now, KIOSK_NOW) solo in modalità dimostrativa (--demo) "
                "o, per prove e collaudi, con KIOSK_ALLOW_CLOCK_OVERRIDE=1"
            )
        return self

    @field_validator("now", mode="before")
    @classmethod
    def _parse_now(cls, value: object) -> object:
        return parse_now(value) if isinstance(value, str) and value.strip() else value or None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml = config_file(os.environ)
        if toml is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml))
        return tuple(sources)

    @property
    def db_url(self) -> str:
        """PostgreSQL or SQLite URL. Demo mode always has a database file of its own."""
        if self.demo:
            return f"sqlite://{self.data_dir / 'demo.sqlite3'}"
        if self.database_url:
            return self.database_url
        return f"sqlite://{self.data_dir / 'pec-kiosk.sqlite3'}"

    @property
    def safe_db_url(self) -> str:
        """The database URL as it may be shown or logged: any password replaced by ***."""
        from urllib.parse import urlsplit, urlunsplit

        parts = urlsplit(self.db_url)
        if parts.password is None:
            return self.db_url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))

    @property
    def ssh_host_key_path(self) -> Path:
        return self.ssh_host_key or self.data_dir / "ssh_host_ed25519_key"

    @property
    def bank_base_url(self) -> str:
        """The bank's API base: `bank_url`, or the sandbox under `serve` on this machine."""
        if self.bank_url:
            return self.bank_url.rstrip("/")
        return f"http://{_url_host(self.serve_host)}:{self.serve_port}/bank"

    @property
    def sandbox_bank_credentials(self) -> bool:
        """The bank's API key or notification secret is still the sandbox's (public) one."""
        return (
            self.bank_api_key.get_secret_value() == SANDBOX_API_KEY
            or self.bank_notify_secret.get_secret_value() == SANDBOX_NOTIFY_SECRET
        )

    @property
    def bank_page_base_url(self) -> str:
        """What the link and the QR show instead of `bank_base_url` (a public https address)."""
        return (self.bank_public_url or self.bank_base_url).rstrip("/")

    @property
    def notify_url(self) -> str:
        """The shop's notification endpoint as the bank must call it."""
        if self.bank_notify_url:
            return self.bank_notify_url
        return f"http://{_url_host(self.serve_host)}:{self.serve_port}/notify"

    def clock(self) -> Clock:
        return ShiftedClock(self.now) if self.now else SystemClock()


def _url_host(host: str) -> str:
    """A listening address as a URL's host: the wildcard means this machine, IPv6 in brackets."""
    if host in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip()).is_loopback
    except ValueError:
        return False


class SettingsInvalid(ValueError):
    """The settings cannot be used; the message says which one and why, in Italian."""


def load_settings(**overrides: Any) -> Settings:
    """`Settings(**overrides)`, or `SettingsInvalid` with the first problem in words."""
    from kiosk.i18n import _

    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        error = first.get("ctx", {}).get("error") if first["type"] == "value_error" else None
        if not where:  # a rule about several settings together
            raise SettingsInvalid(
                _("impostazioni non valide: {error}").format(error=error or first["msg"])
            ) from None
        raise SettingsInvalid(
            _("impostazione non valida ({where}): {error}").format(
                where=where, error=error or first["msg"]
            )
        ) from None
