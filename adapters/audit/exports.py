"""The log and the status taken away in open formats (JSON lines, CSV), and read back to verify.

Each exported event carries its position, what was stored (topic, aggregate id, version, state),
its digest and chain hash, and the chain hash before it, so an export verifies on its own. The
last record (position `signed-head`) carries the signed tree head the export ends at, and the
compact range of the events before its first one: an export with its start or its end cut off
no longer gives that head's root.
"""

from __future__ import annotations

import base64
import csv
import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from adapters.audit.chain import GENESIS, Break, ChainEntry, LogRow, Verification, verify_chain
from adapters.audit.keys import SignedHead
from adapters.audit.merkle import decode_frontier, encode_frontier
from adapters.audit.transparency import HeadCheck, Tree, conclude, hash_bytes
from domain.errors import InvalidInputError

LOG_FIELDS = [
    "position",
    "recorded_at",
    "topic",
    "originator_id",
    "originator_version",
    "state",
    "state_encoding",
    "digest",
    "hash",
    "prev_hash",
]


class ExportFileError(InvalidInputError):
    code = "invalid_export"


def _state_text(state: bytes) -> tuple[str, str]:
    try:
        return state.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return base64.b64encode(state).decode("ascii"), "base64"


def recorded_at(state: bytes) -> str:
    """The library's own recording time, kept inside the stored state."""
    try:
        value = json.loads(state).get("timestamp", {})
    except (ValueError, AttributeError):
        return ""
    if isinstance(value, dict):
        return str(value.get("_data_", ""))
    return str(value)


def export_records(
    rows: Iterator[LogRow],
    entries: dict[int, ChainEntry],
    previous: dict[int, str],
    since: datetime | None,
    until: datetime | None,
) -> Iterator[dict[str, Any]]:
    for row in rows:
        stamp = recorded_at(row.state)
        moment = datetime.fromisoformat(stamp) if stamp else None
        if moment is not None and ((since and moment < since) or (until and moment > until)):
            continue
        entry = entries.get(row.position)
        text, encoding = _state_text(row.state)
        yield {
            "position": row.position,
            "recorded_at": stamp,
            "topic": row.topic,
            "originator_id": row.originator_id,
            "originator_version": row.version,
            "state": text,
            "state_encoding": encoding,
            "digest": entry.digest if entry else "",
            "hash": entry.hash if entry else "",
            "prev_hash": previous.get(row.position, ""),
        }


SEAL = "signed-head"


@dataclass(frozen=True)
class Seal:
    """What an export ends with: the head it is checked against, and where in the tree it
    starts (the compact range of the events before its first)."""

    head: SignedHead
    start: Tree


def sealed(
    records: Iterator[dict[str, Any]],
    entries: dict[int, ChainEntry],
    sign: Callable[[int], SignedHead],
) -> Iterator[dict[str, Any]]:
    """The records, then the seal: `entries` are every event's chain entry, and `sign(size)`
    gives a signed head over the first `size` events."""
    positions = sorted(entries)
    first: int | None = None
    last = 0
    for record in records:
        if first is None:
            first = bisect_left(positions, int(record["position"]))
        last = int(record["position"])
        yield record
    start = Tree()
    for position in positions[: first or 0]:
        start.append(position, entries[position].digest)
    head = sign(bisect_right(positions, last) if first is not None else 0)
    seal = {"signed_head": head.as_dict(), "first_leaf": start.size}
    seal["start_frontier"] = encode_frontier(start.frontier)
    yield {
        **dict.fromkeys(LOG_FIELDS, ""),
        "position": SEAL,
        "state": json.dumps(seal, sort_keys=True),
        "state_encoding": "json",
    }


def write_records(records: Iterator[dict[str, Any]], fmt: str, out: TextIO) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=LOG_FIELDS, lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(record)
            count += 1
    else:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def read_export(path: Path) -> tuple[Iterator[LogRow], Iterator[ChainEntry], str]:
    """Rows and chain entries of an exported log, and the hash the export starts from."""
    rows, entries, start, _ = read_sealed_export(path)
    return rows, entries, start


def read_sealed_export(
    path: Path,
) -> tuple[Iterator[LogRow], Iterator[ChainEntry], str, Seal | None]:
    """As `read_export`, and the seal the export ends with (None if it has none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ExportFileError(f"{path}: cannot read ({e})") from None
    if path.suffix == ".csv" or text.startswith("position,"):
        records = list(csv.DictReader(text.splitlines()))
    else:
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except ValueError:
                    raise ExportFileError(f"{path}:{number}: not a JSON object") from None
    seal = None
    if records and str(records[-1].get("position")) == SEAL:
        seal = _read_seal(path, records.pop())
    if not records:
        raise ExportFileError(f"{path}: no events in the export")
    rows: list[LogRow] = []
    entries: list[ChainEntry] = []
    for number, r in enumerate(records, start=1):
        try:
            position = int(r["position"])
            state = (
                base64.b64decode(r["state"])
                if r.get("state_encoding") == "base64"
                else str(r["state"]).encode("utf-8")
            )
            rows.append(
                LogRow(
                    position,
                    str(r["topic"]),
                    str(r["originator_id"]),
                    int(r["originator_version"]),
                    state,
                )
            )
            entries.append(ChainEntry(position, str(r["digest"]), str(r["hash"])))
        except (KeyError, ValueError, TypeError) as e:
            raise ExportFileError(f"{path}: record {number} is malformed ({e})") from None
    start = str(records[0].get("prev_hash") or GENESIS)
    return iter(rows), iter(entries), start, seal


def _read_seal(path: Path, record: dict[str, Any]) -> Seal:
    try:
        data = json.loads(str(record["state"]))
        frontier = decode_frontier(str(data["start_frontier"]))
        start = Tree(int(data["first_leaf"]), frontier)
    except (KeyError, ValueError, TypeError) as e:
        raise ExportFileError(f"{path}: the signed head at the end is malformed ({e})") from None
    if len(frontier) != start.size.bit_count():
        raise ExportFileError(f"{path}: the signed head's start does not fit its first leaf")
    return Seal(SignedHead.from_dict(data.get("signed_head")), start)


def verify_export(
    path: Path, expected: str | SignedHead | None, key: Ed25519PublicKey | None
) -> Verification:
    """An exported log checked on its own: its chain, and its leaves against the signed head it
    ends with (and a published hash or head, if given)."""
    rows, entries, start, seal = read_sealed_export(path)
    entry_list = list(entries)
    by_digest: dict[str, list[int]] = {}
    for entry in entry_list:
        by_digest.setdefault(entry.digest, []).append(entry.position)
    published = expected if isinstance(expected, SignedHead) else None
    wanted = expected.strip().lower() if isinstance(expected, str) else None
    heads = ([seal.head] if seal else []) + ([published] if published else [])
    check = HeadCheck(
        heads,
        key,
        start=Tree(seal.start.size, list(seal.start.frontier)) if seal else Tree(),
        expected_root=hash_bytes(wanted),
        strict=True,  # an export stands alone: only a signature vouches for its head
    )
    result = verify_chain(
        rows,
        iter(entry_list),
        start=start,
        expected=wanted,
        digest_positions=lambda d: by_digest.get(d, []),
        observe=check,
    )
    result = conclude(result, check, published)
    if result.first_break is None:
        if seal is None:
            result.first_break = Break(
                0, "unsealed", "the export ends without its signed head (was its end cut off?)"
            )
        elif check.tree.size > seal.head.tree_size:
            result.first_break = Break(
                check.position,
                "inserted",
                f"the export goes on after the {seal.head.tree_size} events its head covers",
            )
    return result
