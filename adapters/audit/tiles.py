"""What a process keeps of the Merkle tree between proofs: the hash of every complete block
(tile) of TILE leaves, each block's first position, and the leaves after the last block.

A proof of inclusion or consistency asks for O(log n) subtree hashes. Read from the leaves,
those cover the whole log: every receipt and proof would reread every event's chain row (a
second or more per receipt on a million-event store). A perfect subtree's hash never changes
once its leaves are in (the log only grows), so the tiles are kept in memory, extended with
only the rows added since, and a proof reads at most three blocks of leaves: the one holding
the leaf, the one at the tree's right edge and, for consistency, the one at the old size's
edge. A million events are 3,907 tiles, 32 bytes each.

Kept in memory rather than in a table of the store: nothing in the write path changes (a
command writes no more rows), old stores need no migration, and a process that never proves
anything pays nothing. A process's first proof reads the log once, as every proof did before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from adapters.audit.merkle import SubtreeHash, node_hash, root, split

TILE = 256  # leaves per tile (a block is read through the chain's pages of 1,000 rows)

Leaf = tuple[int, bytes]  # (position, leaf hash)
ReadBlock = Callable[[int, int], list[Leaf]]  # (first position, count) -> that block's leaves


class StaleTilesError(LookupError):
    """The store's leaves are not the ones the tiles were built from (a store replaced under a
    running process): the caller starts over from the log."""


@dataclass
class Tiles:
    tile: int = TILE
    hashes: list[bytes] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    pending: list[Leaf] = field(default_factory=list)
    after: int = 0  # the last position taken in
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Perfect subtrees of a tile or more, by (first leaf, end): they never change either.
    _nodes: dict[tuple[int, int], bytes] = field(default_factory=dict)

    def seen(self) -> int:
        return len(self.hashes) * self.tile + len(self.pending)

    def take(self, leaves: Iterable[Leaf], upto: int) -> None:
        """Take in leaves (in log order, after `self.after`) until `upto` are held."""
        for position, leaf in leaves:
            if self.seen() >= upto:
                return
            self.pending.append((position, leaf))
            self.after = position
            if len(self.pending) == self.tile:
                self.hashes.append(root([h for _, h in self.pending]))
                self.starts.append(self.pending[0][0])
                self.pending.clear()

    def hasher(self, size: int, read_block: ReadBlock) -> tuple[SubtreeHash, Callable[[int], Leaf]]:
        """MTH(D[lo:hi]) for 0 <= lo < hi <= size, and the leaf at an index, from the tiles and
        the few blocks of leaves a proof touches (read with `read_block`, once per proof)."""
        if size > self.seen():
            raise LookupError(f"the tree holds {self.seen()} leaves, fewer than {size}")
        blocks: dict[int, list[Leaf]] = {}

        def leaf(i: int) -> Leaf:
            b, at = divmod(i, self.tile)
            if b == len(self.hashes):
                return self.pending[at]
            found = blocks.get(b)
            if found is None:
                found = blocks[b] = read_block(self.starts[b], self.tile)
                if len(found) != self.tile or found[0][0] != self.starts[b]:
                    raise StaleTilesError(f"block {b} is not what it was")
                if root([h for _, h in found]) != self.hashes[b]:
                    raise StaleTilesError(f"block {b} hashes to another tile")
            return found[at]

        def mth(lo: int, hi: int) -> bytes:
            n = hi - lo
            if n & (n - 1) == 0 and n >= self.tile:
                # A perfect subtree starts at a multiple of its size (RFC 9162's split), so
                # it is whole tiles.
                found = self._nodes.get((lo, hi))
                if found is None:
                    found = root(self.hashes[lo // self.tile : hi // self.tile])
                    if n > self.tile:
                        self._nodes[(lo, hi)] = found
                return found
            if n == 1:
                return leaf(lo)[1]
            k = split(n)
            return node_hash(mth(lo, lo + k), mth(lo + k, hi))

        return mth, leaf
