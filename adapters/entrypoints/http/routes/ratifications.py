"""Board ratifications: scheduling (one per consultation), rescheduling, deciding and
communicating the decision."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import Created, Moment, Reason, Text, Zone
from adapters.inputs.timeparse import DEFAULT_TZ, parse_moment
from domain.board_ratification import Decision

router = APIRouter(route_class=IdempotentRoute)


class RatificationIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    date: Moment
    tz: Zone = DEFAULT_TZ
    consultation: UUID
    agreements: list[Annotated[str, Field(max_length=16)]] = Field(min_length=1, max_length=20)
    signings: list[UUID] = Field(default_factory=list, max_length=20)
    party: Annotated[str, Field(max_length=80)] = "VNG"
    reason: Reason
    # Date it at or before the consultation's close on purpose (recorded, with the reason).
    confirm_conflict: bool = False


class RescheduleIn(BaseModel):
    date: Moment
    tz: Zone = DEFAULT_TZ
    reason: Reason
    confirm_conflict: bool = False


class DecisionIn(BaseModel):
    decision: Literal["ratify", "reject", "refer"]
    rationale: Text = ""
    assembly: UUID | None = None
    reason: Reason


class CommunicateIn(BaseModel):
    reference: Annotated[str, Field(min_length=1, max_length=200)]
    to: list[Annotated[str, Field(max_length=80)]] = Field(
        default_factory=lambda: ["members", "partners"], max_length=20
    )
    reason: Reason


@router.get("/ratifications", tags=["board"])
def list_ratifications(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.ratifications.list_ratifications()


@router.post("/ratifications", tags=["board"], status_code=201)
def schedule_ratification(body: RatificationIn, s: ServerDep, actor: ActorDep) -> Created:
    when = parse_moment(body.date, body.tz, what="date")
    rid = s.act(
        lambda e: e.app.ratifications.schedule_ratification(
            title=body.title,
            scheduled_for=when,
            timezone=body.tz,
            consultation_id=body.consultation,
            party=body.party,
            agreements=body.agreements,
            signing_ids=body.signings,
            actor=actor,
            reason=body.reason,
            confirm_conflict=body.confirm_conflict,
        )
    )
    return Created(id=str(rid))


@router.post("/ratifications/{ratification_id}/reschedule", tags=["board"])
def reschedule_ratification(
    ratification_id: UUID, body: RescheduleIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    when = parse_moment(body.date, body.tz, what="date")
    s.act(
        lambda e: e.app.ratifications.reschedule_ratification(
            ratification_id,
            scheduled_for=when,
            timezone=body.tz,
            actor=actor,
            reason=body.reason,
            confirm_conflict=body.confirm_conflict,
        )
    )
    return {"id": str(ratification_id), "scheduled_for": when.isoformat()}


@router.get("/ratifications/{ratification_id}", tags=["board"])
def get_ratification(ratification_id: UUID, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.ratifications.get_ratification(ratification_id)


@router.post("/ratifications/{ratification_id}/decision", tags=["board"])
def decide_ratification(
    ratification_id: UUID, body: DecisionIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    late = s.act(
        lambda e: e.app.ratifications.decide_ratification(
            ratification_id,
            decision=Decision(body.decision),
            rationale=body.rationale,
            actor=actor,
            reason=body.reason,
            assembly_id=body.assembly,
        )
    )
    return {"decision": body.decision, "late": late}


@router.post("/ratifications/{ratification_id}/communicate", tags=["board"])
def communicate(
    ratification_id: UUID, body: CommunicateIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    s.act(
        lambda e: e.app.ratifications.communicate_ratification(
            ratification_id, to=body.to, reference=body.reference, actor=actor, reason=body.reason
        )
    )
    return {"communicated": body.to}
