"""Conditional signings of an agreement by a party."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import Created, Reason

router = APIRouter(route_class=IdempotentRoute)


class SigningIn(BaseModel):
    party: Annotated[str, Field(max_length=80)]
    agreement: Annotated[str, Field(max_length=16)]
    conditions: list[Annotated[str, Field(max_length=500)]] = Field(min_length=1, max_length=20)
    reason: Reason


@router.get("/signings", tags=["signings"])
def list_signings(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.signings.list_signings()


@router.post("/signings", tags=["signings"], status_code=201)
def sign(body: SigningIn, s: ServerDep, actor: ActorDep) -> Created:
    sid = s.act(
        lambda e: e.app.signings.sign_conditionally(
            party=body.party,
            agreement=body.agreement,
            conditions=body.conditions,
            actor=actor,
            reason=body.reason,
        )
    )
    return Created(id=str(sid))


@router.get("/signings/{signing_id}", tags=["signings"])
def get_signing(signing_id: UUID, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.signings.get_signing(signing_id)
