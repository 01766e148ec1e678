"""Which node fires deadlines: exactly one holds the leadership lock at a time.

On SQLite the lock is a file lock beside the store: the operating system releases it when its
holder dies, however it dies, so a standby node can take over.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from filelock import FileLock, Timeout


class Leadership(Protocol):
    def try_acquire(self) -> bool: ...

    def release(self) -> None: ...


class FileLeadership:
    def __init__(self, path: Path) -> None:
        self._lock = FileLock(str(path), thread_local=False)

    def try_acquire(self) -> bool:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
