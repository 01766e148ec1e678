"""Known-at beside true-at: what the record said, at a moment it was recorded, about a moment
things took effect; and what a resolution's recorded vote said then.

Every event carries two times: `at`, when it took effect, and the library's `timestamp`, when it
was recorded. The status read model keeps intervals in effective time only, as known now. For
"as the record stood at K" the status projection is replayed here, in memory, over the events
recorded at or before K. The projection is pure, so this is the same code that wrote the stored
rows: for K = now the answer is the read model's. Chosen over a recorded-time column in the read
model because a past K is an auditor's question, asked rarely, over the agreements' few events
(the replay never touches ballots), while a column would widen every row, change the schema
every store rebuilds on, and still need the corrections' figures from somewhere else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.resolution import Resolution
from projections.rows import Row, time_key
from projections.status import TABLE, StatusProjection, StatusRow
from workflows.base import GovernanceBase


class MemoryRows:
    """The `Rows` port over lists in memory; each row gets an insertion-ordered `id`, as the
    read model's autoincrement does, so ties resolve alike."""

    def __init__(self) -> None:
        self.tables: dict[str, list[Row]] = {}

    def insert(self, table: str, row: Row) -> None:
        rows = self.tables.setdefault(table, [])
        rows.append({**row, "id": len(rows) + 1})

    def update(self, table: str, where: Row, values: Row) -> None:
        for row in self.tables.get(table, []):
            if all(row.get(k) == v for k, v in where.items()):
                row.update(values)

    def delete(self, table: str, where: Row) -> None:
        self.tables[table] = [
            row
            for row in self.tables.get(table, [])
            if not all(row.get(k) == v for k, v in where.items())
        ]


def recorded_by(event: Any, known_at: datetime | None) -> bool:
    stamp = getattr(event, "timestamp", None)
    return known_at is None or (isinstance(stamp, datetime) and stamp <= known_at)


def replay_status(app: GovernanceBase, known_at: datetime) -> list[Row]:
    """The status rows as they stood with only the events recorded at or before `known_at`.

    Every event of the projection's topics is looked at, not only a prefix of the log: two
    processes may commit in the other order than they stamped their events."""
    projection = StatusProjection()
    rows = MemoryRows()
    for notification in app.notifications(topics=projection.topics):
        event = app.mapper.to_domain_event(notification)
        if recorded_by(event, known_at):
            projection.process(event, rows, notification.id)
    return rows.tables.get(TABLE, [])


def status_in(
    rows: list[Row], moment: datetime, agreement: str | None = None, party: str | None = None
) -> list[StatusRow]:
    """`status_as_of`'s lookup over rows in memory, rule for rule: for every pair with an open
    interval, its latest row begun by `moment`, if that row still holds at `moment`."""
    t = time_key(moment)
    wanted = agreement.strip().upper() if agreement else None
    found: list[StatusRow] = []
    for open_row in rows:
        if open_row["valid_to"] is not None:
            continue
        pair = (open_row["agreement"], open_row["party"])
        if (wanted and pair[0] != wanted) or (party and pair[1] != party):
            continue
        begun = [r for r in rows if (r["agreement"], r["party"]) == pair and r["valid_from"] <= t]
        if not begun:
            continue
        latest = max(begun, key=lambda r: (r["valid_from"], r["id"]))
        if latest["valid_to"] is not None and latest["valid_to"] <= t:
            continue
        found.append(
            StatusRow(
                agreement=latest["agreement"],
                party=latest["party"],
                status=latest["status"],
                detail=latest["detail"],
                since=latest["valid_from"],
                because=latest["because"].split(),
            )
        )
    return sorted(found, key=lambda r: (r.agreement, r.party))


# A resolution's recorded vote --------------------------------------------------------------

DECISIONS = (Resolution.Adopted, Resolution.Rejected)


def _pct(value: Decimal | None) -> str:
    return "" if value is None else f" with {value}% in favour"


def decision_of(events: Iterable[Any], moment: datetime, known_at: datetime | None = None) -> str:
    """The vote on a resolution as the record says: taken effect by `moment`, recorded by
    `known_at` (default: everything recorded). Empty when there is none yet."""
    title = outcome = ""
    pct: Decimal | None = None
    first: Decimal | None = None
    corrections: list[str] = []
    for event in events:
        if getattr(event, "at", moment) > moment or not recorded_by(event, known_at):
            continue
        if isinstance(event, Resolution.Tabled):
            title = event.title
        elif isinstance(event, DECISIONS):
            outcome = "adopted" if isinstance(event, Resolution.Adopted) else "rejected"
            pct = first = event.yes_pct
        elif isinstance(event, Resolution.DecisionCorrected):
            pct = event.yes_pct
            corrections.append(event.reason)
    if not outcome:
        return ""
    note = f"'{title}' {outcome}{_pct(pct)}"
    if corrections:
        was = (
            f"first recorded as {first}%"
            if first is not None
            else "first recorded without a figure"
        )
        note += f" (corrected: {was}; {'; '.join(corrections)})"
    return note


def _resolution_at(app: GovernanceBase, position: int) -> UUID | None:
    page = app.recorder.select_notifications(start=position, limit=1)
    if not page or page[0].id != position:
        return None
    return UUID(str(page[0].originator_id))


def with_decisions(
    app: GovernanceBase,
    rows: list[StatusRow],
    moment: datetime,
    known_at: datetime | None = None,
) -> list[StatusRow]:
    """Each status that rests on a resolution's event, with that resolution's vote as the
    record says (so a corrected percentage shows, or as known at `known_at`, does not yet)."""
    notes: dict[str, str] = {}  # by reference: the log is read once per resolution
    by_resolution: dict[UUID, str] = {}
    result: list[StatusRow] = []
    for row in rows:
        found: list[str] = []
        for ref in row.because:
            name, _, at = ref.partition("@")
            if not name.startswith("Resolution.") or not at.isdigit():
                continue
            if ref not in notes:
                rid = _resolution_at(app, int(at))
                if rid is not None and rid not in by_resolution:
                    by_resolution[rid] = decision_of(app.events.get(rid), moment, known_at)
                notes[ref] = "" if rid is None else by_resolution[rid]
            if notes[ref] and notes[ref] not in found:
                found.append(notes[ref])
        result.append(dataclasses.replace(row, decision="; ".join(found)) if found else row)
    return result
