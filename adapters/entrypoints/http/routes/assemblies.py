"""General assemblies (ALV): convening, rescheduling, items, votes, holding and closing; the
members present, their proxies and each member's own vote."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import (
    Created,
    MemberCode,
    Moment,
    Reason,
    ReasonIn,
    ResultIn,
    Zone,
)
from adapters.inputs.results import result_dict, result_from
from adapters.inputs.timeparse import DEFAULT_TZ, parse_moment
from domain.assembly_tally import AssemblyChoice
from domain.general_assembly import MAX_PROXY_LIMIT, ItemKind

router = APIRouter(route_class=IdempotentRoute)


ProxyLimit = Annotated[
    int, Field(ge=0, le=MAX_PROXY_LIMIT, description="Most proxies one member may hold.")
]
ItemNumber = Annotated[int, Field(ge=1, le=1000)]


class AssemblyIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    date: Moment
    tz: Zone = DEFAULT_TZ
    proxy_limit: ProxyLimit | None = Field(None, description="Default 1 per holder.")
    reason: Reason


class AttendanceIn(BaseModel):
    members: Annotated[list[MemberCode], Field(min_length=1, max_length=400)]
    reason: Reason


class LeaveIn(BaseModel):
    member: MemberCode
    reason: Reason


class ProxyIn(BaseModel):
    from_member: MemberCode = Field(description="The member that authorises.")
    to_member: MemberCode = Field(description="The member that votes for it.")
    reason: Reason


class ProxyLimitIn(BaseModel):
    proxy_limit: ProxyLimit
    reason: Reason


class MemberVoteIn(BaseModel):
    member: MemberCode
    choice: Literal["yes", "no", "abstain"]
    reason: Reason


class RescheduleIn(BaseModel):
    date: Moment
    tz: Zone = DEFAULT_TZ
    reason: Reason


class ItemIn(BaseModel):
    kind: Literal["resolution", "motion", "ratification", "other"] = "other"
    title: Annotated[str, Field(min_length=1, max_length=300)]
    subject: UUID | None = None
    reason: Reason


@router.get("/assemblies", tags=["alv"])
def list_assemblies(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.assemblies.list_assemblies()


@router.post("/assemblies", tags=["alv"], status_code=201)
def convene(body: AssemblyIn, s: ServerDep, actor: ActorDep) -> Created:
    when = parse_moment(body.date, body.tz, what="date")
    aid = s.act(
        lambda e: e.app.assemblies.convene_assembly(
            title=body.title,
            held_on=when,
            actor=actor,
            reason=body.reason,
            proxy_limit=body.proxy_limit,
        )
    )
    return Created(id=str(aid))


@router.get("/assemblies/{assembly_id}", tags=["alv"])
def get_assembly(assembly_id: UUID, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.assemblies.get_assembly(assembly_id)


@router.post("/assemblies/{assembly_id}/reschedule", tags=["alv"])
def reschedule(
    assembly_id: UUID, body: RescheduleIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    when = parse_moment(body.date, body.tz, what="date")
    s.act(
        lambda e: e.app.assemblies.reschedule_assembly(
            assembly_id, held_on=when, timezone=body.tz, actor=actor, reason=body.reason
        )
    )
    return {"id": str(assembly_id), "held_on": when.isoformat()}


@router.post("/assemblies/{assembly_id}/items", tags=["alv"])
def add_item(assembly_id: UUID, body: ItemIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    number = s.act(
        lambda e: e.app.assemblies.add_agenda_item(
            assembly_id,
            kind=ItemKind(body.kind),
            title=body.title,
            subject_id=str(body.subject) if body.subject else "",
            actor=actor,
            reason=body.reason,
        )
    )
    return {"number": number}


@router.post("/assemblies/{assembly_id}/items/{number}/vote", tags=["alv"])
def vote(
    assembly_id: UUID,
    number: ItemNumber,
    body: ResultIn,
    s: ServerDep,
    actor: ActorDep,
) -> dict[str, Any]:
    result = result_from(body.yes_pct, body.yes_weight, body.no_weight, body.outcome)
    s.act(
        lambda e: e.app.assemblies.record_item_vote(
            assembly_id, number=number, result=result, actor=actor, reason=body.reason
        )
    )
    return {"item": number, **result_dict(result)}


@router.post("/assemblies/{assembly_id}/hold", tags=["alv"])
def hold(assembly_id: UUID, body: ReasonIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    s.act(lambda e: e.app.assemblies.hold_assembly(assembly_id, actor=actor, reason=body.reason))
    return {"held": True}


@router.post("/assemblies/{assembly_id}/close", tags=["alv"])
def close_assembly(
    assembly_id: UUID, body: ReasonIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    closed = s.act(
        lambda e: e.app.assemblies.close_assembly(assembly_id, actor=actor, reason=body.reason)
    )
    return {"closed": closed}


@router.post("/assemblies/{assembly_id}/attendance", tags=["alv"])
def attend(assembly_id: UUID, body: AttendanceIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    arrived = s.act(
        lambda e: e.app.assemblies.record_attendance(
            assembly_id, members=body.members, actor=actor, reason=body.reason
        )
    )
    return {"present": arrived}


@router.post("/assemblies/{assembly_id}/leave", tags=["alv"])
def leave(assembly_id: UUID, body: LeaveIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    s.act(
        lambda e: e.app.assemblies.record_leaving(
            assembly_id, member=body.member, actor=actor, reason=body.reason
        )
    )
    return {"left": body.member.upper()}


@router.post("/assemblies/{assembly_id}/proxies", tags=["alv"])
def give_proxy(assembly_id: UUID, body: ProxyIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    s.act(
        lambda e: e.app.assemblies.record_proxy(
            assembly_id,
            giver=body.from_member,
            holder=body.to_member,
            actor=actor,
            reason=body.reason,
        )
    )
    return {"from": body.from_member.upper(), "to": body.to_member.upper()}


@router.post("/assemblies/{assembly_id}/proxy-limit", tags=["alv"])
def set_proxy_limit(
    assembly_id: UUID, body: ProxyLimitIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    changed = s.act(
        lambda e: e.app.assemblies.set_proxy_limit(
            assembly_id, limit=body.proxy_limit, actor=actor, reason=body.reason
        )
    )
    return {"proxy_limit": body.proxy_limit, "changed": changed}


@router.post("/assemblies/{assembly_id}/items/{number}/member-votes", tags=["alv"])
def member_vote(
    assembly_id: UUID,
    number: ItemNumber,
    body: MemberVoteIn,
    s: ServerDep,
    actor: ActorDep,
) -> dict[str, Any]:
    choice = AssemblyChoice(body.choice)
    recorded = s.act(
        lambda e: e.app.assemblies.record_member_vote(
            assembly_id,
            number=number,
            member=body.member,
            choice=choice,
            actor=actor,
            reason=body.reason,
        )
    )
    return {
        "item": number,
        "member": body.member.upper(),
        "choice": choice.value,
        "recorded": recorded,
    }


@router.post("/assemblies/{assembly_id}/items/{number}/close", tags=["alv"])
def close_item(
    assembly_id: UUID, number: ItemNumber, body: ReasonIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    counted: dict[str, Any] = s.act(
        lambda e: e.app.assemblies.count_item_votes(
            assembly_id, number=number, actor=actor, reason=body.reason
        )
    )
    return counted
