"""The Merkle tree against RFC 9162's hashing: the test vectors of transparency-dev/merkle (copied
as data into tests/unit/data), and properties over random sizes."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.audit.merkle import (
    EMPTY_ROOT,
    ProofError,
    consistency_proof,
    decode_frontier,
    encode_frontier,
    frontier_append,
    frontier_root,
    inclusion_proof,
    leaf_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

VECTORS = json.loads((Path(__file__).parent / "data" / "rfc9162_vectors.json").read_text())
LEAVES = [leaf_hash(bytes.fromhex(x)) for x in VECTORS["leaf_inputs_hex"]]


def b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def proof_of(vector: dict[str, Any]) -> list[bytes]:
    return [b64(p) for p in vector["proof"] or []]


def test_roots_of_every_prefix_match_the_reference() -> None:
    for n, expected in enumerate(VECTORS["roots_hex"]):
        assert root(LEAVES[:n]).hex() == expected
    assert EMPTY_ROOT.hex() == VECTORS["roots_hex"][0]


@pytest.mark.parametrize("vector", VECTORS["inclusion"], ids=lambda v: v["file"])
def test_inclusion_vectors(vector: dict[str, Any]) -> None:
    def check() -> None:
        verify_inclusion(
            vector["leafIdx"],
            vector["treeSize"],
            b64(vector["leafHash"]),
            proof_of(vector),
            b64(vector["root"]),
        )

    if vector["wantErr"]:
        with pytest.raises(ProofError):
            check()
    else:
        check()


@pytest.mark.parametrize("vector", VECTORS["consistency"], ids=lambda v: v["file"])
def test_consistency_vectors(vector: dict[str, Any]) -> None:
    def check() -> None:
        verify_consistency(
            vector["size1"],
            vector["size2"],
            b64(vector["root1"]),
            b64(vector["root2"]),
            proof_of(vector),
        )

    if vector["wantErr"]:
        with pytest.raises(ProofError):
            check()
    else:
        check()


def test_our_proofs_equal_the_reference_proofs() -> None:
    for v in VECTORS["inclusion"]:
        if v["desc"] == "happy path" and v["treeSize"] <= len(LEAVES):
            assert inclusion_proof(LEAVES, v["leafIdx"], v["treeSize"]) == proof_of(v)
    for v in VECTORS["consistency"]:
        if v["desc"] == "happy path" and v["size2"] <= len(LEAVES):
            assert consistency_proof(LEAVES, v["size1"], v["size2"]) == proof_of(v)


def leaves_of(n: int) -> list[bytes]:
    return [leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


def flip(h: bytes, bit: int) -> bytes:
    changed = bytearray(h)
    changed[(bit // 8) % len(h)] ^= 1 << (bit % 8)
    return bytes(changed)


@given(st.integers(1, 300), st.data())
def test_every_inclusion_proof_verifies_and_a_flipped_bit_fails(
    n: int, data: st.DataObject
) -> None:
    leaves = leaves_of(n)
    index = data.draw(st.integers(0, n - 1))
    size = data.draw(st.integers(index + 1, n))
    path = inclusion_proof(leaves, index, size)
    top = root(leaves[:size])
    verify_inclusion(index, size, leaves[index], path, top)
    bit = data.draw(st.integers(0, 255))
    with pytest.raises(ProofError):
        verify_inclusion(index, size, flip(leaves[index], bit), path, top)
    with pytest.raises(ProofError):
        verify_inclusion(index, size, leaves[index], path, flip(top, bit))
    if path:
        at = data.draw(st.integers(0, len(path) - 1))
        with pytest.raises(ProofError):
            verify_inclusion(
                index, size, leaves[index], [*path[:at], flip(path[at], bit), *path[at + 1 :]], top
            )


@given(st.integers(1, 300), st.data())
def test_every_consistency_proof_verifies_and_a_flipped_bit_fails(
    n: int, data: st.DataObject
) -> None:
    leaves = leaves_of(n)
    old = data.draw(st.integers(1, n))
    proof = consistency_proof(leaves, old, n)
    old_root, new_root = root(leaves[:old]), root(leaves)
    verify_consistency(old, n, old_root, new_root, proof)
    bit = data.draw(st.integers(0, 255))
    with pytest.raises(ProofError):
        verify_consistency(old, n, flip(old_root, bit), new_root, proof)
    with pytest.raises(ProofError):
        verify_consistency(old, n, old_root, flip(new_root, bit), proof)
    if proof:
        at = data.draw(st.integers(0, len(proof) - 1))
        with pytest.raises(ProofError):
            verify_consistency(
                old, n, old_root, new_root, [*proof[:at], flip(proof[at], bit), *proof[at + 1 :]]
            )


@given(st.integers(0, 600))
def test_the_frontier_gives_the_root_of_every_size(n: int) -> None:
    leaves = leaves_of(n)
    frontier: list[bytes] = []
    for size, leaf in enumerate(leaves):
        frontier_append(frontier, size, leaf)
    assert frontier_root(frontier) == root(leaves)
    assert len(frontier) == n.bit_count()
    assert decode_frontier(encode_frontier(frontier)) == frontier
