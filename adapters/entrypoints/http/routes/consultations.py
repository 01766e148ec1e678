"""Consultations: opening, ballots with their receipts, the tally (sealed while secret),
explanations, closing, extending and cancelling."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from adapters.audit.receipts import cast_receipt, receipt_after_cast
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
from adapters.readmodels.consultation_results import (
    NON_VOTER_COLUMNS,
    VOTE_COLUMNS,
    non_voters,
    published_votes,
    rows_csv,
    tally_result,
)
from adapters.readmodels.queries import BallotSecrecy
from domain.actor import Role
from domain.errors import NotAllowedError
from domain.voting_rules import DEFAULT_OPTIONS, DEFAULT_TURNOUT_WARNING, MAX_OPTIONS, VotingRules
from domain.weights import WeightRule
from workflows.base import saved_notifications

router = APIRouter(route_class=IdempotentRoute)

OptionName = Annotated[str, Field(min_length=1, max_length=40)]
Percentage = Annotated[float, Field(gt=0, le=100)]


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
    options: list[OptionName] = Field(
        default_factory=lambda: list(DEFAULT_OPTIONS),
        min_length=2,
        max_length=MAX_OPTIONS,
        description="The answers: yes/no by default; `blank` is a blank vote (it counts for "
        "turnout and a quorum, not in the percentages); or options of your own, e.g. A, B, C.",
    )
    tie_rule: Literal["negative", "undecided"] = Field(
        "negative",
        description="negative: a tie is not a majority in favour (with options: none is "
        "chosen); undecided: the advice says the vote tied.",
    )
    quorum_members: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        0, description="At least this many members must vote (0: no quorum in members)."
    )
    quorum_weight_pct: Percentage | None = Field(
        None, description="At least this share of the weight must vote (null: none)."
    )
    turnout_warning_pct: Percentage | None = Field(
        float(DEFAULT_TURNOUT_WARNING),
        description="The advice warns of a low turnout below this share of the weight "
        "(null: never).",
    )
    reason: Reason

    def rules(self) -> VotingRules:
        return VotingRules.make(
            options=self.options,
            tie_rule=self.tie_rule,
            quorum_members=self.quorum_members,
            quorum_weight_pct=self.quorum_weight_pct,
            turnout_warning_pct=self.turnout_warning_pct,
        )


class BallotIn(BaseModel):
    member: MemberCode
    choice: OptionName = Field(description="yes or no, or one of the consultation's options.")
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
    rules = body.rules()
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
            rules=rules,
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
    with saved_notifications() as saved:
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
        # From the event store itself (the event as the cast stored it): the read models, just
        # brought up to date by `act`, play no part in a receipt.
        "receipt": receipt_after_cast(s.engine.app.recorder, consultation_id, member, saved),
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
    """The tally with the voting rules recorded at the opening and the outcome they give
    (advice, turnout, quorum, tie, low-turnout warning); while open, for a secretary only if the
    consultation was opened with `tally_visibility: everyone`."""
    e = s.read()
    if actor.role is Role.SECRETARY and e.app.consultations.tally_sealed(consultation_id):
        raise TallySealedError(
            "the interim tally is for officers until the consultation closes "
            "(it was opened with tally_visibility: officers)"
        )
    # A result from simulated ballots says so wherever it goes (`synthetic`).
    return tally_result(e.app, e.views, consultation_id)


_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}
FormatQuery = Annotated[
    Literal["json", "csv"], Query(description="json (default) or csv (a header row first).")
]


def _rows(rows: list[dict[str, Any]], columns: tuple[str, ...], fmt: str) -> Any:
    if fmt == "csv":
        return Response(rows_csv(rows, columns), media_type="text/csv; charset=utf-8")
    return rows


@router.get(
    "/consultations/{consultation_id}/non-voters",
    tags=["consultations"],
    responses={**refusals(403), **_CSV},
)
def get_non_voters(
    consultation_id: UUID, s: ServerDep, actor: ActorDep, format: FormatQuery = "json"
) -> list[dict[str, Any]]:
    """The members that have not voted (yet), by code: for officers, the board and auditors."""
    e = s.read()
    result: list[dict[str, Any]] = _rows(
        non_voters(e.app, e.views, consultation_id, actor), NON_VOTER_COLUMNS, format
    )
    return result


@router.get(
    "/consultations/{consultation_id}/votes",
    tags=["consultations"],
    responses={**refusals(403), **_CSV},
)
def get_votes(
    consultation_id: UUID, s: ServerDep, _: ActorDep, format: FormatQuery = "json"
) -> list[dict[str, Any]]:
    """Each municipality's vote (`choice` null: did not vote), for every role once the
    consultation has closed; refused (403 votes_sealed) before it."""
    e = s.read()
    result: list[dict[str, Any]] = _rows(
        published_votes(e.app, e.views, consultation_id), VOTE_COLUMNS, format
    )
    return result


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
