"""Scratch directories for a scenario's dry run, beside the data directory (so a fresh SQLite
store can be moved into place). Each holds its maker's process id: a later start removes those
whose maker is gone (killed before its `finally`), and leaves a live run's alone."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = ".akkoord-scenario-"
OWNER = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(parent: Path) -> list[Path]:
    """Remove scratch directories left by dead processes; returns what was removed."""
    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    for path in parent.glob(f"{PREFIX}*"):
        try:
            pid = int((path / OWNER).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            pid = 0  # made before owners were recorded, or killed while writing it
        if pid and pid != os.getpid() and _alive(pid):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


@contextmanager
def scratch_dir(parent: Path) -> Iterator[Path]:
    """A fresh scratch directory in `parent`, removed on the way out whatever happens."""
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale(parent)
    path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
    try:
        (path / OWNER).write_text(str(os.getpid()), encoding="ascii")
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
