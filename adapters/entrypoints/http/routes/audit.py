"""The audit trail over HTTP: verifying the chain and the signed heads, and the checkpoint."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from adapters.audit.chain import chained
from adapters.audit.transparency import verify_store
from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.documented import refusals
from adapters.entrypoints.http.idempotent import IdempotentRoute
from domain.actor import Role

router = APIRouter(route_class=IdempotentRoute)


@router.get("/audit/verify", tags=["audit"], responses=refusals(403))
def audit_verify(
    s: ServerDep, actor: ActorDep, expect: Annotated[str | None, Query(max_length=64)] = None
) -> dict[str, Any]:
    actor.require(Role.AUDITOR, Role.OFFICER, Role.BOARD, doing="verify the log")
    return verify_store(chained(s.read().app.recorder), expected=expect).as_dict()


@router.get("/audit/checkpoint", tags=["audit"])
def audit_checkpoint(s: ServerDep, _: ActorDep) -> dict[str, Any]:
    position, head = chained(s.read().app.recorder).chain_head()
    return {"position": position, "hash": head}
