"""One commit per command: a command's events and the read-model rows they cause are written in
one transaction on one database, and a store from before (read models in a file of their own) is
moved on its first open."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest

from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.readmodels.tables import metadata
from tests.integration.test_consultation_store import (
    FACTS,
    START,
    independent_tally,
    open_consultation,
    secretary,
)
from workflows.clock import SimulatedClock

pytestmark = pytest.mark.sqlite_only("the SQLite files of a store")


def _cast(engine: Engine, clock: SimulatedClock, cid: str, n: int) -> None:
    for fact in FACTS[:n]:
        clock.advance(timedelta(minutes=1))
        engine.app.consultations.cast_ballot(
            UUID(cid), member=fact.code, choice="yes", actor=secretary(fact.code)
        )


def _split_into_two_files(data_dir: Path) -> None:
    """Lay a store out as akkoord kept it before: read models in `views.sqlite`, events alone."""
    events = data_dir / "events.sqlite"
    views = data_dir / "views.sqlite"
    tables = [*metadata.tables, "readmodel_schema"]
    with sqlite3.connect(events) as conn:
        conn.execute("ATTACH DATABASE ? AS old", (str(views),))
        for table in tables:
            conn.execute(f"CREATE TABLE old.{table} AS SELECT * FROM main.{table}")
            conn.execute(f"DROP TABLE main.{table}")
        conn.commit()
        conn.execute("DETACH DATABASE old")


def test_the_read_models_live_in_the_events_file_and_move_with_the_command(
    tmp_path: Path,
) -> None:
    clock = SimulatedClock(START)
    with build(Settings(tmp_path / "s"), create=True, clock=clock) as engine:
        cid = open_consultation(engine, clock)
        _cast(engine, clock, cid, 5)
        assert engine.current(), "a process's own commands leave nothing to catch up"
    files = sorted(p.name for p in (tmp_path / "s").glob("*.sqlite"))
    assert "views.sqlite" not in files
    with sqlite3.connect(tmp_path / "s" / "events.sqlite") as conn:
        voted = conn.execute(
            "SELECT count(*) FROM tally_voters WHERE choice IS NOT NULL"
        ).fetchone()[0]
        positions = dict(conn.execute("SELECT name, position FROM projection_positions"))
        head = conn.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
    assert voted == 5
    assert set(positions.values()) == {head}


def test_a_two_file_store_is_moved_into_one_file_on_first_open(tmp_path: Path) -> None:
    data_dir = tmp_path / "s"
    clock = SimulatedClock(START)
    with build(Settings(data_dir), create=True, clock=clock) as engine:
        cid = open_consultation(engine, clock)
        _cast(engine, clock, cid, 40)
        before = engine.views.dump()
    _split_into_two_files(data_dir)
    assert (data_dir / "views.sqlite").is_file()
    with build(Settings(data_dir), clock=clock) as engine:
        assert not (data_dir / "views.sqlite").exists()
        engine.catch_up()
        assert engine.views.dump() == before
        tally = engine.views.tally(cid)
        assert tally is not None and tally.voted_members == 40
        # and it goes on as a one-file store
        _cast(engine, clock, cid, 45)
        engine.catch_up()
        tally = engine.views.tally(cid)
        assert tally is not None and tally.voted_members == 45
        assert tally.as_dict()["yes_weight"] == independent_tally(engine, cid)["yes_weight"]


def test_read_models_of_another_shape_are_rebuilt_before_a_command_writes_into_them(
    tmp_path: Path,
) -> None:
    # A command's own transaction writes the tally without loading the read models' engines;
    # opening the store must still see read models left by another release (their recorded
    # shape differs) and rebuild them, or the command would count into the old tables.
    data_dir = tmp_path / "s"
    clock = SimulatedClock(START)
    with build(Settings(data_dir), create=True, clock=clock) as engine:
        cid = open_consultation(engine, clock)
        _cast(engine, clock, cid, 10)
    with sqlite3.connect(data_dir / "events.sqlite") as conn:
        conn.execute("UPDATE readmodel_schema SET fingerprint = 'another release'")
        conn.execute("DELETE FROM tally_voters")  # rows the old shape would not have
        conn.commit()
    with build(Settings(data_dir), clock=clock) as engine:
        _cast(engine, clock, cid, 20)  # a command first, before anything reads
        engine.catch_up()
        tally = engine.views.tally(cid)
        assert tally is not None and tally.voted_members == 20
        assert tally.as_dict()["yes_weight"] == independent_tally(engine, cid)["yes_weight"]
    with sqlite3.connect(data_dir / "events.sqlite") as conn:
        [(fingerprint,)] = conn.execute("SELECT fingerprint FROM readmodel_schema").fetchall()
    assert fingerprint != "another release"
