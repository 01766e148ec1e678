"""Where akkoord keeps its data, read from options and the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path(".akkoord")
EVENTS_FILE = "events.sqlite"
VIEWS_FILE = "views.sqlite"
LOG_FILE = "akkoord.log"
AUTH_FILE = "auth.sqlite"


@dataclass(frozen=True)
class Settings:
    data_dir: Path

    @classmethod
    def resolve(cls, data_dir: Path | None = None) -> Settings:
        chosen = data_dir or Path(os.environ.get("AKKOORD_HOME") or DEFAULT_HOME)
        return cls(data_dir=chosen.expanduser())

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
        return self.events_path.is_file()
