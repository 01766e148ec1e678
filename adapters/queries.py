"""Queries on the read models: indexed lookups, never a replay."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, or_, select

from adapters.readmodels import (
    ReadModels,
    deadlines,
    open_actions,
    party_status,
    tally_voters,
    timeline,
)
from projections.rows import time_key
from projections.status import StatusRow


def status_as_of(
    views: ReadModels, moment: datetime, agreement: str | None = None, party: str | None = None
) -> list[StatusRow]:
    t = time_key(moment)
    query = select(party_status).where(
        party_status.c.valid_from <= t,
        or_(party_status.c.valid_to.is_(None), party_status.c.valid_to > t),
    )
    if agreement:
        query = query.where(party_status.c.agreement == agreement.strip().upper())
    if party:
        query = query.where(party_status.c.party == party)
    query = query.order_by(party_status.c.agreement, party_status.c.party, party_status.c.id.desc())
    seen: set[tuple[str, str]] = set()
    found: list[StatusRow] = []
    with views.reading() as conn:
        for row in conn.execute(query).mappings():
            key = (row["agreement"], row["party"])
            if key in seen:  # two changes at one instant: the later-recorded one holds
                continue
            seen.add(key)
            found.append(
                StatusRow(
                    agreement=row["agreement"],
                    party=row["party"],
                    status=row["status"],
                    detail=row["detail"],
                    since=row["valid_from"],
                    because=row["because"].split(),
                )
            )
    return found


def timeline_rows(views: ReadModels, aggregate_id: str | None = None) -> list[dict[str, Any]]:
    query = select(timeline).order_by(timeline.c.at, timeline.c.position)
    if aggregate_id:
        query = query.where(timeline.c.aggregate_id == aggregate_id)
    with views.reading() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def deadline_rows(
    views: ReadModels, states: tuple[str, ...] = ("pending",)
) -> list[dict[str, Any]]:
    query = select(deadlines).where(deadlines.c.state.in_(states)).order_by(deadlines.c.due_at)
    with views.reading() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def deadline_state(row: dict[str, Any], now: datetime, overdue_after: float) -> str:
    """pending until due; due once its time has come; overdue when it stayed unfired too long."""
    if row["state"] != "pending":
        return str(row["state"])
    late = now - datetime.strptime(row["due_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    if late.total_seconds() > overdue_after:
        return "overdue"
    return "due" if late.total_seconds() >= 0 else "pending"


def actions_for(views: ReadModels, role: str | None = None) -> list[dict[str, Any]]:
    """Open actions; `secretary:GM0090` sees only ballots its municipality has not cast."""
    query = select(open_actions).order_by(open_actions.c.due_at, open_actions.c.id)
    member = ""
    if role:
        base, _, identity = role.partition(":")
        query = query.where(open_actions.c.role == base)
        member = identity if base == "secretary" else ""
    with views.reading() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        if member:
            cast = {
                r.consultation_id
                for r in conn.execute(
                    select(tally_voters.c.consultation_id).where(
                        and_(tally_voters.c.member == member, tally_voters.c.choice.is_not(None))
                    )
                )
            }
            rows = [r for r in rows if r["subject_id"] not in cast]
    return rows
