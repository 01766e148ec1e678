"""Ballot receipts and self-contained proofs, and checking them offline with only the public key.

A receipt names the ballot (consultation, member, choice, position), carries the stored event
itself (so its leaf hash can be recomputed), and once a signed tree head covers the ballot, that
head and the inclusion path to it. After the close, the head signed at the close proves every
ballot cast before it is in the log that was counted. Every field is checked: change one byte of
a receipt and it no longer verifies.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from eventsourcing.persistence import ApplicationRecorder, Notification

from adapters.audit.chain import digest, uuid_text
from adapters.audit.keys import SignedHead
from adapters.audit.merkle import ProofError, verify_consistency, verify_inclusion
from adapters.audit.transparency import (
    TransparentRecorder,
    event_leaf,
    proof_of_inclusion,
    transparent,
)
from domain.errors import InvalidInputError, NotFoundError

BALLOT_TOPICS = ("Consultation.BallotCast", "Consultation.BallotRecast")


class NoBallotError(NotFoundError):
    code = "no_ballot"


def event_at(recorder: TransparentRecorder, position: int) -> dict[str, Any]:
    """The stored event at `position`, as a proof carries it."""
    found = recorder.select_notifications(position, 1)  # type: ignore[attr-defined]
    if not found or found[0].id != position:
        raise NotFoundError(f"no event at position {position}")
    return event_document(found[0])


def event_document(n: Notification) -> dict[str, Any]:
    """A stored event as a proof carries it."""
    state = bytes(n.state)
    try:
        text, encoding = state.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(state).decode("ascii"), "base64"
    return {
        "topic": n.topic,
        "originator_id": uuid_text(n.originator_id),
        "originator_version": int(n.originator_version),
        "state": text,
        "state_encoding": encoding,
    }


def _state_bytes(event: dict[str, Any]) -> bytes:
    text = str(event["state"])
    return base64.b64decode(text) if event.get("state_encoding") == "base64" else text.encode()


def event_leaf_hash(position: int, event: dict[str, Any]) -> bytes:
    d = digest(
        str(event["topic"]),
        str(event["originator_id"]),
        int(event["originator_version"]),
        _state_bytes(event),
    )
    return event_leaf(position, d)


def inclusion_document(recorder: TransparentRecorder, position: int) -> dict[str, Any]:
    """An inclusion proof of the event at `position` against the latest signed head."""
    heads = recorder.signed_heads()
    event = event_at(recorder, position)
    if not heads:
        raise NotFoundError("no signed tree head yet (`akkoord audit head` signs one)")
    try:
        proof = proof_of_inclusion(recorder, position, heads[-1])
    except LookupError:
        raise NotFoundError(
            f"position {position} is not covered by the latest signed head "
            f"(size {heads[-1].tree_size}); `akkoord audit head` signs a newer one"
        ) from None
    return {**proof, "event": event}


def ballot_receipt(
    log: ApplicationRecorder, position: int, stored: Notification | None = None
) -> dict[str, Any]:
    """The receipt of the ballot recorded at `position`: what was cast, its leaf hash, and, once
    a signed head covers it, that head (the latest) and the inclusion path to it.

    The HTTP API may call it as `ballot_receipt(engine.app.recorder, position)`, or
    `cast_receipt(engine.app.recorder, consultation_id, member)` right after a cast; both return
    plain JSON.
    """
    recorder = transparent(log)
    event = event_at(recorder, position) if stored is None else event_document(stored)
    if not str(event["topic"]).endswith(BALLOT_TOPICS):
        raise NoBallotError(f"the event at position {position} is not a ballot")
    state = json.loads(_state_bytes(event))
    receipt: dict[str, Any] = {
        "kind": "ballot-receipt",
        "consultation_id": event["originator_id"],
        "member": state.get("member"),
        "choice": state.get("choice"),
        "position": position,
        "leaf_hash": event_leaf_hash(position, event).hex(),
        "event": event,
        "signed_head": None,
        "leaf_index": None,
        "path": None,
    }
    found = recorder.latest_head_and_leaf_index(position)
    # A ballot cast after the latest head waits for the next one: known from one count,
    # without reading every leaf as a proof does.
    if found is not None and found[1] < found[0].tree_size:
        head = found[0]
        try:
            proof = proof_of_inclusion(recorder, position, head, index=found[1])
        except LookupError:
            return receipt  # cast after the latest head: the next one will cover it
        receipt.update(
            signed_head=proof["signed_head"], leaf_index=proof["leaf_index"], path=proof["path"]
        )
    return receipt


def _newest_first(log: ApplicationRecorder, aggregate_id: UUID, page: int = 32) -> Iterator[Any]:
    """An aggregate's events, newest first, a page at a time: a receipt asked for right after
    a cast is found on the first page, not after reading every ballot of the consultation."""
    upto: int | None = None
    while True:
        batch = log.select_events(aggregate_id, desc=True, lte=upto, limit=page)
        yield from batch
        if len(batch) < page:
            return
        upto = batch[-1].originator_version - 1


def _is_ballot_of(stored: Any, member: str) -> bool:
    """Whether a stored event is a cast or re-cast of `member`'s ballot."""
    return bool(
        stored.topic.endswith(BALLOT_TOPICS) and json.loads(stored.state).get("member") == member
    )


def cast_receipt(log: ApplicationRecorder, consultation_id: UUID, member: str) -> dict[str, Any]:
    """The receipt of the member's standing ballot (the latest cast or re-cast)."""
    recorder = transparent(log)
    for stored in _newest_first(log, consultation_id):
        if _is_ballot_of(stored, member):
            position = recorder.position_of(str(consultation_id), stored.originator_version)
            if position is not None:
                return ballot_receipt(log, position)
    raise NoBallotError(f"no ballot of {member} in consultation {consultation_id}")


def receipt_after_cast(
    log: ApplicationRecorder, consultation_id: UUID, member: str, saved: Sequence[Notification]
) -> dict[str, Any]:
    """`cast_receipt`, from the ballot the cast just recorded when it recorded one (`saved`, see
    `workflows.base.saved_notifications`): nothing read back. A cast that changed nothing (the
    same ballot was standing) recorded none, and the standing one is looked up."""
    for n in reversed(saved):
        if str(n.originator_id) == str(consultation_id) and _is_ballot_of(n, member):
            return ballot_receipt(log, n.id, stored=n)
    return cast_receipt(log, consultation_id, member)


# Checking, offline ---------------------------------------------------------------------------


def _head(doc: dict[str, Any], name: str, key: Ed25519PublicKey) -> SignedHead:
    try:
        head = SignedHead.from_dict(doc.get(name))
    except InvalidInputError as e:
        raise ProofError(f"{name}: {e}") from None
    why = head.verify(key)
    if why is not None:
        raise ProofError(why)
    return head


def _hex(value: object, what: str) -> bytes:
    try:
        return bytes.fromhex(str(value))
    except ValueError:
        raise ProofError(f"{what} is not hex") from None


def check_document(doc: object, key: Ed25519PublicKey) -> str:
    """What a proof or receipt proves, in one line; raises ProofError saying why not."""
    if not isinstance(doc, dict):
        raise ProofError("not a proof: expected a JSON object")
    kind = doc.get("kind")
    try:
        if kind == "consistency":
            return _check_consistency(doc, key)
        if kind in ("inclusion", "ballot-receipt"):
            return _check_inclusion(doc, key)
    except (KeyError, TypeError, ValueError) as e:
        raise ProofError(f"malformed {kind} ({type(e).__name__}: {e})") from None
    raise ProofError(f"unknown kind {kind!r} (inclusion, consistency or ballot-receipt)")


def _check_inclusion(doc: dict[str, Any], key: Ed25519PublicKey) -> str:
    position = int(doc["position"])
    event = doc["event"]
    leaf = event_leaf_hash(position, event)
    if leaf.hex() != str(doc["leaf_hash"]):
        raise ProofError("the event does not give the receipt's leaf hash")
    if doc["kind"] == "ballot-receipt":
        state = json.loads(_state_bytes(event))
        if not str(event["topic"]).endswith(BALLOT_TOPICS):
            raise ProofError("the event is not a ballot")
        for field, value in (
            ("consultation_id", event["originator_id"]),
            ("member", state.get("member")),
            ("choice", state.get("choice")),
        ):
            if doc.get(field) != value:
                raise ProofError(f"the receipt's {field} is not the recorded ballot's")
        if doc.get("signed_head") is None:
            raise ProofError("no signed head covers this ballot yet: fetch the receipt again later")
    head = _head(doc, "signed_head", key)
    path = [_hex(p, "the path") for p in doc["path"]]
    verify_inclusion(
        int(doc["leaf_index"]), head.tree_size, leaf, path, _hex(head.root_hash, "root")
    )
    return (
        f"position {position} is leaf {doc['leaf_index']} of the tree of {head.tree_size} "
        f"events signed {head.timestamp}"
    )


def _check_consistency(doc: dict[str, Any], key: Ed25519PublicKey) -> str:
    old, new = _head(doc, "old_head", key), _head(doc, "new_head", key)
    path = [_hex(p, "the path") for p in doc["path"]]
    verify_consistency(
        old.tree_size, new.tree_size, _hex(old.root_hash, "root"), _hex(new.root_hash, "root"), path
    )
    return (
        f"the tree of {old.tree_size} events signed {old.timestamp} is a prefix of the tree of "
        f"{new.tree_size} events signed {new.timestamp}"
    )
