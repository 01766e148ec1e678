"""Proofs from tiles are the RFC's proofs from the leaves: for any tree size, leaf, old size and
tile size, the inclusion path and the consistency proof are the same, and a proof reads at most
three blocks of leaves."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from adapters.audit.merkle import (
    consistency_path,
    consistency_proof,
    inclusion_path,
    inclusion_proof,
    leaf_hash,
)
from adapters.audit.tiles import Leaf, Tiles


def _leaves(count: int) -> list[Leaf]:
    # Positions with gaps, as a PostgreSQL log may have them.
    return [(3 * i + 7, leaf_hash(hashlib.sha256(str(i).encode()).digest())) for i in range(count)]


Case = tuple[int, int, int, int, int]


@st.composite
def trees(draw: st.DrawFn) -> Case:
    tile = draw(st.sampled_from([1, 2, 4, 8, 16]))
    size = draw(st.integers(1, 200))
    seen = draw(st.integers(size, size + 40))  # tiles may hold more than the head covers
    index = draw(st.integers(0, size - 1))
    old = draw(st.integers(1, size))
    return tile, size, seen, index, old


@given(trees())
def test_tiled_proofs_equal_the_proofs_from_all_leaves(case: Case) -> None:
    tile, size, seen, index, old = case
    everything = _leaves(seen)
    hashes = [h for _, h in everything]
    tiles = Tiles(tile=tile)
    half = seen // 2  # taken in two goes, as a process extends its tiles
    tiles.take(iter(everything[:half]), half)
    tiles.take(iter(everything[half:]), seen)
    assert tiles.seen() == seen
    reads: list[int] = []

    def block(start: int, count: int) -> list[Leaf]:
        reads.append(start)
        first = next(i for i, (p, _) in enumerate(everything) if p == start)
        return everything[first : first + count]

    mth, leaf = tiles.hasher(size, block)
    assert leaf(index) == everything[index]
    assert inclusion_path(mth, index, size) == inclusion_proof(hashes, index, size)
    assert consistency_path(mth, old, size) == consistency_proof(hashes, old, size)
    assert len(set(reads)) <= 3


def test_taking_in_stops_at_what_is_asked() -> None:
    tiles = Tiles(tile=4)
    tiles.take(iter(_leaves(10)), 6)
    assert tiles.seen() == 6 and len(tiles.hashes) == 1 and tiles.after == 3 * 5 + 7
