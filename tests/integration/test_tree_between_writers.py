"""The chain and the Merkle tree stay those of the whole log when a process reuses the chain's
tail and the tree it left after its own last commit: two writers on one store in any order, and
inserts rolled back after the chain and the tree were extended, leave a chain that verifies, a
recorded tree equal to the one recomputed from the chain, and every signed head verified."""

from __future__ import annotations

from contextlib import ExitStack, suppress
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.audit.merkle import encode_frontier, root
from adapters.audit.transparency import leaves, transparent, verify_log
from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from domain.errors import DomainError
from tests.conftest import START, secretary
from tests.integration.test_consultation_store import FACTS, open_consultation
from workflows.clock import SimulatedClock


class InjectedError(RuntimeError):
    """A failure after the tree was extended, before the commit: the insert rolls back."""


def _fail_once_after(engine: Engine) -> None:
    recorder: Any = engine.app.recorder
    original = recorder.in_transaction

    def failing(*args: Any, **kwargs: Any) -> None:
        recorder.in_transaction = original
        original(*args, **kwargs)
        raise InjectedError("rolled back after the tree grew")

    recorder.in_transaction = failing


def _recomputed_root(engine: Engine) -> bytes:
    recorder = transparent(engine.app.recorder)
    return root([leaf for _, leaf in leaves(recorder.chain_entries())])


steps = st.lists(st.tuples(st.sampled_from([0, 1]), st.booleans()), min_size=1, max_size=24)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=steps)
def test_two_writers_and_rollbacks_keep_the_recorded_tree_true(
    tmp_path_factory: pytest.TempPathFactory, plan: list[tuple[int, bool]]
) -> None:
    data_dir: Path = tmp_path_factory.mktemp("tree")
    clock = SimulatedClock(START)
    with ExitStack() as stack:
        first = stack.enter_context(build(Settings(data_dir), create=True, clock=clock))
        cid = open_consultation(first, clock)
        second = stack.enter_context(build(Settings(data_dir), clock=clock))
        writers = (first, second)
        for i, (who, roll_back) in enumerate(plan):
            engine = writers[who]
            clock.advance(timedelta(minutes=1))
            member = FACTS[i % len(FACTS)].code
            if roll_back:
                _fail_once_after(engine)
            with suppress(InjectedError, DomainError):
                engine.app.consultations.cast_ballot(
                    UUID(cid), member=member, choice="yes", actor=secretary(member)
                )
        for engine in writers:
            recorder = transparent(engine.app.recorder)
            tree = recorder.tree()
            entries = list(recorder.chain_entries())
            assert tree.size == len(entries)
            assert tree.root() == _recomputed_root(engine)
        # Counted from whichever end is nearer, across the gaps rolled-back inserts leave.
        assert [recorder.leaf_index_of(e.position) for e in entries] == list(range(len(entries)))
        recorder = transparent(first.app.recorder)
        recorder.sign_head()
        result = verify_log(recorder)
        assert result.ok, result.first_break
        assert result.heads_verified == len(recorder.signed_heads())


@pytest.mark.sqlite_only("the shape of a SQLite store written before the lazy tree state")
def test_a_store_whose_tree_state_was_written_on_every_insert_opens_and_verifies(
    tmp_path: Path,
) -> None:
    """A store from the akkoord that wrote the tree's state on every insert (no `upto`
    column): opened, it gains the column, keeps its tree, and goes on growing it."""
    import sqlite3

    clock = SimulatedClock(START)
    data_dir = tmp_path / "old"
    with build(Settings(data_dir), create=True, clock=clock) as engine:
        cid = open_consultation(engine, clock)
        whole = transparent(engine.app.recorder).tree()
    size = whole.size
    with sqlite3.connect(data_dir / "events.sqlite") as db:  # the state as it was written then
        db.execute("DROP TABLE merkle_state")
        db.execute(
            "CREATE TABLE merkle_state (id INTEGER PRIMARY KEY CHECK (id = 1), "
            "size INTEGER NOT NULL, frontier TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO merkle_state VALUES (1, ?, ?)", (size, encode_frontier(whole.frontier))
        )
    with build(Settings(data_dir), clock=clock) as engine:
        recorder = transparent(engine.app.recorder)
        assert recorder.tree().size == size
        for fact in FACTS[:3]:
            clock.advance(timedelta(minutes=1))
            engine.app.consultations.cast_ballot(
                UUID(cid), member=fact.code, choice="yes", actor=secretary(fact.code)
            )
        assert recorder.tree().size == size + 3
        assert recorder.tree().root() == _recomputed_root(engine)
        recorder.sign_head()
        assert verify_log(recorder).ok


def test_a_head_asked_for_a_size_covers_exactly_that_size_while_another_process_writes(
    tmp_path: Path,
) -> None:
    """A backup signs a head over the events of its snapshot on a store others write to: the
    head must cover that many events, not the tree another process has grown meanwhile."""
    clock = SimulatedClock(START)
    with ExitStack() as stack:
        backup = stack.enter_context(build(Settings(tmp_path), create=True, clock=clock))
        cid = open_consultation(backup, clock)
        size = transparent(backup.app.recorder).tree().size
        server = stack.enter_context(build(Settings(tmp_path), clock=clock))
        for fact in FACTS[:3]:
            clock.advance(timedelta(minutes=1))
            server.app.consultations.cast_ballot(
                UUID(cid), member=fact.code, choice="yes", actor=secretary(fact.code)
            )
        head = transparent(backup.app.recorder).sign_head(size)
        recorder = transparent(server.app.recorder)
        assert head.tree_size == size
        assert head.root_hash == root([h for _, h in leaves(recorder.chain_entries(), size)]).hex()
