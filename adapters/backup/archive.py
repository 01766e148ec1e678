"""The backup file: a gzipped tar holding `manifest.json`, `head.json` (the signed head the
backup ends at), `public-key.pem` (the key that signed it; never the private key) and the store
itself: `store/*.sqlite` (SQLite) or `tables/<table>.copy` (PostgreSQL, COPY text format).

The manifest names the backend, the tables and their columns, and the SHA-256 of every file, so
damage outside the log (the tokens, the contacts) is found too; the log itself is checked by
its chain and tree, which also say where it breaks.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adapters.audit.keys import SignedHead
from domain.errors import InvalidInputError

FORMAT = "akkoord-backup"
VERSION = 1
MANIFEST = "manifest.json"
HEAD = "head.json"
PUBLIC_KEY = "public-key.pem"
STORE_DIR = "store"
TABLES_DIR = "tables"


class BackupFileError(InvalidInputError):
    """Not a whole akkoord backup (cut short, another kind of file, an unknown version)."""

    code = "not_a_backup"


@dataclass
class Manifest:
    backend: str  # "sqlite" | "postgresql"
    created_at: str
    events: int  # the tree size the backup ends at
    head: SignedHead
    tables: list[dict[str, Any]] = field(default_factory=list)  # PostgreSQL: name, columns
    files: dict[str, str] = field(default_factory=dict)  # path in the archive -> sha256

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "backend": self.backend,
            "created_at": self.created_at,
            "events": self.events,
            "head": self.head.as_dict(),
            "tables": self.tables,
            "files": self.files,
        }

    @classmethod
    def from_dict(cls, data: Any, name: str) -> Manifest:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupFileError(f"{name}: not an akkoord backup (no akkoord manifest)")
        if data.get("version") != VERSION:
            raise BackupFileError(
                f"{name}: a backup of format version {data.get('version')}, this akkoord "
                f"reads version {VERSION}"
            )
        try:
            return cls(
                backend=str(data["backend"]),
                created_at=str(data["created_at"]),
                events=int(data["events"]),
                head=SignedHead.from_dict(data["head"]),
                tables=list(data["tables"]),
                files={str(k): str(v) for k, v in dict(data["files"]).items()},
            )
        except (KeyError, TypeError, ValueError) as e:
            raise BackupFileError(f"{name}: the manifest is incomplete ({e})") from None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def write_archive(work: Path, manifest: Manifest, public_pem: str, output: Path) -> None:
    """Pack the store files in `work` with the manifest into `output`: written beside it and
    renamed into place, so `output` is never half a backup. The signed head is also written
    to `<output>.head.json`, to publish or keep apart from the backup."""
    (work / PUBLIC_KEY).write_text(public_pem, encoding="ascii")
    head = json.dumps(manifest.head.as_dict(), indent=2) + "\n"
    (work / HEAD).write_text(head, encoding="utf-8")
    stored = sorted(p for p in work.rglob("*") if p.is_file() and p.name != MANIFEST)
    manifest.files = {str(p.relative_to(work)): sha256(p) for p in stored}
    (work / MANIFEST).write_text(json.dumps(manifest.as_dict(), indent=2) + "\n", "utf-8")
    fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(work / MANIFEST, arcname=MANIFEST)  # first: a reader knows what follows
            for path in stored:
                tar.add(path, arcname=str(path.relative_to(work)))
        with Path(temporary).open("rb") as f:
            os.fsync(f.fileno())
        Path(temporary).replace(output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    head_file = output.with_name(output.name + ".head.json")
    head_file.write_text(head, encoding="utf-8")


def read_archive(archive: Path, into: Path) -> Manifest:
    """Unpack `archive` into `into` and return its manifest; refuses, in one line, a file that
    is not a whole backup."""
    name = str(archive)
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            members = tar.getmembers()
            for member in members:
                if not (member.isfile() or member.isdir()):
                    raise BackupFileError(f"{name}: {member.name} is not a plain file")
            tar.extractall(into, filter="data")  # never outside `into`
    except FileNotFoundError:
        raise BackupFileError(f"{name}: no such file") from None
    except (tarfile.TarError, EOFError, OSError) as e:
        raise BackupFileError(f"{name}: not a whole backup file ({e})") from None
    try:
        data = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupFileError(f"{name}: not an akkoord backup (no readable manifest)") from None
    manifest = Manifest.from_dict(data, name)
    missing = [path for path in manifest.files if not (into / path).is_file()]
    if missing:
        raise BackupFileError(f"{name}: {missing[0]} is missing from the backup")
    return manifest


def changed_files(manifest: Manifest, unpacked: Path) -> list[str]:
    """The files whose content is not what the backup wrote."""
    return [path for path, digest in manifest.files.items() if sha256(unpacked / path) != digest]
