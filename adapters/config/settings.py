"""Where akkoord keeps its data, read from options and the environment.

The data directory always holds the log file; the store itself is either SQLite files in that
directory (the default) or a PostgreSQL database named by `AKKOORD_DATABASE_URL`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

DEFAULT_HOME = Path(".akkoord")
EVENTS_FILE = "events.sqlite"
LOG_FILE = "akkoord.log"
AUTH_FILE = "auth.sqlite"
DATABASE_URL_ENV = "AKKOORD_DATABASE_URL"
# Named here, not in the store, so an option can name it without loading a database driver.
WAIT_ENV = "AKKOORD_DATABASE_WAIT"
AUDIT_KEY_FILE = "audit-key.pem"
AUDIT_KEY_ENV = "AKKOORD_AUDIT_KEY"  # one key file for every node of a shared store


def _database_url_from_env() -> str | None:
    return os.environ.get(DATABASE_URL_ENV) or None


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) <= 0:
        raise ValueError(f"{name} must be a positive whole number, not {raw!r}")
    return int(raw)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class WebSettings:
    """The web server's limits and trust (env AKKOORD_...; read by `serve`, not by the CLI)."""

    session_idle_seconds: int = 30 * 60  # AKKOORD_SESSION_IDLE_SECONDS
    session_absolute_seconds: int = 12 * 3600  # AKKOORD_SESSION_MAX_SECONDS
    login_attempts_per_minute: int = 10  # AKKOORD_LOGIN_ATTEMPTS_PER_MINUTE, per client IP
    max_body_bytes: int = 1024 * 1024  # AKKOORD_MAX_BODY_BYTES
    # Cookies are Secure on https anyway; this forces it behind a TLS-terminating proxy.
    secure_cookies: bool = False  # AKKOORD_SECURE_COOKIES=1
    # Honour X-Forwarded-For/-Proto (from FORWARDED_ALLOW_IPS, default 127.0.0.1) only if set.
    trust_proxy: bool = False  # AKKOORD_TRUST_PROXY=1
    # The origin browsers see (https://akkoord.example.nl) when a proxy rewrites the Host.
    public_origin: str = ""  # AKKOORD_PUBLIC_ORIGIN

    @classmethod
    def from_env(cls) -> WebSettings:
        return cls(
            session_idle_seconds=_env_int("AKKOORD_SESSION_IDLE_SECONDS", cls.session_idle_seconds),
            session_absolute_seconds=_env_int(
                "AKKOORD_SESSION_MAX_SECONDS", cls.session_absolute_seconds
            ),
            login_attempts_per_minute=_env_int(
                "AKKOORD_LOGIN_ATTEMPTS_PER_MINUTE", cls.login_attempts_per_minute
            ),
            max_body_bytes=_env_int("AKKOORD_MAX_BODY_BYTES", cls.max_body_bytes),
            secure_cookies=_env_flag("AKKOORD_SECURE_COOKIES"),
            trust_proxy=_env_flag("AKKOORD_TRUST_PROXY"),
            public_origin=os.environ.get("AKKOORD_PUBLIC_ORIGIN", "").strip().rstrip("/"),
        )


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes out, and how patiently (env AKKOORD_...; read by the mail commands, by
    `serve` and by `scheduler run`). Without an SMTP URL messages wait in the outbox."""

    # smtp://user:password@host:587?starttls=true, smtps://host (TLS from the start), or
    # smtp://127.0.0.1:2525 (plain, for a relay on the same machine).
    smtp_url: str = field(default="", repr=False)  # AKKOORD_SMTP_URL (may hold a password)
    mail_from: str = "akkoord@localhost"  # AKKOORD_MAIL_FROM
    public_url: str = "http://127.0.0.1:8000"  # AKKOORD_PUBLIC_URL: the base of links in mails
    retry_seconds: int = 60  # AKKOORD_MAIL_RETRY_SECONDS: the first wait; it doubles each time
    max_attempts: int = 8  # AKKOORD_MAIL_MAX_ATTEMPTS: then the message is marked failed
    poll_seconds: int = 5  # AKKOORD_MAIL_POLL_SECONDS: how often a server looks at the outbox
    # Parsed from smtp_url by from_env (a malformed URL is refused there, in one line).
    security: str = "plain"  # "plain" | "starttls" | "tls"
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = field(default="", repr=False)

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @property
    def server(self) -> str:
        """The server without its credentials, safe to show and log."""
        scheme = "smtps" if self.security == "tls" else "smtp"
        user = f"{self.username}@" if self.username else ""
        tls = "?starttls=true" if self.security == "starttls" else ""
        return f"{scheme}://{user}{self.host}:{self.port}{tls}" if self.host else ""

    @staticmethod
    def parse_smtp_url(url: str) -> tuple[str, str, int, str, str]:
        """(security, host, port, username, password); the error never repeats the URL, which
        may hold a password."""
        from urllib.parse import parse_qs, unquote, urlsplit

        shape = "smtp://[user:password@]host[:port][?starttls=true] or smtps://..."
        try:
            parts = urlsplit(url)
            port = parts.port
            query = parse_qs(parts.query, strict_parsing=bool(parts.query))
        except ValueError:
            raise ValueError(f"AKKOORD_SMTP_URL is malformed: expected {shape}") from None
        starttls = query.pop("starttls", ["false"])[-1].lower()
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname or query or parts.path:
            raise ValueError(f"AKKOORD_SMTP_URL is malformed: expected {shape}")
        if starttls not in ("true", "false", "1", "0", "yes", "no"):
            raise ValueError("AKKOORD_SMTP_URL is malformed: starttls must be true or false")
        if parts.scheme == "smtps":
            security, default_port = "tls", 465
        elif starttls in ("true", "1", "yes"):
            security, default_port = "starttls", 587
        else:
            security, default_port = "plain", 25
        username, password = unquote(parts.username or ""), unquote(parts.password or "")
        return security, parts.hostname, port or default_port, username, password

    @classmethod
    def from_env(cls) -> MailSettings:
        url = os.environ.get("AKKOORD_SMTP_URL", "").strip()
        security, host, port, username, password = (
            cls.parse_smtp_url(url) if url else ("plain", "", 0, "", "")
        )
        mail_from = os.environ.get("AKKOORD_MAIL_FROM", "").strip() or cls.mail_from
        if "@" not in mail_from or any(c.isspace() for c in mail_from):
            raise ValueError(f"AKKOORD_MAIL_FROM must be a mail address, not {mail_from!r}")
        public_url = os.environ.get("AKKOORD_PUBLIC_URL", "").strip().rstrip("/")
        if public_url and not public_url.startswith(("http://", "https://")):
            raise ValueError(f"AKKOORD_PUBLIC_URL must start with https://, not {public_url!r}")
        return cls(
            smtp_url=url,
            mail_from=mail_from,
            public_url=public_url or cls.public_url,
            retry_seconds=_env_int("AKKOORD_MAIL_RETRY_SECONDS", cls.retry_seconds),
            max_attempts=_env_int("AKKOORD_MAIL_MAX_ATTEMPTS", cls.max_attempts),
            poll_seconds=_env_int("AKKOORD_MAIL_POLL_SECONDS", cls.poll_seconds),
            security=security,
            host=host,
            port=port,
            username=username,
            password=password,
        )


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    # None is the embedded SQLite store; a postgresql:// URL shares one database between nodes.
    database_url: str | None = field(default_factory=_database_url_from_env)

    @classmethod
    def resolve(cls, data_dir: Path | None = None, database_url: str | None = None) -> Settings:
        chosen = data_dir or Path(os.environ.get("AKKOORD_HOME") or DEFAULT_HOME)
        return cls(
            data_dir=chosen.expanduser(),
            database_url=database_url or _database_url_from_env(),
        )

    @cached_property
    def web(self) -> WebSettings:
        return WebSettings.from_env()

    @property
    def events_path(self) -> Path:
        return self.data_dir / EVENTS_FILE

    @property
    def views_path(self) -> Path:
        """Where the read models are: in the events file, so a command commits once."""
        return self.events_path

    @property
    def auth_path(self) -> Path:
        return self.data_dir / AUTH_FILE

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_FILE

    @property
    def audit_key_path(self) -> Path:
        named = os.environ.get(AUDIT_KEY_ENV)
        return Path(named).expanduser() if named else self.data_dir / AUDIT_KEY_FILE
