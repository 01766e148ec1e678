"""Consultations: opening, ballots with their receipts, the tally (sealed while secret),
explanations, closing, extending and cancelling."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field

from adapters.audit.receipts import cast_receipt
from adapters.entrypoints.http.context import ActorDep, ServerDep
from adapters.entrypoints.http.documented import refusals
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.entrypoints.http.routes.fields import (
    Created,
    MemberCode,
    MemberPath,
    Moment,
    Reason,
    ReasonIn,
    Zone,
)
from adapters.inputs.timeparse import DEFAULT_TZ, parse_moment
from adapters.readmodels.queries import BallotSecrecy
from domain.actor import Role
from domain.errors import NotAllowedError, UnknownConsultationError
from domain.weights import WeightRule

router = APIRouter(route_class=IdempotentRoute)


class ConsultationIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    question: Annotated[str, Field(min_length=1, max_length=2000)]
    closes: Moment
    opens: Moment | None = None
    tz: Zone = DEFAULT_TZ
    agreements: list[Annotated[str, Field(max_length=16)]] = Field(
        default_factory=list, max_length=20
    )
    weight_rule: Literal["ceil", "floor", "nearest"] = "ceil"
    population_year: Annotated[int, Field(ge=1800, le=2200)] = 2024
    tally_visibility: Literal["officers", "everyone"] = Field(
        "officers",
        description="Who sees the interim tally while the consultation is open: officers (with "
        "the board and auditors) or every member's secretary too. After the close everyone does.",
    )
    reason: Reason


class BallotIn(BaseModel):
    member: MemberCode
    choice: Literal["yes", "no"]
    explanation: Annotated[str, Field(max_length=4000)] = ""


class CloseIn(BaseModel):
    reason: Annotated[str, Field(max_length=2000)] = ""


class ExtendIn(BaseModel):
    closes: Moment
    tz: Zone = DEFAULT_TZ
    reason: Reason
    # Extend at or past the ratification's date on purpose (recorded, with the reason).
    confirm_conflict: bool = False


@router.get("/consultations", tags=["consultations"])
def list_consultations(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.consultations.list_consultations()


@router.post("/consultations", tags=["consultations"], status_code=201)
def open_consultation(body: ConsultationIn, s: ServerDep, actor: ActorDep) -> Created:
    closes = parse_moment(body.closes, body.tz, what="closes")
    opens = parse_moment(body.opens, body.tz, what="opens") if body.opens else None
    cid = s.act(
        lambda e: e.app.consultations.open_consultation(
            title=body.title,
            question=body.question,
            agreements=body.agreements,
            closes_at=closes,
            opens_at=opens,
            timezone=body.tz,
            weight_rule=WeightRule(body.weight_rule),
            population_year=body.population_year,
            tally_visibility=body.tally_visibility,
            actor=actor,
            reason=body.reason,
        )
    )
    return Created(id=str(cid))


@router.get("/consultations/{consultation_id}", tags=["consultations"])
def get_consultation(consultation_id: UUID, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.consultations.get_consultation(consultation_id)


@router.post("/consultations/{consultation_id}/ballots", tags=["consultations"])
def cast_ballot(
    consultation_id: UUID, body: BallotIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    """Cast or re-cast; the answer carries the standing ballot's receipt (its leaf in the signed
    Merkle tree over the log, with the inclusion proof once a signed head covers it)."""
    member = body.member.upper()
    recorded = s.act(
        lambda e: e.app.consultations.cast_ballot(
            consultation_id,
            member=member,
            choice=body.choice,
            explanation=body.explanation,
            actor=actor,
        )
    )
    return {
        "recorded": recorded,
        # From the event store itself: the read models, just brought up to date by `act`,
        # play no part in a receipt.
        "receipt": cast_receipt(s.engine.app.recorder, consultation_id, member),
    }


@router.get(
    "/consultations/{consultation_id}/receipts/{member}",
    tags=["consultations"],
    responses=refusals(403),
)
def get_receipt(
    consultation_id: UUID, member: MemberPath, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    """The receipt of a member's standing ballot: for that member's secretary, officers and
    auditors (`akkoord audit check-receipt` checks it offline with the public key)."""
    code = member.upper()
    if actor.role is Role.SECRETARY:
        if actor.identity != code:
            raise NotAllowedError(f"{actor} may read the receipts of {actor.identity} only")
    else:
        actor.require(Role.OFFICER, Role.AUDITOR, doing="read another member's ballot receipt")
    e = s.read()
    e.app.consultations.get_consultation(consultation_id)
    return cast_receipt(e.app.recorder, consultation_id, code)


class TallySealedError(NotAllowedError):
    code = "tally_sealed"


@router.get(
    "/consultations/{consultation_id}/tally", tags=["consultations"], responses=refusals(403)
)
def get_tally(consultation_id: UUID, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    """The tally; while open, for a secretary only if the consultation was opened with
    `tally_visibility: everyone`."""
    e = s.read()
    if actor.role is Role.SECRETARY and e.app.consultations.tally_sealed(consultation_id):
        raise TallySealedError(
            "the interim tally is for officers until the consultation closes "
            "(it was opened with tally_visibility: officers)"
        )
    tally = e.views.tally(str(consultation_id))
    if tally is None:
        raise UnknownConsultationError(f"unknown consultation {consultation_id}")
    provinces = e.views.tally_by_province(str(consultation_id))
    synthetic = e.app.consultations.get_consultation(consultation_id)["synthetic_note"]
    return {
        "consultation_id": str(consultation_id),
        # A result from simulated ballots says so wherever it goes.
        "synthetic": bool(synthetic),
        "synthetic_note": synthetic,
        **tally.as_dict(),
        "provinces": {p: t.as_dict() for p, t in provinces.items()},
    }


@router.get("/consultations/{consultation_id}/explanations", tags=["consultations"])
def get_explanations(consultation_id: UUID, s: ServerDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Explanations of the ballots; while open, a secretary sees only its own member's."""
    e = s.read()
    e.app.consultations.get_consultation(consultation_id)
    rows = e.views.explanations(str(consultation_id))
    return BallotSecrecy(e.app, actor).explanations(str(consultation_id), rows)


@router.post("/consultations/{consultation_id}/close", tags=["consultations"])
def close_consultation(
    consultation_id: UUID, body: CloseIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    closed = s.act(
        lambda e: e.app.consultations.close_consultation(
            consultation_id, actor=actor, reason=body.reason
        )
    )
    return {"closed": closed}


@router.post("/consultations/{consultation_id}/extend", tags=["consultations"])
def extend_consultation(
    consultation_id: UUID, body: ExtendIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    closes = parse_moment(body.closes, body.tz, what="closes")
    s.act(
        lambda e: e.app.consultations.extend_consultation(
            consultation_id,
            closes_at=closes,
            actor=actor,
            reason=body.reason,
            confirm_conflict=body.confirm_conflict,
        )
    )
    return {"closes_at": closes.isoformat()}


@router.post("/consultations/{consultation_id}/cancel", tags=["consultations"])
def cancel_consultation(
    consultation_id: UUID, body: ReasonIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    s.act(
        lambda e: e.app.consultations.cancel_consultation(
            consultation_id, actor=actor, reason=body.reason
        )
    )
    return {"cancelled": True}
