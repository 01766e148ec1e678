"""Members: the register of municipalities and its loading from the CBS file."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import MemberPath, Reason
from adapters.inputs.members_csv import read_members_csv, shipped_members_path

router = APIRouter(route_class=IdempotentRoute)


class MembersLoadIn(BaseModel):
    reason: Reason


@router.get("/members", tags=["members"])
def list_members(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.members.list_members()


@router.get("/members/{code}", tags=["members"])
def get_member(code: MemberPath, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.members.get_member(code.upper())


@router.post("/members/load", tags=["members"])
def load_members(body: MembersLoadIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    facts = read_members_csv(shipped_members_path())
    return s.act(
        lambda e: e.app.members.load_members(facts, actor=actor, reason=body.reason)
    ).as_dict()
