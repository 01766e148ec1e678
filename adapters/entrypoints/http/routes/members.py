"""Members: the register of municipalities, its loading from the CBS file, and its changes
through time (mergers, splits, renames)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import (
    AS_OF_PATTERN,
    MemberCode,
    MemberPath,
    Reason,
    Zone,
)
from adapters.inputs.effective_dates import parse_effective
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.inputs.timeparse import DEFAULT_TZ, parse_as_of
from domain.errors import InvalidInputError

router = APIRouter(route_class=IdempotentRoute)


class MembersLoadIn(BaseModel):
    reason: Reason


Effective = Annotated[
    str,
    Field(
        pattern=AS_OF_PATTERN,
        max_length=40,
        description="The day the change takes effect (2023-01-01: the start of that day in tz), "
        "or a date-time.",
    ),
]
Name = Annotated[str, Field(max_length=200)]


class MergeIn(BaseModel):
    predecessors: list[MemberCode] = Field(
        min_length=2,
        max_length=50,
        description="The merging municipalities; the surviving code too if it stays.",
    )
    successor: MemberCode
    name: Name = ""
    province: Name = ""
    effective: Effective
    tz: Zone = DEFAULT_TZ
    reason: Reason


class SplitIn(BaseModel):
    predecessor: MemberCode
    successors: list[MemberCode] = Field(min_length=2, max_length=50)
    names: dict[MemberCode, Name] = Field(
        default_factory=dict, max_length=50, description="Names of successors not registered."
    )
    effective: Effective
    tz: Zone = DEFAULT_TZ
    reason: Reason


class RenameIn(BaseModel):
    code: MemberCode
    successor: MemberCode
    name: Annotated[str, Field(min_length=1, max_length=200)]
    province: Name = ""
    effective: Effective
    tz: Zone = DEFAULT_TZ
    reason: Reason


@router.get("/members", tags=["members"])
def list_members(
    s: ServerDep,
    _: ActorDep,
    as_of: Annotated[
        str | None,
        Query(
            pattern=AS_OF_PATTERN,
            max_length=40,
            description="The register at this moment (a date: the end of that day, "
            "Europe/Amsterdam); default: now.",
        ),
    ] = None,
    everyone: Annotated[
        bool,
        Query(
            alias="all",
            description="Every member ever registered, ended ones and later ones too "
            "(not with as_of).",
        ),
    ] = False,
) -> list[dict[str, Any]]:
    moment = parse_as_of(as_of) if as_of else None
    if moment is not None and everyone:
        raise InvalidInputError("give as_of or all, not both")
    return s.read().app.members.list_members(as_of=moment, everyone=everyone)


@router.get("/members/{code}", tags=["members"])
def get_member(code: MemberPath, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.members.get_member(code.upper())


@router.post("/members/load", tags=["members"])
def load_members(body: MembersLoadIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    facts = read_members_csv(shipped_members_path())
    return s.act(
        lambda e: e.app.members.load_members(facts, actor=actor, reason=body.reason)
    ).as_dict()


@router.post("/members/merge", tags=["members"])
def merge_members(body: MergeIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    """Record a merger: the predecessors end on the effective date; the successor survives
    (one of them), is established (a new code) or begins then (registered ahead)."""
    effective = parse_effective(body.effective, body.tz, what="effective")
    return s.act(
        lambda e: e.app.members.merge_members(
            predecessors=[c.upper() for c in body.predecessors],
            successor=body.successor.upper(),
            name=body.name,
            province=body.province,
            effective=effective,
            actor=actor,
            reason=body.reason,
        )
    )


@router.post("/members/split", tags=["members"])
def split_member(body: SplitIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    """Record a split: the municipality ends; registered successors continue, new ones are
    established under the names given."""
    effective = parse_effective(body.effective, body.tz, what="effective")
    return s.act(
        lambda e: e.app.members.split_member(
            predecessor=body.predecessor.upper(),
            successors=[c.upper() for c in body.successors],
            names={k.strip().upper(): v for k, v in body.names.items()},
            effective=effective,
            actor=actor,
            reason=body.reason,
        )
    )


@router.post("/members/rename", tags=["members"])
def rename_member(body: RenameIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    """Record a rename under a new CBS code: the old code ends, the new one begins."""
    effective = parse_effective(body.effective, body.tz, what="effective")
    return s.act(
        lambda e: e.app.members.rename_member(
            code=body.code.upper(),
            successor=body.successor.upper(),
            name=body.name,
            province=body.province,
            effective=effective,
            actor=actor,
            reason=body.reason,
        )
    )
