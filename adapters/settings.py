"""Where akkoord keeps its data, read from options and the environment.

The data directory always holds the log file; the store itself is either SQLite files in that
directory (the default) or a PostgreSQL database named by `AKKOORD_DATABASE_URL`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from adapters.backends import Backend

DEFAULT_HOME = Path(".akkoord")
EVENTS_FILE = "events.sqlite"
VIEWS_FILE = "views.sqlite"
LOG_FILE = "akkoord.log"
AUTH_FILE = "auth.sqlite"
DATABASE_URL_ENV = "AKKOORD_DATABASE_URL"


def _database_url_from_env() -> str | None:
    return os.environ.get(DATABASE_URL_ENV) or None


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
    def backend(self) -> Backend:
        from adapters.backends import backend_for

        return backend_for(self)

    @property
    def events_path(self) -> Path:
        return self.data_dir / EVENTS_FILE

    @property
    def views_path(self) -> Path:
        return self.data_dir / VIEWS_FILE

    @property
    def auth_path(self) -> Path:
        return self.data_dir / AUTH_FILE

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_FILE

    def store_exists(self) -> bool:
        return self.backend.store_exists()
