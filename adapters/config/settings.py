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
