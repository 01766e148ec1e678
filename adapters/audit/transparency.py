"""The transparency log over the event log: what a leaf is, when a head is signed, and how the
log is checked against every signed head.

Each event is one leaf, in log order: `position (8 bytes, big-endian) || digest (32 bytes)`,
where the digest is the chain's per-event digest of what was stored (topic, aggregate id,
version, state). The position is in the leaf so a proof names where the event stands. The store
keeps the tree's compact range (one hash per set bit of its size) in `merkle_state`, extended in
the same transaction as the events, so signing a head costs O(log n), never a pass over the log.
Heads are signed every HEAD_EVERY events and whenever a consultation closes.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable
from weakref import WeakKeyDictionary

from adapters.audit.chain import Break, ChainedRecorder, ChainEntry, Verification, verify_chain
from adapters.audit.keys import SignedHead, Signer, key_id
from adapters.audit.merkle import (
    SubtreeHash,
    consistency_path,
    frontier_append,
    frontier_root,
    inclusion_path,
    leaf_hash,
    root,
)
from adapters.audit.tiles import Leaf, StaleTilesError, Tiles

if TYPE_CHECKING:  # cryptography is loaded where a key is used (adapters.audit.keys)
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HEAD_EVERY = 100
# Closing a consultation settles its ballots: the head signed then proves every one was counted.
SIGN_ON_TOPICS = ("Consultation.Closed",)

TREE_TABLES_SQLITE = [
    "CREATE TABLE IF NOT EXISTS merkle_state ("
    "id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL, frontier TEXT NOT NULL, "
    "upto INTEGER)",
    "CREATE TABLE IF NOT EXISTS signed_heads (tree_size INTEGER PRIMARY KEY, "
    "root_hash TEXT NOT NULL, timestamp TEXT NOT NULL, key_id TEXT NOT NULL, "
    "signature TEXT NOT NULL)",
]
TREE_TABLES_POSTGRES = [
    "CREATE TABLE IF NOT EXISTS {schema}.merkle_state ("
    "id integer PRIMARY KEY CHECK (id = 1), size bigint NOT NULL, frontier text NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {schema}.signed_heads (tree_size bigint PRIMARY KEY, "
    "root_hash text NOT NULL, timestamp text NOT NULL, key_id text NOT NULL, "
    "signature text NOT NULL)",
]


def event_leaf(position: int, event_digest: str) -> bytes:
    """The leaf hash of the event at `position` with chain digest `event_digest` (hex)."""
    return leaf_hash(position.to_bytes(8, "big") + bytes.fromhex(event_digest))


@dataclass
class Tree:
    """The compact range of the tree over the first `size` events."""

    size: int = 0
    frontier: list[bytes] = field(default_factory=list)

    def append(self, position: int, event_digest: str) -> None:
        frontier_append(self.frontier, self.size, event_leaf(position, event_digest))
        self.size += 1

    def root(self) -> bytes:
        return frontier_root(self.frontier)


# The index of the event at position %(p)s among the leaves, counted from the nearer end of the
# log (the tree holds one leaf per chain row, so its size less the rows from p on is the same
# count): a receipt asked for right after a cast counts a handful of rows, not the whole log.
LEAF_INDEX = (
    "SELECT CASE WHEN %(p)s * 2 > (SELECT max(position) FROM {schema}.event_hashes) "
    "THEN (SELECT size FROM {schema}.merkle_state WHERE id = 1) "
    "- (SELECT count(*) FROM {schema}.event_hashes WHERE position >= %(p)s) "
    "ELSE (SELECT count(*) FROM {schema}.event_hashes WHERE position < %(p)s) END AS n"
)


def wants_head(old_size: int, new_size: int, topics: Iterable[str]) -> bool:
    return new_size // HEAD_EVERY > old_size // HEAD_EVERY or any(
        t.endswith(SIGN_ON_TOPICS) for t in topics
    )


@runtime_checkable
class TransparentRecorder(ChainedRecorder, Protocol):
    """What the transparency log needs from a store, whichever database holds it."""

    def use_signer(self, signer: Signer) -> None: ...

    def ensure_tree(self) -> int:
        """Give the events of a store from before the tree their leaves; returns how many."""

    def tree(self) -> Tree: ...

    def signed_heads(self) -> list[SignedHead]: ...

    def latest_head(self) -> SignedHead | None:
        """The newest signed head, in one read (`signed_heads` reads them all)."""

    def sign_head(self, size: int | None = None) -> SignedHead:
        """A head over the first `size` events (default: all), signed now unless one exists."""

    def position_of(self, originator_id: str, version: int) -> int | None: ...

    def leaf_index_of(self, position: int) -> int:
        """The index of the event at `position` among the tree's leaves (one read)."""

    def latest_head_and_leaf_index(self, position: int) -> tuple[SignedHead, int] | None:
        """`latest_head` and `leaf_index_of(position)` in one read (a receipt asks both)."""

    def checkpoints(self) -> dict[int, str]: ...

    def public_key(self) -> Ed25519PublicKey | None:
        """The key heads are checked against: the store's own, if its key file is here."""


def transparent(recorder: object) -> TransparentRecorder:
    if not isinstance(recorder, TransparentRecorder):
        raise TypeError(f"{type(recorder).__name__} keeps no Merkle tree")
    return recorder


# Proofs from the store -----------------------------------------------------------------------


def leaf_pairs(entries: Iterable[ChainEntry]) -> Iterator[Leaf]:
    """(position, leaf hash) of each chain row, as the chain recorded it."""
    for entry in entries:
        yield entry.position, event_leaf(entry.position, entry.digest)


def leaves(entries: Iterator[ChainEntry], size: int | None = None) -> list[tuple[int, bytes]]:
    """(position, leaf hash) of the first `size` events, as the chain recorded them."""
    return list(itertools.islice(leaf_pairs(entries), size))


def root_at(entries: Iterator[ChainEntry], size: int) -> bytes:
    hashes = [h for _, h in leaves(entries, size)]
    if len(hashes) < size:
        raise ValueError(f"the log holds {len(hashes)} events, fewer than {size}")
    return root(hashes)


# One process's tiles per store (see `adapters.audit.tiles`), dropped with the recorder.
_TILES: WeakKeyDictionary[object, Tiles] = WeakKeyDictionary()
_TILES_LOCK = threading.Lock()


def _proved(
    recorder: TransparentRecorder,
    size: int,
    prove: Callable[[SubtreeHash, Callable[[int], Leaf]], dict[str, object]],
) -> dict[str, object]:
    """`prove` run on this process's tiles of the store (extended first with what was added
    since), under their lock; started over from the log once if the store's leaves are no
    longer the ones they were built from."""

    def block(start: int, count: int) -> list[Leaf]:
        return list(itertools.islice(leaf_pairs(recorder.chain_entries(start - 1)), count))

    for _ in range(2):
        with _TILES_LOCK:
            tiles = _TILES.get(recorder)
            if tiles is None:
                tiles = _TILES[recorder] = Tiles()
        with tiles.lock:
            tiles.take(leaf_pairs(recorder.chain_entries(tiles.after)), size)
            try:
                return prove(*tiles.hasher(size, block))
            except StaleTilesError:
                with _TILES_LOCK:
                    _TILES.pop(recorder, None)
    raise LookupError("the log changed while a proof was made")


def proof_of_inclusion(
    recorder: TransparentRecorder, position: int, head: SignedHead, index: int | None = None
) -> dict[str, object]:
    """A self-contained inclusion proof of the event at `position` under `head`: the leaf's
    index in one read (unless the caller has read it), then the path from this process's
    tiles."""
    if index is None:
        index = recorder.leaf_index_of(position)

    def prove(mth: SubtreeHash, leaf: Callable[[int], Leaf]) -> dict[str, object]:
        if not 0 <= index < head.tree_size or leaf(index)[0] != position:
            raise LookupError(f"position {position} is not under the head of size {head.tree_size}")
        return {
            "kind": "inclusion",
            "position": position,
            "leaf_index": index,
            "leaf_hash": leaf(index)[1].hex(),
            "path": [p.hex() for p in inclusion_path(mth, index, head.tree_size)],
            "signed_head": head.as_dict(),
        }

    return _proved(recorder, head.tree_size, prove)


def proof_of_consistency(
    recorder: TransparentRecorder, old: SignedHead, new: SignedHead
) -> dict[str, object]:
    if not 0 < old.tree_size <= new.tree_size:
        raise ValueError(f"no consistency proof from size {old.tree_size} to {new.tree_size}")

    def prove(mth: SubtreeHash, _leaf: Callable[[int], Leaf]) -> dict[str, object]:
        return {
            "kind": "consistency",
            "old_head": old.as_dict(),
            "new_head": new.as_dict(),
            "path": [p.hex() for p in consistency_path(mth, old.tree_size, new.tree_size)],
        }

    return _proved(recorder, new.tree_size, prove)


def latest_covering(heads: Sequence[SignedHead], size: int) -> SignedHead | None:
    """The first signed head whose tree holds at least `size` events."""
    return next((h for h in heads if h.tree_size >= size), None)


# Checking a log against signed heads ---------------------------------------------------------


class HeadCheck:
    """Fed each verified event in log order; finds the first event count at which the log
    disagrees with a signed head, a checkpoint, or a published root."""

    def __init__(
        self,
        heads: Sequence[SignedHead],
        key: Ed25519PublicKey | None,
        *,
        checkpoints: dict[int, str] | None = None,
        recorded_size: int = 0,
        start: Tree | None = None,
        expected_root: bytes | None = None,
        strict: bool = False,
    ) -> None:
        self.heads: dict[int, list[SignedHead]] = {}
        for h in heads:
            self.heads.setdefault(h.tree_size, []).append(h)
        self.matched: dict[int, int] = {}  # tree size -> the position where it was reproduced
        self.checkpoints = checkpoints or {}
        self.recorded_size = recorded_size
        self.tree = start or Tree()
        self.first_size = self.tree.size
        self.expected_root = expected_root
        self.expected_at: int | None = None
        self.verified = 0  # heads whose root the log reproduces
        self.position = 0
        self.matched_position = 0  # the last position a signed head vouched for
        self.foreign = 0  # heads signed by a key we do not hold: their roots are still checked
        self.problem = self._signatures(heads, key, strict)

    def _signatures(
        self, heads: Sequence[SignedHead], key: Ed25519PublicKey | None, strict: bool
    ) -> Break | None:
        """Every head signed by `key` must carry a valid signature. A head by another key (a
        node with a key of its own) is only root-checked, unless `strict` (a key was named):
        then every head must be that key's."""
        ours = None if key is None else key_id(key)
        for head in heads:
            if head.key_id != ours and not strict:
                self.foreign += 1
                continue
            if key is None:
                return Break(
                    0, "signature", "no audit key to check the signed heads against (give --key)"
                )
            why = head.verify(key)
            if why is not None:
                return Break(0, "signature", f"head at size {head.tree_size}: {why}")
        return None

    def __call__(self, position: int, event_digest: str, chain_hash: str) -> Break | None:
        if self.problem is not None:
            return self.problem
        self.tree.append(position, event_digest)
        self.position = position
        recorded = self.checkpoints.get(position)
        if recorded is not None and recorded != chain_hash:
            return Break(
                position,
                "checkpoint",
                f"the chain at position {position} is {chain_hash[:16]}…, the checkpoint "
                f"recorded there says {recorded[:16]}…: the log was rewritten up to here",
            )
        due = self.heads.get(self.tree.size, [])
        if due or self.expected_root is not None:
            current = self.tree.root()
            if self.expected_root is not None and current == self.expected_root:
                self.expected_at = position
            for head in due:
                if current.hex() != head.root_hash:
                    return Break(
                        position,
                        "rewritten",
                        f"the first {head.tree_size} events do not give the root of the head "
                        f"signed {head.timestamp}: an event between positions "
                        f"{self.matched_position + 1} and {position} was changed",
                    )
                self.verified += 1
                self.matched_position = position
                self.matched[head.tree_size] = position
        return None

    def finish(self) -> Break | None:
        """After the last event: does anything signed or recorded reach beyond it?"""
        if self.problem is not None:
            return self.problem
        size = self.tree.size
        beyond = [hs[0] for s, hs in sorted(self.heads.items()) if s > size]
        if beyond:
            head = beyond[-1]
            return Break(
                self.position + 1,
                "truncated",
                f"the log ends after {size} events (position {self.position}), but the head "
                f"signed {head.timestamp} covers {head.tree_size}: events from position "
                f"{self.position + 1} on are gone",
            )
        late = [p for p in sorted(self.checkpoints) if p > self.position]
        if late:
            return Break(
                self.position + 1,
                "truncated",
                f"the log ends at position {self.position}, but a checkpoint was recorded at "
                f"position {late[-1]}",
            )
        if self.recorded_size > size:
            return Break(
                self.position + 1,
                "truncated",
                f"the log ends after {size} events (position {self.position}), but the tree "
                f"recorded {self.recorded_size}",
            )
        return None


def hash_bytes(text: str | None) -> bytes | None:
    """A 64-digit hex hash as bytes, or None if it is not one."""
    if text is None or len(text) != 64:
        return None
    try:
        return bytes.fromhex(text)
    except ValueError:
        return None


def verify_log(
    recorder: TransparentRecorder,
    *,
    expected: str | SignedHead | None = None,
    key: Ed25519PublicKey | None = None,
    progress: Callable[[int], None] | None = None,
) -> Verification:
    # A key named by the caller must have signed every head; else the store's own key checks
    # the heads it signed (and heads of other nodes' keys are root-checked only).
    """The chain, every signed head, every checkpoint and what the tree recorded, in one walk;
    `expected` is a published hash (a chain hash or a tree root, any case) or a signed head."""
    published = expected if isinstance(expected, SignedHead) else None
    wanted = expected.strip().lower() if isinstance(expected, str) else None
    heads = recorder.signed_heads() + ([published] if published else [])
    check = HeadCheck(
        heads,
        key if key is not None else recorder.public_key(),
        checkpoints=recorder.checkpoints(),
        recorded_size=recorder.tree().size,
        expected_root=hash_bytes(wanted),
        strict=key is not None,
    )
    result = verify_chain(
        recorder.log_rows(),
        recorder.chain_entries(),
        digest_positions=recorder.digest_positions,
        expected=wanted,
        progress=progress,
        observe=check,
    )
    return conclude(result, check, published)


def conclude(result: Verification, check: HeadCheck, published: SignedHead | None) -> Verification:
    if result.first_break is None:
        result.first_break = check.finish()
    result.heads_verified = check.verified
    result.heads_foreign = check.foreign
    result.tree_size = check.tree.size
    result.tree_root = check.tree.root().hex()
    if published is not None:
        result.expected = published.root_hash
        result.expected_at = check.matched.get(published.tree_size)
    elif result.expected is not None and result.expected_at is None:
        result.expected_at = check.expected_at
    return result


def verify_store(
    recorder: ChainedRecorder,
    *,
    expected: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Verification:
    """The chain, and with a transparent recorder the tree's signed heads too."""
    if isinstance(recorder, TransparentRecorder):  # and the tree's signed heads with it
        return verify_log(recorder, expected=expected, progress=progress)
    return verify_chain(
        recorder.log_rows(),
        recorder.chain_entries(),
        digest_positions=recorder.digest_positions,
        expected=expected,
        progress=progress,
    )
