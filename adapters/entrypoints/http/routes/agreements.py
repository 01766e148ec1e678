"""Agreements: registering them and each party's status."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import Reason, Text
from domain.agreement import PartyStatus

router = APIRouter(route_class=IdempotentRoute)


class AgreementIn(BaseModel):
    code: Annotated[str, Field(max_length=16)]
    name: Annotated[str, Field(max_length=80)]
    full_name: Annotated[str, Field(max_length=200)]
    term: Annotated[str, Field(max_length=40)] = ""
    parties: list[Annotated[str, Field(max_length=80)]] = Field(max_length=100)
    involved: list[Annotated[str, Field(max_length=80)]] = Field(
        default_factory=list, max_length=100
    )
    supplements: Annotated[str | None, Field(max_length=16)] = None
    continues: Annotated[str | None, Field(max_length=16)] = None
    reason: Reason


class PartyStatusIn(BaseModel):
    parties: list[Annotated[str, Field(max_length=80)]] = Field(min_length=1, max_length=100)
    status: Annotated[str, Field(max_length=40)]
    detail: Text = ""
    reason: Reason


@router.get("/agreements", tags=["agreements"])
def list_agreements(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.agreements.list_agreements()


@router.post("/agreements", tags=["agreements"], status_code=201)
def register_agreement(body: AgreementIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    relations = [{"kind": "supplements", "agreement": body.supplements}] if body.supplements else []
    if body.continues:
        relations.append({"kind": "continues participation in", "agreement": body.continues})
    code = s.act(
        lambda e: e.app.agreements.register_agreement(
            code=body.code,
            name=body.name,
            full_name=body.full_name,
            term=body.term,
            signing_parties=body.parties,
            involved_parties=body.involved,
            relations=relations,
            actor=actor,
            reason=body.reason,
        )
    )
    return {"code": code}


@router.get("/agreements/{code}", tags=["agreements"])
def get_agreement(
    code: Annotated[str, Field(max_length=16)], s: ServerDep, _: ActorDep
) -> dict[str, Any]:
    return s.read().app.agreements.get_agreement(code)


@router.post("/agreements/{code}/status", tags=["agreements"])
def change_status(
    code: Annotated[str, Field(max_length=16)], body: PartyStatusIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    status = PartyStatus.parse(body.status)
    moved = s.act(
        lambda e: e.app.agreements.change_party_status(
            code,
            parties=body.parties,
            status=status,
            actor=actor,
            reason=body.reason,
            detail=body.detail,
        )
    )
    return {"changed": moved}
