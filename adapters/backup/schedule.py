"""Backups on a schedule, taken by the node that leads the scheduler (one per store).

AKKOORD_BACKUP_DIR turns it on; AKKOORD_BACKUP_EVERY (default 24h: 30m, 12h, 7d, ...) is how
often, AKKOORD_BACKUP_KEEP (default 7) how many are kept. When the last one was taken is read
from the directory (the newest file's name), not remembered: a restart neither takes an extra
backup nor skips one, and another node taking over leadership goes on from the same files.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from adapters.backup.taking import head_file, take_backup
from adapters.bootstrap import Engine
from adapters.config import logs
from adapters.inputs.timeparse import parse_duration
from domain.errors import InvalidInputError

PREFIX = "akkoord-"
SUFFIX = ".backup"
STAMP = "%Y%m%dT%H%M%SZ"
LONGEST_WAIT = 60.0  # seconds between looks at whether a backup is due


class BackupSettingError(InvalidInputError):
    code = "invalid_backup_setting"


@dataclass(frozen=True)
class BackupSchedule:
    directory: Path
    every: timedelta = timedelta(hours=24)
    keep: int = 7

    @classmethod
    def from_env(cls) -> BackupSchedule | None:
        """The schedule the environment asks for, None without AKKOORD_BACKUP_DIR; a malformed
        setting is refused by name, in one line."""
        directory = os.environ.get("AKKOORD_BACKUP_DIR", "").strip()
        if not directory:
            return None
        every_text = os.environ.get("AKKOORD_BACKUP_EVERY", "").strip() or "24h"
        try:
            every = parse_duration(every_text)
        except InvalidInputError:
            raise BackupSettingError(
                f"AKKOORD_BACKUP_EVERY must be a duration like 24h, 30m or 7d, not {every_text!r}"
            ) from None
        keep_text = os.environ.get("AKKOORD_BACKUP_KEEP", "").strip() or "7"
        if not keep_text.isdigit() or int(keep_text) < 1:
            raise BackupSettingError(
                f"AKKOORD_BACKUP_KEEP must be a whole number >= 1, not {keep_text!r}"
            )
        return cls(Path(directory).expanduser(), every, int(keep_text))

    @property
    def check_seconds(self) -> float:
        return min(LONGEST_WAIT, self.every.total_seconds())

    def backups(self) -> list[Path]:
        """The scheduled backups in the directory, oldest first (the names sort by time)."""
        if not self.directory.is_dir():
            return []
        return sorted(
            p for p in self.directory.glob(f"{PREFIX}*{SUFFIX}") if _taken_at(p) is not None
        )

    def due(self, now: datetime) -> bool:
        found = self.backups()
        last = _taken_at(found[-1]) if found else None
        return last is None or now - last >= self.every

    def run_if_due(
        self, engine: Engine, lock: threading.Lock, now: datetime | None = None
    ) -> Path | None:
        """Take a backup if one is due, then keep the newest `keep`; returns the new file."""
        moment = (now or datetime.now(UTC)).replace(microsecond=0)
        if not self.due(moment):
            return None
        self.directory.mkdir(parents=True, exist_ok=True)
        output = self.directory / f"{PREFIX}{moment.strftime(STAMP)}{SUFFIX}"
        take_backup(engine, output, lock=lock)
        for old in self.backups()[: -self.keep]:
            old.unlink(missing_ok=True)
            head_file(old).unlink(missing_ok=True)
        return output


class BackupLoop:
    """Looks every `check_seconds` whether a backup is due, and takes it while `leading()`."""

    def __init__(
        self,
        schedule: BackupSchedule,
        engine: Engine,
        lock: threading.Lock,
        leading: Callable[[], bool],
    ) -> None:
        self.schedule = schedule
        self.engine = engine
        self.lock = lock
        self.leading = leading
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="akkoord-backups", daemon=True)

    @classmethod
    def from_env(
        cls, engine: Engine, lock: threading.Lock, leading: Callable[[], bool]
    ) -> BackupLoop | None:
        schedule = BackupSchedule.from_env()
        return None if schedule is None else cls(schedule, engine, lock, leading)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Wait for a backup under way (never left half: it is renamed into place whole)."""
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        log = logs.logger(component="backup", actor="system:scheduler")
        # The first look comes after a wait too: by then the scheduler knows whether it leads.
        while not self._stop.wait(self.schedule.check_seconds):
            if not self.leading():
                continue
            try:
                written = self.schedule.run_if_due(self.engine, self.lock)
            except Exception as e:  # logged; the next look tries again
                log.error("backup failed", error=str(e))
                continue
            if written is not None:
                log.info("backup written", file=str(written), keep=self.schedule.keep)


def _taken_at(path: Path) -> datetime | None:
    stamp = path.name.removeprefix(PREFIX).removesuffix(SUFFIX)
    try:
        return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
