"""Checking a backup and restoring it: always into a scratch store first (files beside the
target directory, or a schema of its own on PostgreSQL), where the chain is recomputed from the
events, every signed head and checkpoint checked, and the backup's own head must be reproduced
exactly at its end. Only a store that passes gets its read models rebuilt and is moved into the
target (files renamed into the directory, the schema renamed), so a refused backup leaves the
target as it was: empty.

The heads are checked against the public key given (`--key`), else the one in the backup; the
private key, which a backup never holds, is given to `restore --audit-key` to keep signing with
it (without it the restored store makes a key of its own for its new heads).
"""

from __future__ import annotations

import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import PersistenceError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from adapters.audit.chain import Verification, verify_chain
from adapters.audit.keys import KeyFileError, key_id, load_public_key
from adapters.audit.transparency import HeadCheck, conclude, transparent
from adapters.backup.archive import (
    PUBLIC_KEY,
    STORE_DIR,
    TABLES_DIR,
    BackupFileError,
    Manifest,
    changed_files,
    read_archive,
)
from adapters.bootstrap import Engine as Store
from adapters.bootstrap import build, init_database
from adapters.config.settings import LOG_FILE, Settings
from adapters.store import backend_for
from domain.errors import ConflictError, DomainError, InvalidInputError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from sqlalchemy import Engine

# Makers of the tables a PostgreSQL store keeps beside the log (tokens, contacts, outbox),
# passed down by the caller as the store does: what they are is their owners' business.
TableMakers = Sequence[Callable[["Engine"], None]]
SCRATCH_PREFIX = ".akkoord-restore-"


class BackupBrokenError(DomainError):
    """The backup does not verify: the CLI exits 6, as `audit verify` does."""

    code = "backup_does_not_verify"


class TargetNotEmptyError(ConflictError):
    code = "target_not_empty"


@dataclass(frozen=True)
class Checked:
    manifest: Manifest
    verification: Verification
    key_id: str
    key_from: str  # "given" | "backup"


def verify_backup(
    archive: Path,
    *,
    database_url: str | None,
    make_tables: TableMakers,
    key: Path | None = None,
) -> Checked:
    """Check `archive` in a scratch store that is thrown away after."""
    with tempfile.TemporaryDirectory(prefix=SCRATCH_PREFIX) as scratch:
        work = Path(scratch)
        manifest = read_archive(archive, work / "unpacked")
        _same_backend(manifest, database_url, archive)
        public, key_from = _public_key(work / "unpacked", key)
        settings = _scratch_settings(work / "store", database_url)
        try:
            _load(manifest, work / "unpacked", settings, make_tables)
            with _opened(settings, manifest, work / "unpacked", archive) as store:
                verification = _check(store, manifest, public, work / "unpacked", archive)
        finally:
            _drop(settings)
    return Checked(manifest, verification, key_id(public), key_from)


def restore_backup(
    archive: Path,
    target: Settings,
    *,
    make_tables: TableMakers,
    key: Path | None = None,
    audit_key: Path | None = None,
) -> Checked:
    """Restore `archive` into the empty store `target`, or refuse it and leave `target` be."""
    refuse_unless_empty(target)
    parent = target.data_dir.expanduser().absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX, dir=parent))
    settings = _scratch_settings(scratch / "store", target.database_url)
    moved = False
    try:
        manifest = read_archive(archive, scratch / "unpacked")
        _same_backend(manifest, target.database_url, archive)
        public, key_from = _public_key(scratch / "unpacked", key)
        _check_private_key(audit_key, manifest, target)
        _load(manifest, scratch / "unpacked", settings, make_tables)
        with _opened(settings, manifest, scratch / "unpacked", archive) as store:
            verification = _check(store, manifest, public, scratch / "unpacked", archive)
            _record_head(store, manifest)
            store.rebuild()
        _move_into_place(settings, target)
        moved = True
        _place_private_key(audit_key, target)
    finally:
        if not moved:
            _drop(settings)
        shutil.rmtree(scratch, ignore_errors=True)
    return Checked(manifest, verification, key_id(public), key_from)


# Before any work -------------------------------------------------------------------------------


def refuse_unless_empty(target: Settings) -> None:
    directory = target.data_dir
    held = (
        sorted(p.name for p in directory.iterdir() if p.name != LOG_FILE)
        if directory.is_dir()
        else []
    )
    if directory.exists() and not directory.is_dir():
        raise TargetNotEmptyError(f"{directory} is a file, not a data directory")
    if held:
        raise TargetNotEmptyError(
            f"{directory} is not empty (it holds {held[0]}): restore into an empty data directory"
        )
    if target.database_url is not None and _schema_tables(target):
        raise TargetNotEmptyError(
            f"{backend_for(target).describe()} is not empty: restore into an empty schema"
        )


def _same_backend(manifest: Manifest, database_url: str | None, archive: Path) -> None:
    here = "sqlite" if database_url is None else "postgresql"
    if manifest.backend != here:
        how = "set AKKOORD_DATABASE_URL" if here == "sqlite" else "unset AKKOORD_DATABASE_URL"
        raise InvalidInputError(
            f"{archive} is a backup of a {manifest.backend} store and restores into one ({how})"
        )


def _public_key(unpacked: Path, given: Path | None) -> tuple[Ed25519PublicKey, str]:
    if given is not None:
        return load_public_key(given), "given"
    try:
        return load_public_key(unpacked / PUBLIC_KEY), "backup"
    except KeyFileError:
        raise BackupFileError("the backup's public key is unreadable") from None


def _check_private_key(audit_key: Path | None, manifest: Manifest, target: Settings) -> None:
    if audit_key is None:
        return
    public = load_public_key(audit_key)  # reads a private PEM too
    if key_id(public) != manifest.head.key_id:
        raise InvalidInputError(
            f"--audit-key {audit_key} is key {key_id(public)}; the backup was signed with "
            f"{manifest.head.key_id}"
        )
    kept = target.audit_key_path
    if kept.exists() and key_id(load_public_key(kept)) != key_id(public):
        raise InvalidInputError(f"{kept} is another audit key than --audit-key {audit_key}")


# The scratch store -----------------------------------------------------------------------------


def _scratch_settings(directory: Path, database_url: str | None) -> Settings:
    directory.mkdir(parents=True)
    if database_url is None:
        return Settings(directory, database_url=None)
    return backend_for(Settings(directory, database_url=database_url)).scratch(directory)


def _load(manifest: Manifest, unpacked: Path, scratch: Settings, make_tables: TableMakers) -> None:
    if scratch.database_url is None:
        for path in sorted((unpacked / STORE_DIR).glob("*.sqlite")):
            shutil.copyfile(path, scratch.data_dir / path.name)
        if not scratch.events_path.is_file():
            raise BackupFileError("the backup holds no events file")
        return
    _load_postgres(manifest, unpacked, scratch, make_tables)


def _load_postgres(
    manifest: Manifest, unpacked: Path, scratch: Settings, make_tables: TableMakers
) -> None:
    import psycopg
    from psycopg import sql

    from adapters.store.postgres import PostgresBackend

    backend = backend_for(scratch)
    assert isinstance(backend, PostgresBackend)
    init_database(backend)  # every table this akkoord makes, empty
    for make in make_tables:
        make(backend.views_engines()[0])
    schema = sql.Identifier(backend.target.schema)
    present = set(_schema_tables(scratch))
    with psycopg.connect(backend.target.conninfo()) as conn, conn.transaction():
        for table in manifest.tables:
            name, columns = str(table["name"]), [str(c) for c in table["columns"]]
            if name not in present:
                raise BackupFileError(
                    f"the backup holds a table {name!r} this akkoord does not make "
                    "(a backup of a newer akkoord?)"
                )
            conn.execute(sql.SQL("TRUNCATE {}.{}").format(schema, sql.Identifier(name)))
            statement = sql.SQL("COPY {}.{} ({}) FROM STDIN").format(
                schema, sql.Identifier(name), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with (
                conn.cursor() as cursor,
                cursor.copy(statement) as copy,
                (unpacked / TABLES_DIR / f"{name}.copy").open("rb") as f,
            ):
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
        # Every counter goes on from the restored rows (the log's positions, row numbers).
        for table_name, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND (column_default LIKE 'nextval%%' "
            "OR is_identity = 'YES')",
            (backend.target.schema,),
        ).fetchall():
            conn.execute(
                sql.SQL(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), "
                    "COALESCE((SELECT MAX({}) FROM {}.{}), 0) + 1, false)"
                ).format(sql.Identifier(column), schema, sql.Identifier(table_name)),
                (f'"{backend.target.schema}".{table_name}', column),
            )


@contextmanager
def _opened(
    settings: Settings, manifest: Manifest, unpacked: Path, archive: Path
) -> Iterator[Store]:
    """The scratch store, open; a database that cannot even be read is a broken backup."""
    try:
        with build(settings) as store:
            yield store
    except DomainError:
        raise
    except (sqlite3.Error, PersistenceError, SQLAlchemyError, _psycopg_error()) as e:
        changed = changed_files(manifest, unpacked)
        where = f" ({', '.join(changed)} changed since it was written)" if changed else ""
        reason = " ".join(str(getattr(e, "orig", None) or e).split())
        raise BackupBrokenError(f"{archive} does not verify: {reason}{where}") from None


def _psycopg_error() -> type[Exception]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return sqlite3.Error
    return psycopg.Error


def _check(
    store: Store, manifest: Manifest, key: Ed25519PublicKey, unpacked: Path, archive: Path
) -> Verification:
    """`audit verify` over the scratch store, with the backup's head as the published one."""
    why = manifest.head.verify(key)
    if why is not None:
        raise BackupBrokenError(f"{archive} does not verify: its signed head: {why}")
    recorder = transparent(store.app.recorder)
    check = HeadCheck(
        [*recorder.signed_heads(), manifest.head],
        key,
        checkpoints=recorder.checkpoints(),
        recorded_size=recorder.tree().size,
    )
    result = conclude(
        verify_chain(
            recorder.log_rows(),
            recorder.chain_entries(),
            digest_positions=recorder.digest_positions,
            observe=check,
        ),
        check,
        manifest.head,
    )
    broken = result.first_break
    if broken is not None:
        raise BackupBrokenError(
            f"{archive} does not verify: position {broken.position}: {broken.kind} "
            f"({broken.detail}); {result.checked} events verified before it"
        )
    if result.tree_size != manifest.head.tree_size or result.expected_at is None:
        raise BackupBrokenError(
            f"{archive} does not verify: it holds {result.tree_size} events, its signed head "
            f"covers {manifest.head.tree_size}"
        )
    changed = changed_files(manifest, unpacked)
    if changed:
        raise BackupBrokenError(
            f"{archive} does not verify: {changed[0]} is not what the backup wrote"
        )
    return result


def _record_head(store: Store, manifest: Manifest) -> None:
    """The restored store keeps the head its backup ended at: `audit verify` checks it too."""
    schema = backend_for(store.settings).views_schema()
    table = f'"{schema}".signed_heads' if schema else "signed_heads"
    with store.views.writer.begin() as conn:
        conn.execute(
            text(
                f"INSERT INTO {table} (tree_size, root_hash, timestamp, key_id, signature) "
                "VALUES (:tree_size, :root_hash, :timestamp, :key_id, :signature) "
                "ON CONFLICT DO NOTHING"
            ),
            manifest.head.as_dict(),
        )


def _schema_tables(settings: Settings) -> list[str]:
    from adapters.store.postgres import PostgresBackend, connect

    backend = backend_for(settings)
    assert isinstance(backend, PostgresBackend)
    with connect(backend.target) as conn:
        return [
            str(r[0])
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (backend.target.schema,)
            ).fetchall()
        ]


def _drop(scratch: Settings) -> None:
    if scratch.database_url is not None:
        backend_for(scratch).drop_scratch(scratch)


# Into place ------------------------------------------------------------------------------------


def _move_into_place(scratch: Settings, target: Settings) -> None:
    target.data_dir.mkdir(parents=True, exist_ok=True)
    if scratch.database_url is None:
        for path in scratch.data_dir.iterdir():
            if path.name.endswith((".sqlite", ".sqlite-wal", ".sqlite-shm")):
                path.replace(target.data_dir / path.name)
        return
    from psycopg import sql

    from adapters.store.postgres import PostgresBackend, connect, init_lock

    source, into = backend_for(scratch), backend_for(target)
    assert isinstance(source, PostgresBackend) and isinstance(into, PostgresBackend)
    source.close()
    with connect(into.target) as conn, init_lock(conn, into.target), conn.transaction():
        # Plain DROP (no CASCADE): a schema that gained anything since the check stays.
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {}").format(sql.Identifier(into.target.schema)))
        conn.execute(
            sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                sql.Identifier(source.target.schema), sql.Identifier(into.target.schema)
            )
        )


def _place_private_key(audit_key: Path | None, target: Settings) -> None:
    kept = target.audit_key_path
    if audit_key is None or kept.exists():
        return
    kept.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(audit_key, kept)
    kept.chmod(stat.S_IRUSR | stat.S_IWUSR)


def describe(checked: Checked) -> dict[str, Any]:
    head = checked.manifest.head
    return {
        "events": checked.verification.checked,
        "head": head.as_dict(),
        "signed_heads_verified": checked.verification.heads_verified,
        "key_id": checked.key_id,
        "key_from": checked.key_from,
        "backend": checked.manifest.backend,
        "created_at": checked.manifest.created_at,
    }
