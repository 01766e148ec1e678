"""Views for everyone: status (as of a moment), timeline, history, the log, deadlines, open
actions and who the caller is."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.documented import refusals
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import AS_OF_PATTERN, ZONE_PATTERN
from adapters.inputs.timeparse import DEFAULT_TZ, parse_as_of
from adapters.readmodels.queries import (
    BallotSecrecy,
    actions_for,
    deadline_rows,
    deadline_state,
    log_entries,
    status_known_at,
    timeline_rows,
)
from domain.actor import Role

router = APIRouter(route_class=IdempotentRoute)


Tz = Annotated[str, Query(pattern=ZONE_PATTERN, max_length=64)]


AsOf = Annotated[
    str | None,
    Query(pattern=AS_OF_PATTERN, max_length=40, description="a date (its end) or a moment"),
]


KnownAt = Annotated[
    str | None,
    Query(
        pattern=AS_OF_PATTERN,
        max_length=40,
        description="as the record stood at this recorded moment (a date: its end): only what "
        "was recorded by then, e.g. before a correction",
    ),
]


@router.get("/status", tags=["views"])
def get_status(
    s: ServerDep,
    _: ActorDep,
    as_of: AsOf = None,
    known_at: KnownAt = None,
    agreement: Annotated[str | None, Query(max_length=16)] = None,
    party: Annotated[str | None, Query(max_length=80)] = None,
    tz: Tz = DEFAULT_TZ,
) -> dict[str, Any]:
    """Where every agreement stands for every party as of a moment in effective time: as known
    now, or with `known_at` as the record said at that moment."""
    moment = parse_as_of(as_of, tz) if as_of else datetime.now(UTC)
    recorded = parse_as_of(known_at, tz, what="known-at") if known_at else None
    e = s.read()
    rows = status_known_at(e.app, e.views, moment, recorded, agreement, party)
    return {
        "as_of": moment.isoformat(),
        "known_at": recorded.isoformat() if recorded else None,
        "status": [r.as_dict() for r in rows],
    }


@router.get("/timeline", tags=["views"], responses=refusals(404))
def get_timeline(s: ServerDep, _: ActorDep, aggregate: UUID | None = None) -> list[dict[str, Any]]:
    e = s.read()
    rows = timeline_rows(e.views, str(aggregate) if aggregate else None)
    if aggregate is not None and not rows:
        e.app.history.of(aggregate)
    return rows


@router.get("/history/{aggregate_id}", tags=["views"])
def get_history(
    aggregate_id: UUID,
    s: ServerDep,
    actor: ActorDep,
    as_of: AsOf = None,
    version: Annotated[int | None, Query(ge=1, le=10**9)] = None,
    tz: Tz = DEFAULT_TZ,
) -> dict[str, Any]:
    """An aggregate as it was; other members' ballots stay sealed for a secretary until the
    consultation closes."""
    moment = parse_as_of(as_of, tz) if as_of else None
    app = s.read().app
    return BallotSecrecy(app, actor).history(
        app.history.of(aggregate_id, version=version, as_of=moment)
    )


@router.get("/log", tags=["views"])
def get_log(
    s: ServerDep,
    viewer: ActorDep,
    start: Annotated[int, Query(alias="from", ge=1, le=10**12)] = 1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    aggregate: UUID | None = None,
    event: Annotated[str | None, Query(max_length=80)] = None,
    actor: Annotated[str | None, Query(max_length=80)] = None,
) -> dict[str, Any]:
    """The event log for auditors, a page at a time, filtered by aggregate, event or actor.
    For a secretary, other members' ballots in consultations not yet closed are sealed."""
    entries, following = log_entries(
        s.read().app,
        start,
        limit,
        aggregate=str(aggregate) if aggregate else "",
        event=event or "",
        actor=actor or "",
        viewer=viewer,
    )
    return {"entries": [entry.as_dict() for entry in entries], "next": following}


@router.get("/deadlines", tags=["views"])
def get_deadlines(
    s: ServerDep,
    _: ActorDep,
    all_states: bool = False,
    overdue_after: Annotated[float, Query(ge=0, le=10**7)] = 60.0,
) -> list[dict[str, Any]]:
    states = ("pending", "fired", "done", "cancelled") if all_states else ("pending",)
    now = datetime.now(UTC)
    return [
        {**r, "state": deadline_state(r, now, overdue_after)}
        for r in deadline_rows(s.read().views, states)
    ]


@router.get("/actions", tags=["views"])
def get_actions(s: ServerDep, actor: ActorDep) -> list[dict[str, Any]]:
    """What the caller's role must do next."""
    role = str(actor) if actor.role is Role.SECRETARY else actor.role.value
    return actions_for(s.read().views, role)


@router.get("/me", tags=["views"])
def me(actor: ActorDep) -> dict[str, Any]:
    return {"actor": str(actor), "role": actor.role.value}
