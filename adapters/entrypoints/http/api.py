"""The JSON API: every command and query the CLI has, behind bearer tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from adapters.audit.chain import (
    chained,
)
from adapters.audit.receipts import cast_receipt
from adapters.audit.transparency import verify_store
from adapters.entrypoints.http.context import Server, current_actor, server
from adapters.entrypoints.http.documented import refusals
from adapters.entrypoints.http.idempotent import IdempotentRoute
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.inputs.results import result_dict, result_from
from adapters.inputs.timeparse import DEFAULT_TZ, parse_as_of, parse_moment
from adapters.readmodels.queries import (
    BallotSecrecy,
    actions_for,
    deadline_rows,
    deadline_state,
    log_entries,
    status_as_of,
    timeline_rows,
)
from domain.actor import Actor, Role
from domain.agreement import PartyStatus
from domain.board_ratification import Decision
from domain.errors import NotAllowedError, UnknownConsultationError
from domain.general_assembly import ItemKind
from domain.resolution import ResolutionKind
from domain.weights import WeightRule

router = APIRouter(prefix="/api", route_class=IdempotentRoute)
ActorDep = Annotated[Actor, Depends(current_actor)]
ServerDep = Annotated[Server, Depends(server)]
Reason = Annotated[str, Field(min_length=1, max_length=2000, description="Why (recorded).")]
Text = Annotated[str, Field(max_length=2000)]
MEMBER_PATTERN = r"^[Gg][Mm][0-9]{4}$"  # any case: the server upper-cases it
# ISO 8601 date and time (minutes at least), optionally with an offset; parse_moment then
# refuses a time the zone does not have.
MOMENT_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
AS_OF_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?)?$"
)
ZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+/-]{0,63}$"
Moment = Annotated[
    str, Field(pattern=MOMENT_PATTERN, max_length=40, description="e.g. 2025-10-22T16:00")
]
Zone = Annotated[
    str, Field(pattern=ZONE_PATTERN, max_length=64, description="IANA zone, e.g. Europe/Amsterdam")
]
MemberCode = Annotated[
    str,
    Field(
        pattern=MEMBER_PATTERN,
        max_length=6,
        description="CBS municipality code, e.g. GM0363",
    ),
]
MemberPath = Annotated[
    str, Path(pattern=MEMBER_PATTERN, max_length=6, description="CBS code, e.g. GM0363")
]


class Created(BaseModel):
    id: str


class ResultIn(BaseModel):
    yes_pct: str | None = Field(None, max_length=20)
    yes_weight: int | None = Field(None, ge=0, le=10**9)
    no_weight: int | None = Field(None, ge=0, le=10**9)
    outcome: Literal["adopted", "rejected"] | None = None
    reason: Reason


# Members ---------------------------------------------------------------------------------


class MembersLoadIn(BaseModel):
    reason: Reason


@router.get("/members", tags=["members"])
def list_members(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.list_members()


@router.get("/members/{code}", tags=["members"])
def get_member(code: MemberPath, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.get_member(code.upper())


@router.post("/members/load", tags=["members"])
def load_members(body: MembersLoadIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    facts = read_members_csv(shipped_members_path())
    return s.act(lambda e: e.app.load_members(facts, actor=actor, reason=body.reason)).as_dict()


# Consultations ----------------------------------------------------------------------------


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


class ReasonIn(BaseModel):
    reason: Reason


@router.get("/consultations", tags=["consultations"])
def list_consultations(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.list_consultations()


@router.post("/consultations", tags=["consultations"], status_code=201)
def open_consultation(body: ConsultationIn, s: ServerDep, actor: ActorDep) -> Created:
    closes = parse_moment(body.closes, body.tz, what="closes")
    opens = parse_moment(body.opens, body.tz, what="opens") if body.opens else None
    cid = s.act(
        lambda e: e.app.open_consultation(
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
    return s.read().app.get_consultation(consultation_id)


@router.post("/consultations/{consultation_id}/ballots", tags=["consultations"])
def cast_ballot(
    consultation_id: UUID, body: BallotIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    """Cast or re-cast; the answer carries the standing ballot's receipt (its leaf in the signed
    Merkle tree over the log, with the inclusion proof once a signed head covers it)."""
    member = body.member.upper()
    recorded = s.act(
        lambda e: e.app.cast_ballot(
            consultation_id,
            member=member,
            choice=body.choice,
            explanation=body.explanation,
            actor=actor,
        )
    )
    return {
        "recorded": recorded,
        "receipt": cast_receipt(s.read().app.recorder, consultation_id, member),
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
    e.app.get_consultation(consultation_id)
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
    if actor.role is Role.SECRETARY and e.app.tally_sealed(consultation_id):
        raise TallySealedError(
            "the interim tally is for officers until the consultation closes "
            "(it was opened with tally_visibility: officers)"
        )
    tally = e.views.tally(str(consultation_id))
    if tally is None:
        raise UnknownConsultationError(f"unknown consultation {consultation_id}")
    provinces = e.views.tally_by_province(str(consultation_id))
    return {
        "consultation_id": str(consultation_id),
        **tally.as_dict(),
        "provinces": {p: t.as_dict() for p, t in provinces.items()},
    }


@router.get("/consultations/{consultation_id}/explanations", tags=["consultations"])
def get_explanations(consultation_id: UUID, s: ServerDep, actor: ActorDep) -> list[dict[str, Any]]:
    """Explanations of the ballots; while open, a secretary sees only its own member's."""
    e = s.read()
    e.app.get_consultation(consultation_id)
    rows = e.views.explanations(str(consultation_id))
    return BallotSecrecy(e.app, actor).explanations(str(consultation_id), rows)


@router.post("/consultations/{consultation_id}/close", tags=["consultations"])
def close_consultation(
    consultation_id: UUID, body: CloseIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    closed = s.act(
        lambda e: e.app.close_consultation(consultation_id, actor=actor, reason=body.reason)
    )
    return {"closed": closed}


@router.post("/consultations/{consultation_id}/extend", tags=["consultations"])
def extend_consultation(
    consultation_id: UUID, body: ExtendIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    closes = parse_moment(body.closes, body.tz, what="closes")
    s.act(
        lambda e: e.app.extend_consultation(
            consultation_id, closes_at=closes, actor=actor, reason=body.reason
        )
    )
    return {"closes_at": closes.isoformat()}


@router.post("/consultations/{consultation_id}/cancel", tags=["consultations"])
def cancel_consultation(
    consultation_id: UUID, body: ReasonIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    s.act(lambda e: e.app.cancel_consultation(consultation_id, actor=actor, reason=body.reason))
    return {"cancelled": True}


# Agreements ------------------------------------------------------------------------------


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
    return s.read().app.list_agreements()


@router.post("/agreements", tags=["agreements"], status_code=201)
def register_agreement(body: AgreementIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    relations = [{"kind": "supplements", "agreement": body.supplements}] if body.supplements else []
    if body.continues:
        relations.append({"kind": "continues participation in", "agreement": body.continues})
    code = s.act(
        lambda e: e.app.register_agreement(
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
    return s.read().app.get_agreement(code)


@router.post("/agreements/{code}/status", tags=["agreements"])
def change_status(
    code: Annotated[str, Field(max_length=16)], body: PartyStatusIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    status = PartyStatus.parse(body.status)
    moved = s.act(
        lambda e: e.app.change_party_status(
            code,
            parties=body.parties,
            status=status,
            actor=actor,
            reason=body.reason,
            detail=body.detail,
        )
    )
    return {"changed": moved}


# Resolutions -----------------------------------------------------------------------------


class ResolutionIn(BaseModel):
    kind: Literal["resolution", "motion"] = "resolution"
    title: Annotated[str, Field(min_length=1, max_length=300)]
    text: Text = ""
    tabled_by: Annotated[str, Field(max_length=80)] = "bestuur"
    conditions: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list, max_length=20
    )
    suspends: list[Annotated[str, Field(max_length=100, pattern=r"^[^:]+:[^:]+$")]] = Field(
        default_factory=list, max_length=20, description="PARTY:AGREEMENT"
    )
    assembly: UUID | None = None
    reason: Reason


class ConditionIn(BaseModel):
    evidence: Annotated[str, Field(min_length=1, max_length=2000)]
    reason: Reason


@router.get("/resolutions", tags=["resolutions"])
def list_resolutions(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.list_resolutions()


@router.post("/resolutions", tags=["resolutions"], status_code=201)
def table_resolution(body: ResolutionIn, s: ServerDep, actor: ActorDep) -> Created:
    pairs = [tuple(x.split(":", 1)) for x in body.suspends]
    rid = s.act(
        lambda e: e.app.table_resolution(
            kind=ResolutionKind(body.kind),
            title=body.title,
            text=body.text,
            tabled_by=body.tabled_by,
            conditions=body.conditions,
            suspends=[(p.strip(), a.strip()) for p, a in pairs],
            actor=actor,
            reason=body.reason,
            assembly_id=body.assembly,
        )
    )
    return Created(id=str(rid))


@router.get("/resolutions/{resolution_id}", tags=["resolutions"])
def get_resolution(resolution_id: UUID, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.get_resolution(resolution_id)


@router.post("/resolutions/{resolution_id}/decision", tags=["resolutions"])
def decide_resolution(
    resolution_id: UUID, body: ResultIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    result = result_from(body.yes_pct, body.yes_weight, body.no_weight, body.outcome)
    s.act(
        lambda e: e.app.decide_resolution(
            resolution_id, result=result, actor=actor, reason=body.reason
        )
    )
    return result_dict(result)


@router.post("/resolutions/{resolution_id}/conditions/{number}", tags=["resolutions"])
def meet_condition(
    resolution_id: UUID,
    number: Annotated[int, Field(ge=1, le=100)],
    body: ConditionIn,
    s: ServerDep,
    actor: ActorDep,
) -> dict[str, Any]:
    recorded = s.act(
        lambda e: e.app.meet_condition(
            resolution_id, number=number, evidence=body.evidence, actor=actor, reason=body.reason
        )
    )
    return {"recorded": recorded}


# UDO ------------------------------------------------------------------------------------


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
    return s.read().app.list_udos()


@router.post("/udos", tags=["udo"], status_code=201)
def commission_udo(body: UdoIn, s: ServerDep, actor: ActorDep) -> Created:
    uid = s.act(
        lambda e: e.app.commission_udo(
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
    return s.read().app.get_udo(udo_id)


@router.post("/udos/{udo_id}/participants", tags=["udo"])
def add_participants(
    udo_id: UUID, body: ParticipantsIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    added = s.act(
        lambda e: e.app.add_udo_participants(
            udo_id, members=[m.upper() for m in body.members], actor=actor, reason=body.reason
        )
    )
    return {"added": added}


@router.post("/udos/{udo_id}/points", tags=["udo"])
def record_point(udo_id: UUID, body: PointIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    number = s.act(
        lambda e: e.app.record_critical_point(
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
        lambda e: e.app.record_process_agreement(
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
        lambda e: e.app.complete_udo(udo_id, summary=body.summary, actor=actor, reason=body.reason)
    )
    return {"completed": True}


@router.post("/udos/{udo_id}/present", tags=["udo"])
def present_udo(udo_id: UUID, body: PresentIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    s.act(
        lambda e: e.app.present_udo(
            udo_id, reference=body.reference, actor=actor, reason=body.reason
        )
    )
    return {"presented": True}


# Signings, ratifications, assemblies -------------------------------------------------------


class SigningIn(BaseModel):
    party: Annotated[str, Field(max_length=80)]
    agreement: Annotated[str, Field(max_length=16)]
    conditions: list[Annotated[str, Field(max_length=500)]] = Field(min_length=1, max_length=20)
    reason: Reason


class RatificationIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    date: Moment
    tz: Zone = DEFAULT_TZ
    consultation: UUID
    agreements: list[Annotated[str, Field(max_length=16)]] = Field(min_length=1, max_length=20)
    signings: list[UUID] = Field(default_factory=list, max_length=20)
    party: Annotated[str, Field(max_length=80)] = "VNG"
    reason: Reason


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


class AssemblyIn(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=300)]
    date: Moment
    tz: Zone = DEFAULT_TZ
    reason: Reason


class ItemIn(BaseModel):
    kind: Literal["resolution", "motion", "ratification", "other"] = "other"
    title: Annotated[str, Field(min_length=1, max_length=300)]
    subject: UUID | None = None
    reason: Reason


@router.get("/signings", tags=["signings"])
def list_signings(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.list_signings()


@router.post("/signings", tags=["signings"], status_code=201)
def sign(body: SigningIn, s: ServerDep, actor: ActorDep) -> Created:
    sid = s.act(
        lambda e: e.app.sign_conditionally(
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
    return s.read().app.get_signing(signing_id)


@router.get("/ratifications", tags=["board"])
def list_ratifications(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.list_ratifications()


@router.post("/ratifications", tags=["board"], status_code=201)
def schedule_ratification(body: RatificationIn, s: ServerDep, actor: ActorDep) -> Created:
    when = parse_moment(body.date, body.tz, what="date")
    rid = s.act(
        lambda e: e.app.schedule_ratification(
            title=body.title,
            scheduled_for=when,
            timezone=body.tz,
            consultation_id=body.consultation,
            party=body.party,
            agreements=body.agreements,
            signing_ids=body.signings,
            actor=actor,
            reason=body.reason,
        )
    )
    return Created(id=str(rid))


@router.get("/ratifications/{ratification_id}", tags=["board"])
def get_ratification(ratification_id: UUID, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.get_ratification(ratification_id)


@router.post("/ratifications/{ratification_id}/decision", tags=["board"])
def decide_ratification(
    ratification_id: UUID, body: DecisionIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    s.act(
        lambda e: e.app.decide_ratification(
            ratification_id,
            decision=Decision(body.decision),
            rationale=body.rationale,
            actor=actor,
            reason=body.reason,
            assembly_id=body.assembly,
        )
    )
    return {"decision": body.decision}


@router.post("/ratifications/{ratification_id}/communicate", tags=["board"])
def communicate(
    ratification_id: UUID, body: CommunicateIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    s.act(
        lambda e: e.app.communicate_ratification(
            ratification_id, to=body.to, reference=body.reference, actor=actor, reason=body.reason
        )
    )
    return {"communicated": body.to}


@router.get("/assemblies", tags=["alv"])
def list_assemblies(s: ServerDep, _: ActorDep) -> list[dict[str, Any]]:
    return s.read().app.list_assemblies()


@router.post("/assemblies", tags=["alv"], status_code=201)
def convene(body: AssemblyIn, s: ServerDep, actor: ActorDep) -> Created:
    when = parse_moment(body.date, body.tz, what="date")
    aid = s.act(
        lambda e: e.app.convene_assembly(
            title=body.title, held_on=when, actor=actor, reason=body.reason
        )
    )
    return Created(id=str(aid))


@router.get("/assemblies/{assembly_id}", tags=["alv"])
def get_assembly(assembly_id: UUID, s: ServerDep, _: ActorDep) -> dict[str, Any]:
    return s.read().app.get_assembly(assembly_id)


@router.post("/assemblies/{assembly_id}/items", tags=["alv"])
def add_item(assembly_id: UUID, body: ItemIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    number = s.act(
        lambda e: e.app.add_agenda_item(
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
    number: Annotated[int, Field(ge=1, le=1000)],
    body: ResultIn,
    s: ServerDep,
    actor: ActorDep,
) -> dict[str, Any]:
    result = result_from(body.yes_pct, body.yes_weight, body.no_weight, body.outcome)
    s.act(
        lambda e: e.app.record_item_vote(
            assembly_id, number=number, result=result, actor=actor, reason=body.reason
        )
    )
    return {"item": number, **result_dict(result)}


@router.post("/assemblies/{assembly_id}/hold", tags=["alv"])
def hold(assembly_id: UUID, body: ReasonIn, s: ServerDep, actor: ActorDep) -> dict[str, Any]:
    s.act(lambda e: e.app.hold_assembly(assembly_id, actor=actor, reason=body.reason))
    return {"held": True}


@router.post("/assemblies/{assembly_id}/close", tags=["alv"])
def close_assembly(
    assembly_id: UUID, body: ReasonIn, s: ServerDep, actor: ActorDep
) -> dict[str, Any]:
    closed = s.act(lambda e: e.app.close_assembly(assembly_id, actor=actor, reason=body.reason))
    return {"closed": closed}


# Views for everyone ----------------------------------------------------------------------

Tz = Annotated[str, Query(pattern=ZONE_PATTERN, max_length=64)]
AsOf = Annotated[
    str | None,
    Query(pattern=AS_OF_PATTERN, max_length=40, description="a date (its end) or a moment"),
]


@router.get("/status", tags=["views"])
def get_status(
    s: ServerDep,
    _: ActorDep,
    as_of: AsOf = None,
    agreement: Annotated[str | None, Query(max_length=16)] = None,
    party: Annotated[str | None, Query(max_length=80)] = None,
    tz: Tz = DEFAULT_TZ,
) -> dict[str, Any]:
    moment = parse_as_of(as_of, tz) if as_of else datetime.now(UTC)
    rows = status_as_of(s.read().views, moment, agreement, party)
    return {"as_of": moment.isoformat(), "status": [r.as_dict() for r in rows]}


@router.get("/timeline", tags=["views"], responses=refusals(404))
def get_timeline(s: ServerDep, _: ActorDep, aggregate: UUID | None = None) -> list[dict[str, Any]]:
    e = s.read()
    rows = timeline_rows(e.views, str(aggregate) if aggregate else None)
    if aggregate is not None and not rows:
        e.app.history(aggregate)
    return rows


@router.get("/history/{aggregate_id}", tags=["views"])
def get_history(
    aggregate_id: UUID,
    s: ServerDep,
    actor: ActorDep,
    as_of: AsOf = None,
    version: Annotated[int | None, Query(ge=1, le=10**9)] = None,
    tz: Tz = DEFAULT_TZ,
) -> dict[str, Any]:
    """An aggregate as it was; other members' ballots stay sealed for a secretary until the
    consultation closes."""
    moment = parse_as_of(as_of, tz) if as_of else None
    app = s.read().app
    return BallotSecrecy(app, actor).history(
        app.history(aggregate_id, version=version, as_of=moment)
    )


@router.get("/log", tags=["views"])
def get_log(
    s: ServerDep,
    viewer: ActorDep,
    start: Annotated[int, Query(alias="from", ge=1, le=10**12)] = 1,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    aggregate: UUID | None = None,
    event: Annotated[str | None, Query(max_length=80)] = None,
    actor: Annotated[str | None, Query(max_length=80)] = None,
) -> dict[str, Any]:
    """The event log for auditors, a page at a time, filtered by aggregate, event or actor.
    For a secretary, other members' ballots in consultations not yet closed are sealed."""
    entries, following = log_entries(
        s.read().app,
        start,
        limit,
        aggregate=str(aggregate) if aggregate else "",
        event=event or "",
        actor=actor or "",
        viewer=viewer,
    )
    return {"entries": [entry.as_dict() for entry in entries], "next": following}


@router.get("/deadlines", tags=["views"])
def get_deadlines(
    s: ServerDep,
    _: ActorDep,
    all_states: bool = False,
    overdue_after: Annotated[float, Query(ge=0, le=10**7)] = 60.0,
) -> list[dict[str, Any]]:
    states = ("pending", "fired", "done", "cancelled") if all_states else ("pending",)
    now = datetime.now(UTC)
    return [
        {**r, "state": deadline_state(r, now, overdue_after)}
        for r in deadline_rows(s.read().views, states)
    ]


@router.get("/actions", tags=["views"])
def get_actions(s: ServerDep, actor: ActorDep) -> list[dict[str, Any]]:
    """What the caller's role must do next."""
    role = str(actor) if actor.role is Role.SECRETARY else actor.role.value
    return actions_for(s.read().views, role)


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


@router.get("/me", tags=["views"])
def me(actor: ActorDep) -> dict[str, Any]:
    return {"actor": str(actor), "role": actor.role.value}
