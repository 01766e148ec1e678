"""A node waits for an unreachable database with a bounded, doubling pause, one log line per
attempt; told how long to wait, it gives up with the connection error; a database reachable but
without akkoord's tables is still refused at once (see test_postgres_conditions.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.config.settings import Settings
from adapters.store.database_wait import wait_for_store
from adapters.store.postgres import DatabaseUnavailableError
from tests.reliability.support import free_port


class StopWaitingError(Exception):
    pass


def nowhere(tmp_path: Path) -> Settings:
    return Settings(tmp_path / "node", database_url=f"postgresql://127.0.0.1:{free_port()}/x")


def test_the_pause_doubles_from_half_a_second_to_ten_and_each_attempt_is_logged(
    tmp_path: Path,
) -> None:
    settings = nowhere(tmp_path)
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        if len(pauses) == 8:
            raise StopWaitingError

    with pytest.raises(StopWaitingError):
        wait_for_store(settings, sleep=sleep)
    assert pauses == [0.5, 1, 2, 4, 8, 10, 10, 10]
    log = settings.log_path.read_text(encoding="utf-8")
    assert log.count("waiting for the database") == 8
    assert "connection refused" in log


def test_told_not_to_wait_it_gives_up_with_the_connection_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailableError, match="connection refused"):
        wait_for_store(nowhere(tmp_path), give_up_after=0, sleep=lambda _: None)


def test_sqlite_has_nothing_to_wait_for(tmp_path: Path) -> None:
    wait_for_store(Settings(tmp_path / "node", database_url=None), sleep=lambda _: None)
