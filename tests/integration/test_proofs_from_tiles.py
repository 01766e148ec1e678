"""Receipts and proofs from a running process do not reread the log: after its first proof, a
process reads at most three blocks of leaves (and the rows added since) for each inclusion or
consistency proof, and every proof is the one computed from all the leaves (RFC 9162), on a
real store of either kind. A store whose rows were replaced under the process is noticed, and
the proof is made again from the log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from adapters.audit.chain import ChainEntry
from adapters.audit.merkle import consistency_proof, inclusion_proof, verify_inclusion
from adapters.audit.receipts import cast_receipt
from adapters.audit.tiles import TILE
from adapters.audit.transparency import (
    TransparentRecorder,
    leaves,
    proof_of_consistency,
    proof_of_inclusion,
    transparent,
)
from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from tests.conftest import START, secretary
from tests.integration.test_consultation_store import FACTS, open_consultation
from workflows.clock import SimulatedClock


class Counted:
    """The recorder's chain rows, counted as they are read."""

    def __init__(self, recorder: TransparentRecorder) -> None:
        self.rows = 0
        original = recorder.chain_entries

        def counting(after: int = 0) -> Iterator[ChainEntry]:
            for entry in original(after):
                self.rows += 1
                yield entry

        recorder.chain_entries = counting  # type: ignore[method-assign]


def _cast_all(engine: Engine, clock: SimulatedClock, cid: str, choice: str) -> None:
    for fact in FACTS:
        clock.advance(timedelta(seconds=1))
        engine.app.consultations.cast_ballot(
            UUID(cid), member=fact.code, choice=choice, actor=secretary(fact.code)
        )


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Engine, SimulatedClock, str]]:
    """One store for the module (each test holds whatever the others added)."""
    clock = SimulatedClock(START)
    path = tmp_path_factory.mktemp("tiles") / "store"
    with build(Settings(path), create=True, clock=clock) as engine:
        cid = open_consultation(engine, clock)
        for choice in ("yes", "no", "yes"):  # a log of about 1,400 events, over 5 tiles
            _cast_all(engine, clock, cid, choice)
        yield engine, clock, cid


def _expected(recorder: TransparentRecorder, size: int) -> list[tuple[int, bytes]]:
    return leaves(recorder.chain_entries(), size)


def test_proofs_after_the_first_read_a_few_blocks_and_equal_the_whole_log_proofs(
    store: tuple[Engine, SimulatedClock, str],
) -> None:
    engine, clock, cid = store
    recorder = transparent(engine.app.recorder)
    head = recorder.sign_head()
    assert head.tree_size > 5 * TILE  # the tiles are in play, and a few blocks are not all
    everything = _expected(recorder, head.tree_size)
    hashes = [h for _, h in everything]
    counted = Counted(recorder)

    # Some leaves of each kind: in a complete tile, at the right edge, first and last.
    picks = sorted({head.tree_size - 1, 0, 1, TILE - 1, TILE, head.tree_size // 2})
    for n, index in enumerate(picks):
        before = counted.rows
        position = everything[index][0]
        proof = proof_of_inclusion(recorder, position, head)
        assert proof["leaf_index"] == index
        assert proof["leaf_hash"] == hashes[index].hex()
        assert proof["path"] == [p.hex() for p in inclusion_proof(hashes, index, head.tree_size)]
        verify_inclusion(
            index,
            head.tree_size,
            hashes[index],
            [bytes.fromhex(p) for p in proof["path"]],  # type: ignore[attr-defined]
            bytes.fromhex(head.root_hash),
        )
        if n > 0:  # the first proof of a process reads the log once
            assert counted.rows - before <= 3 * TILE

    # More events, a new head: only what was added, and a few blocks, are read.
    _cast_all(engine, clock, cid, "no")
    newer = recorder.sign_head()
    added = newer.tree_size - head.tree_size
    before = counted.rows
    receipt = cast_receipt(engine.app.recorder, UUID(cid), FACTS[-1].code)
    assert receipt["signed_head"] == newer.as_dict()
    assert counted.rows - before <= added + 3 * TILE

    before = counted.rows
    consistency = proof_of_consistency(recorder, head, newer)
    assert counted.rows - before <= 3 * TILE
    all_hashes = [h for _, h in _expected(recorder, newer.tree_size)]
    assert consistency["path"] == [
        p.hex() for p in consistency_proof(all_hashes, head.tree_size, newer.tree_size)
    ]


def test_a_position_that_is_no_event_under_the_head_has_no_proof(
    store: tuple[Engine, SimulatedClock, str],
) -> None:
    engine, _, _ = store
    recorder = transparent(engine.app.recorder)
    head = recorder.sign_head()
    last = _expected(recorder, head.tree_size)[-1][0]
    with pytest.raises(LookupError):
        proof_of_inclusion(recorder, last + 10_000, head)


def test_tiles_of_leaves_replaced_under_the_process_are_noticed(
    store: tuple[Engine, SimulatedClock, str],
) -> None:
    """Another process's tiles may outlive the rows they were built from (a store restored
    under a running node): a block that no longer hashes to its tile makes the proof start
    over from the log, and the proof is the true one."""
    engine, _, _ = store
    recorder = transparent(engine.app.recorder)
    head = recorder.sign_head()
    everything = _expected(recorder, head.tree_size)
    proof_of_inclusion(recorder, everything[-1][0], head)  # tiles built

    from adapters.audit import transparency

    tiles: Any = transparency._TILES[recorder]
    tiles.hashes[0] = bytes(32)  # as if block 0 had been other rows when it was taken in
    proof = proof_of_inclusion(recorder, everything[3][0], head)
    hashes = [h for _, h in everything]
    assert proof["path"] == [p.hex() for p in inclusion_proof(hashes, 3, head.tree_size)]
    assert transparency._TILES[recorder].hashes[0] != bytes(32)
