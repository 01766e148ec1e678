"""Files written for people (reports, exports): never into the store, never over a file by
surprise, never half.

Every CLI command with `--output/-o` writes through here, so the rules hold in one place:

- nothing goes inside the data directory, whichever way the path gets there (`..`, a symlink
  to a file in it, a symlink to it): that directory holds the live store, its log and keys, on
  PostgreSQL too;
- an existing file is replaced only with `--force`, and only a regular file (not a device or
  a pipe, which a rename would swap out from under the system);
- a directory, a missing directory, or one we may not write to is refused by the path given;
- the bytes go to a temporary file beside the target, are flushed to disk, and are renamed into
  place, so the target is either the old file or the whole new one. A rename replaces the
  name, never writes through it, so even a hard link to the store elsewhere stays untouched.

Every refusal is an `OutputError` (bad input: exit 2), one line naming the path as given.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from domain.errors import InvalidInputError

__all__ = ["OutputError", "check_output", "open_output", "write_output"]


class OutputError(InvalidInputError):
    code = "invalid_output"


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


def check_output(path: Path, *, data_dir: Path, force: bool) -> Path:
    """The real file that writing `path` would replace, or `OutputError` saying why not.

    Called before the work, so a refusal costs nothing, and again just before the rename."""
    try:
        if path.is_dir():
            raise OutputError(f"{path}: is a directory; give the name of a file to write")
        store = data_dir.expanduser().resolve()
        target = path.expanduser().resolve()  # every symlink followed, the last one too
        # Where the name itself lives: a symlink in the data directory is refused even when it
        # points elsewhere, since replacing it would change the data directory.
        placed = path.expanduser().absolute().parent.resolve() / path.name
        if _inside(target, store) or _inside(placed, store):
            raise OutputError(
                f"{path}: is inside the data directory {data_dir}; "
                "write reports and exports somewhere else"
            )
        exists = target.exists() or path.is_symlink()
        if target.exists() and not target.is_file():
            raise OutputError(f"{path}: exists and is not a regular file; not replacing it")
        if exists and not force:
            raise OutputError(f"{path}: exists; add --force to replace it")
        if not target.parent.is_dir():
            raise OutputError(f"{path}: the directory {target.parent} does not exist")
    except (OSError, RuntimeError) as e:  # RuntimeError: a symlink loop, on Python < 3.13
        raise OutputError(f"{path}: cannot use this path ({_why(e)})") from None
    return target


def _why(error: BaseException) -> str:
    return (error.strerror if isinstance(error, OSError) else None) or str(error)


def _mode_for(target: Path) -> int:
    """What a plain `open()` would give a new file (the umask's), or the replaced file's own."""
    with suppress(OSError):
        return target.stat().st_mode & 0o7777
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _commit(temp: Path, target: Path, *, shown: Path, force: bool) -> None:
    if force:
        temp.replace(target)
        return
    # A hard link never overwrites: a file that appeared since the check stays as it is.
    try:
        target.hardlink_to(temp)
    except FileExistsError:
        raise OutputError(f"{shown}: exists; add --force to replace it") from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise OutputError(f"{shown}: exists; add --force to replace it") from None
        temp.replace(target)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable; some file systems cannot, which loses nothing here."""
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextmanager
def _staged(path: Path, *, data_dir: Path, force: bool) -> Iterator[io.BufferedWriter]:
    target = check_output(path, data_dir=data_dir, force=force)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as e:
        raise OutputError(f"{path}: cannot write here ({_why(e)}); nothing was written") from None
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as raw:
            yield raw
            raw.flush()
            os.fsync(raw.fileno())
        temp.chmod(_mode_for(target))
        check_output(path, data_dir=data_dir, force=force)  # nothing moved meanwhile
        _commit(temp, target, shown=path, force=force)
        _sync_directory(target.parent)
    except OSError as e:
        raise OutputError(f"{path}: cannot write ({_why(e)}); nothing was written") from None
    finally:
        temp.unlink(missing_ok=True)


def write_output(path: Path, data: bytes, *, data_dir: Path, force: bool) -> int:
    """Write `data` to `path` whole, or not at all; returns the number of bytes written."""
    with _staged(path, data_dir=data_dir, force=force) as f:
        f.write(data)
    return len(data)


@contextmanager
def open_output(path: Path, *, data_dir: Path, force: bool) -> Iterator[TextIO]:
    """A UTF-8 text file to stream into; it appears at `path` only if the block completes."""
    with _staged(path, data_dir=data_dir, force=force) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        try:
            yield text
            text.flush()
        finally:
            text.detach()  # `raw` is closed (and synced) by `_staged`, not by the wrapper
