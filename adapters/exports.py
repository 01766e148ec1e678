"""The log and the status taken away in open formats (JSON lines, CSV), and read back to verify.

Each exported event carries its position, what was stored (topic, aggregate id, version, state),
its digest and chain hash, and the chain hash before it, so an export verifies on its own.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from adapters.audit_chain import GENESIS, ChainEntry, LogRow
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
    return iter(rows), iter(entries), start
