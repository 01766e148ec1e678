"""A Merkle tree over the event log, hashed as RFC 9162 (Certificate Transparency v2) says.

Leaf hash `SHA-256(0x00 || leaf)`, node hash `SHA-256(0x01 || left || right)`, and the tree hash
of n leaves split at the largest power of two below n. Written by hand rather than taken from a
library, because the proofs must be the RFC's own (a verifier elsewhere checks them with the
RFC's algorithm, not with ours): inclusion and consistency proofs (§2.1.3.1, §2.1.4.1), their
verifiers (§2.1.3.2, §2.1.4.2), and the compact range ("frontier") that lets the store extend
the tree one leaf at a time without rereading it.

Everything here works on 32-byte hashes; nothing here knows about events or databases.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


class ProofError(ValueError):
    """A proof that does not verify, with the reason in words."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split(n: int) -> int:
    """The largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


# Building: root and proofs from the leaf hashes ------------------------------------------------

SubtreeHash = Callable[[int, int], bytes]


def subtree_hasher(leaves: Sequence[bytes]) -> SubtreeHash:
    """MTH(D[lo:hi]) over leaf hashes, remembering the perfect subtrees it has computed (a
    proof asks for O(log n) of them, which together cover the leaves once)."""
    memo: dict[tuple[int, int], bytes] = {}

    def mth(lo: int, hi: int) -> bytes:
        n = hi - lo
        if n == 0:
            return EMPTY_ROOT
        if n == 1:
            return leaves[lo]
        found = memo.get((lo, hi))
        if found is not None:
            return found
        k = split(n)
        h = node_hash(mth(lo, lo + k), mth(lo + k, hi))
        if n & (n - 1) == 0:
            memo[(lo, hi)] = h
        return h

    return mth


def root(leaves: Sequence[bytes]) -> bytes:
    return subtree_hasher(leaves)(0, len(leaves))


def inclusion_proof(leaves: Sequence[bytes], index: int, size: int | None = None) -> list[bytes]:
    """PATH(index, D[0:size]) (RFC 9162 §2.1.3.1)."""
    n = len(leaves) if size is None else size
    if not 0 <= index < n <= len(leaves):
        raise ValueError(f"leaf {index} is not in a tree of size {n}")
    return inclusion_path(subtree_hasher(leaves), index, n)


def inclusion_path(mth: SubtreeHash, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) from any source of subtree hashes (the store keeps some)."""
    path: list[bytes] = []
    lo, hi = 0, size
    # Walk down from the root; the siblings are collected top-down and returned bottom-up.
    while hi - lo > 1:
        k = split(hi - lo)
        if index < lo + k:
            path.append(mth(lo + k, hi))
            hi = lo + k
        else:
            path.append(mth(lo, lo + k))
            lo = lo + k
    return path[::-1]


def consistency_proof(leaves: Sequence[bytes], old: int, new: int | None = None) -> list[bytes]:
    """PROOF(old, D[0:new]) (RFC 9162 §2.1.4.1); empty when old == new."""
    n = len(leaves) if new is None else new
    if not 0 < old <= n <= len(leaves):
        raise ValueError(f"no consistency proof from size {old} to size {n}")
    return consistency_path(subtree_hasher(leaves), old, n)


def consistency_path(mth: SubtreeHash, old: int, new: int) -> list[bytes]:
    """PROOF(old, D[0:new]) from any source of subtree hashes."""

    def subproof(m: int, lo: int, hi: int, complete: bool) -> list[bytes]:
        size = hi - lo
        if m == size:
            return [] if complete else [mth(lo, hi)]
        k = split(size)
        if m <= k:
            return [*subproof(m, lo, lo + k, complete), mth(lo + k, hi)]
        return [*subproof(m - k, lo + k, hi, False), mth(lo, lo + k)]

    return subproof(old, 0, new, True)


# Verifying: the RFC's algorithms, word for word ----------------------------------------------


def _check_hashes(what: str, hashes: Iterable[bytes]) -> None:
    for h in hashes:
        if len(h) != HASH_SIZE:
            raise ProofError(f"{what} holds a hash of {len(h)} bytes, not {HASH_SIZE}")


def root_from_inclusion(index: int, size: int, leaf: bytes, path: Sequence[bytes]) -> bytes:
    """The root that `path` leads to from leaf hash `leaf` at `index` (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not below the tree size {size}")
    _check_hashes("the leaf", [leaf])
    _check_hashes("the proof", path)
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError("the proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof is shorter than the tree is deep")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root_hash: bytes
) -> None:
    """Raise ProofError unless `path` proves leaf hash `leaf` at `index` under `root_hash`."""
    if root_from_inclusion(index, size, leaf, path) != root_hash:
        raise ProofError("the proof leads to another root than the tree head's")


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ProofError unless `proof` shows the tree of size `old` with `old_root` is a prefix
    of the tree of size `new` with `new_root` (RFC 9162 §2.1.4.2)."""
    _check_hashes("the proof", proof)
    if old > new:
        raise ProofError(f"the old size {old} is larger than the new size {new}")
    if old == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if old == new:
        if proof:
            raise ProofError("equal sizes take an empty proof")
        if old_root != new_root:
            raise ProofError("equal sizes with different roots")
        return
    _check_hashes("the roots", [old_root, new_root])
    if not proof:
        raise ProofError("the proof is empty")
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the proof is longer than the trees are deep")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the proof is shorter than the trees are deep")
    if fr != old_root:
        raise ProofError("the proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the proof does not lead to the new root")


# The compact range: the roots of the perfect subtrees that make up a tree of n leaves ----------


def frontier_append(frontier: list[bytes], size: int, leaf: bytes) -> None:
    """Extend `frontier` (the tree of `size` leaves, largest subtree first) by one leaf hash."""
    node = leaf
    while size & 1:
        node = node_hash(frontier.pop(), node)
        size >>= 1
    frontier.append(node)


def frontier_root(frontier: Sequence[bytes]) -> bytes:
    """MTH of the tree the frontier stands for: its subtrees folded from the right."""
    if not frontier:
        return EMPTY_ROOT
    r = frontier[-1]
    for h in reversed(frontier[:-1]):
        r = node_hash(h, r)
    return r


def encode_frontier(frontier: Sequence[bytes]) -> str:
    return "".join(h.hex() for h in frontier)


def decode_frontier(text: str) -> list[bytes]:
    raw = bytes.fromhex(text)
    return [raw[i : i + HASH_SIZE] for i in range(0, len(raw), HASH_SIZE)]
