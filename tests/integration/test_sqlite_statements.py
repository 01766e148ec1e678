"""The SQLite event store keeps a command's statements prepared (the library's own connections
cache one statement), and the benchmark's bare baseline gets the same connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from adapters.benchmarks.bare_model import BareApplication
from adapters.benchmarks.baselines import bare_env
from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.store.sqlite_statements import STATEMENTS, StatementCachingPool

pytestmark = pytest.mark.sqlite_only("the SQLite event store's connections")


def _journal_mode(datastore: Any) -> str:
    with datastore.transaction(commit=False) as cursor:
        cursor.execute("PRAGMA journal_mode")
        return str(cursor.fetchone()[0])


def test_the_event_store_connections_cache_every_statement_of_a_command(tmp_path: Path) -> None:
    with build(Settings(tmp_path / "s", database_url=None), create=True) as engine:
        datastore: Any = engine.app.recorder.datastore  # type: ignore[attr-defined]
        assert isinstance(datastore.pool, StatementCachingPool)
        assert STATEMENTS >= 64
        assert _journal_mode(datastore) == "wal"  # otherwise the library's own connection


def test_the_bare_baseline_has_the_same_connections(tmp_path: Path) -> None:
    (tmp_path / "bare").mkdir()
    app = BareApplication(env=bare_env(Settings(tmp_path / "bare", database_url=None)))
    try:
        datastore: Any = app.recorder.datastore  # type: ignore[attr-defined]
        assert isinstance(datastore.pool, StatementCachingPool)
        assert _journal_mode(datastore) == "wal"
    finally:
        app.close()
