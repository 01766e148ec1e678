"""Resolutions: tabling, deciding, and meeting, revoking or failing their conditions."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import Created, Reason, ResultIn, Text
from adapters.inputs.results import result_dict, result_from
from domain.resolution import ResolutionKind, parse_lifts

router = APIRouter(route_class=IdempotentRoute)


Lifts = Annotated[str, Field(max_length=60, pattern=r"^[0-9]+:[A-Za-z]+(:[^:]+)?$")]


class ResolutionIn(BaseModel):
    kind: Literal["resolution", "motion"] = "resolution"
    title: Annotated[str, Field(min_length=1, max_length=300)]
    text: Text = ""
    tabled_by: Annotated[str, Field(max_length=80)] = "bestuur"
    conditions: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=20
    )
    suspends: list[Annotated[str, Field(max_length=100, pattern=r"^[^:]+:[^:]+$")]] = Field(
        default_factory=list, max_length=20, description="PARTY:AGREEMENT"
    )
    lifts: list[Lifts] = Field(
        default_factory=list,
        max_length=20,
        description="CONDITION:PART[:AGREEMENT], e.g. 1:talks:AZWA: meeting that condition "
        "lifts that part of the effect on its own (on every suspended agreement, or only the "
        "one named); without any, the effect lifts only when all conditions are met",
    )
    assembly: UUID | None = None
    reason: Reason


class ConditionIn(BaseModel):
    evidence: Annotated[str, Field(min_length=1, max_length=2000)]
    reason: Reason


@router.get("/resolutions", tags=["resolutions"])
def list_resolutions(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.resolutions.list_resolutions()


@router.post("/resolutions", tags=["resolutions"], status_code=201)
def table_resolution(body: ResolutionIn, s: ServerDep, actor: ActorDep) -> Created:
    pairs = [tuple(x.split(":", 1)) for x in body.suspends]
    lifts = parse_lifts(body.lifts)
    rid = s.act(
        lambda e: e.app.resolutions.table_resolution(
            kind=ResolutionKind(body.kind),
            title=body.title,
            text=body.text,
            tabled_by=body.tabled_by,
            conditions=body.conditions,
            suspends=[(p.strip(), a.strip()) for p, a in pairs],
            actor=actor,
            reason=body.reason,
            assembly_id=body.assembly,
            lifts=lifts,
        )
    )
    return Created(id=str(rid))


@router.get("/resolutions/{resolution_id}", tags=["resolutions"])
def get_resolution(resolution_id: UUID, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.resolutions.get_resolution(resolution_id)


@router.post("/resolutions/{resolution_id}/decision", tags=["resolutions"])
def decide_resolution(
    resolution_id: UUID, body: ResultIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    result = result_from(body.yes_pct, body.yes_weight, body.no_weight, body.outcome)
    s.act(
        lambda e: e.app.resolutions.decide_resolution(
            resolution_id, result=result, actor=actor, reason=body.reason
        )
    )
    return result_dict(result)


class CorrectionIn(BaseModel):
    yes_pct: Annotated[
        str, Field(min_length=1, max_length=20, description="The right percentage, e.g. 93.4")
    ]
    reason: Reason


@router.post("/resolutions/{resolution_id}/decision/correction", tags=["resolutions"])
def correct_decision(
    resolution_id: UUID, body: CorrectionIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    """Correct a mistyped percentage of the recorded vote: effective when the vote was, recorded
    now, shown by the status as of then (and not by the status known at an earlier moment).
    A figure that would change the outcome is refused (409): that takes a new decision."""
    recorded = s.act(
        lambda e: e.app.resolutions.correct_decision(
            resolution_id, yes_pct=body.yes_pct, actor=actor, reason=body.reason
        )
    )
    return {"recorded": recorded}


@router.post("/resolutions/{resolution_id}/conditions/{number}", tags=["resolutions"])
def meet_condition(
    resolution_id: UUID,
    number: Annotated[int, Field(ge=1, le=100)],
    body: ConditionIn,
    s: ServerDep,
    actor: ActorDep,
) -> dict[str, Any]:
    recorded = s.act(
        lambda e: e.app.resolutions.meet_condition(
            resolution_id, number=number, evidence=body.evidence, actor=actor, reason=body.reason
        )
    )
    return {"recorded": recorded}


@router.post("/resolutions/{resolution_id}/conditions/{number}/revoke", tags=["resolutions"])
def revoke_condition(
    resolution_id: UUID,
    number: Annotated[int, Field(ge=1, le=100)],
    body: ConditionIn,
    s: ServerDep,
    actor: ActorDep,
) -> dict[str, Any]:
    """Revoke what was recorded about a condition (met or failed): it is open again."""
    recorded = s.act(
        lambda e: e.app.resolutions.revoke_condition(
            resolution_id, number=number, evidence=body.evidence, actor=actor, reason=body.reason
        )
    )
    return {"recorded": recorded}


@router.post("/resolutions/{resolution_id}/conditions/{number}/fail", tags=["resolutions"])
def declare_condition_failed(
    resolution_id: UUID,
    number: Annotated[int, Field(ge=1, le=100)],
    body: ConditionIn,
    s: ServerDep,
    actor: ActorDep,
) -> dict[str, Any]:
    """Declare a condition failed; the resolution's effect stays while it is."""
    recorded = s.act(
        lambda e: e.app.resolutions.declare_condition_failed(
            resolution_id, number=number, evidence=body.evidence, actor=actor, reason=body.reason
        )
    )
    return {"recorded": recorded}
