"""Implementation tests (UDO): commissioning, participants, points, process agreements,
completion and presentation."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import Created, MemberCode, Reason, Text

router = APIRouter(route_class=IdempotentRoute)


class UdoIn(BaseModel):
    agreement: Annotated[str, Field(max_length=16)]
    title: Annotated[str, Field(min_length=1, max_length=300)]
    executed_by: list[Annotated[str, Field(max_length=80)]] = Field(
        default_factory=list, max_length=20
    )
    reason: Reason


class ParticipantsIn(BaseModel):
    members: list[MemberCode] = Field(min_length=1, max_length=400)
    reason: Reason


class PointIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    description: Text = ""
    reason: Reason


class ProcessAgreementIn(BaseModel):
    parties: list[Annotated[str, Field(max_length=80)]] = Field(min_length=1, max_length=20)
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    reason: Reason


class CompleteIn(BaseModel):
    summary: Text = ""
    reason: Reason


class PresentIn(BaseModel):
    reference: Annotated[str, Field(min_length=1, max_length=200)]
    reason: Reason


@router.get("/udos", tags=["udo"])
def list_udos(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.udos.list_udos()


@router.post("/udos", tags=["udo"], status_code=201)
def commission_udo(body: UdoIn, s: ServerDep, actor: ActorDep) -> Created:
    uid = s.act(
        lambda e: e.app.udos.commission_udo(
            agreement=body.agreement,
            title=body.title,
            executed_by=body.executed_by,
            actor=actor,
            reason=body.reason,
        )
    )
    return Created(id=str(uid))


@router.get("/udos/{udo_id}", tags=["udo"])
def get_udo(udo_id: UUID, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.udos.get_udo(udo_id)


@router.post("/udos/{udo_id}/participants", tags=["udo"])
def add_participants(
    udo_id: UUID, body: ParticipantsIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    added = s.act(
        lambda e: e.app.udos.add_udo_participants(
            udo_id, members=[m.upper() for m in body.members], actor=actor, reason=body.reason
        )
    )
    return {"added": added}


@router.post("/udos/{udo_id}/points", tags=["udo"])
def record_point(udo_id: UUID, body: PointIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    number = s.act(
        lambda e: e.app.udos.record_critical_point(
            udo_id, title=body.title, description=body.description, actor=actor, reason=body.reason
        )
    )
    return {"number": number}


@router.post("/udos/{udo_id}/points/{point}/agreements", tags=["udo"])
def record_process_agreement(
    udo_id: UUID,
    point: Annotated[int, Field(ge=1, le=100)],
    body: ProcessAgreementIn,
    s: ServerDep,
    actor: ActorDep,
) -> dict[str, Any]:
    s.act(
        lambda e: e.app.udos.record_process_agreement(
            udo_id,
            point=point,
            parties=body.parties,
            text=body.text,
            actor=actor,
            reason=body.reason,
        )
    )
    return {"point": point}


@router.post("/udos/{udo_id}/complete", tags=["udo"])
def complete_udo(udo_id: UUID, body: CompleteIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    s.act(
        lambda e: e.app.udos.complete_udo(
            udo_id, summary=body.summary, actor=actor, reason=body.reason
        )
    )
    return {"completed": True}


@router.post("/udos/{udo_id}/present", tags=["udo"])
def present_udo(udo_id: UUID, body: PresentIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    s.act(
        lambda e: e.app.udos.present_udo(
            udo_id, reference=body.reference, actor=actor, reason=body.reason
        )
    )
    return {"presented": True}
