"""The steps a scenario may take: each command with its required and optional arguments and
the application call it makes, and the run's state (clock, engine, named ids)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from adapters.bootstrap import Engine
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.inputs.synthetic import synthetic_ballots
from adapters.inputs.timeparse import DEFAULT_TZ, parse_duration, parse_moment
from adapters.scenario.reading import (
    Step,
)
from domain.actor import Actor, Role
from domain.agreement import PartyStatus
from domain.board_ratification import Decision
from domain.commitment import Finding
from domain.consultation import Consultation
from domain.errors import InvalidInputError
from domain.funding import RuleKind
from domain.general_assembly import ItemKind
from domain.money import parse_euros
from domain.resolution import ResolutionKind, parse_lifts
from domain.rules import WeightedResult
from domain.weights import WeightRule
from workflows.clock import SimulatedClock


@dataclass
class Run:
    """What a running scenario knows: the clock, the engine, and the ids of named steps."""

    engine: Engine
    clock: SimulatedClock
    timezone: str = DEFAULT_TZ
    ids: dict[str, str] = field(default_factory=dict)
    progress: Callable[[str, int, int], None] = lambda what, done, total: None
    fired: int = 0
    resumed: int = 0  # steps found applied by an earlier, interrupted run

    def ref(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith("@"):
            return self.ids[value[1:]]
        if isinstance(value, list):
            return [self.ref(v) for v in value]
        return value

    def uuid(self, value: Any) -> UUID:
        return UUID(str(self.ref(value)))


Handler = Callable[[Run, Step, dict[str, Any]], Any]


def _result(a: dict[str, Any]) -> WeightedResult:
    if "outcome" in a:
        return WeightedResult.announced(a["outcome"] == "adopted")
    if "yes_pct" in a:
        return WeightedResult.published(str(a["yes_pct"]))
    return WeightedResult.from_weights(int(a["yes_weight"]), int(a["no_weight"]))


def _tz_moment(a: dict[str, Any], key: str, scenario_tz: str) -> datetime:
    return parse_moment(str(a[key]), str(a.get("tz", scenario_tz)), what=key)


def _pair(text: str) -> tuple[str, str]:
    party, sep, agreement = str(text).partition(":")
    if not sep:
        raise InvalidInputError(f"suspends takes PARTY:AGREEMENT, e.g. VNG:IZA (got {text!r})")
    return party.strip(), agreement.strip()


def _relations(a: dict[str, Any]) -> list[dict[str, str]]:
    kinds = (("supplements", "supplements"), ("continues", "continues participation in"))
    return [{"kind": kind, "agreement": a[key]} for key, kind in kinds if key in a]


def _region_register(run: Run, step: Step, a: dict[str, Any]) -> str:
    members = [str(m).upper() for m in a.get("members", [])]
    if "province" in a:
        members += [
            m["code"]
            for m in run.engine.app.members.list_members()
            if m["province"].lower() == str(a["province"]).lower()
        ]
    return run.engine.app.regions.register_region(
        name=a["name"],
        committee=a["committee"],
        mandate_municipality=str(a["mandate"]).upper(),
        members=members,
        actor=step.actor,
        reason=step.reason,
    )


def _region_decide(run: Run, step: Step, a: dict[str, Any]) -> int:
    decided_on = _tz_moment(a, "date", run.timezone)
    if "waits_for" not in a:
        return run.engine.app.regions.record_region_decision(
            a["region"],
            body=a["body"],
            text=a["text"],
            decided_on=decided_on,
            actor=step.actor,
            reason=step.reason,
        )
    party, agreement = _pair(a["waits_for"])
    return run.engine.app.regions.record_conditional_decision(
        a["region"],
        body=a["body"],
        text=a["text"],
        decided_on=decided_on,
        agreement=agreement,
        party=party,
        reopen_on=[PartyStatus.parse(x) for x in a.get("reopen_on", [])],
        moot_on=[PartyStatus.parse(x) for x in a.get("moot_on", [])],
        actor=step.actor,
        reason=step.reason,
    )


def _funding_rule(run: Run, step: Step, a: dict[str, Any]) -> None:
    depends = a.get("depends_on")
    party, agreement = _pair(depends) if depends else ("", "")
    run.engine.app.funding.set_funding_rule(
        a["scheme"],
        year=int(a["year"]),
        kind=RuleKind.DEPENDS if depends else RuleKind.CONTINUES,
        cut_pct=int(a.get("cut", 0)),
        actor=step.actor,
        reason=step.reason,
        agreement=agreement,
        party=party,
        keeps_on=[PartyStatus.parse(x) for x in a.get("keeps_on", [])],
        note=a.get("note", ""),
    )


def _members_load(run: Run, step: Step, a: dict[str, Any]) -> Any:
    source = Path(a["file"]) if "file" in a else shipped_members_path()
    return run.engine.app.members.load_members(
        read_members_csv(source), actor=step.actor, reason=step.reason
    )


def _ballots_in_log(run: Run, cid: UUID) -> list[tuple[str, datetime]]:
    ballot_events = (Consultation.BallotCast, Consultation.BallotRecast)
    return [
        (e.member, e.at)
        for e in run.engine.app.repository.event_store.get(cid)
        if isinstance(e, ballot_events)
    ]


def _applied_prefix(logged: list[tuple[str, datetime]], planned: list[tuple[str, datetime]]) -> int:
    """How many of the planned ballots end the log's ballots (0 when none were cast yet)."""
    for k in range(min(len(logged), len(planned)), 0, -1):
        if logged[-k:] == planned[:k]:
            return k
    return 0


SYNTHETIC_NOTE = (
    "synthetic ballots from the scenario's generator (seed {seed}, turnout {turnout}, "
    "{in_favour} in favour), not cast by the members"
)


def _ballots(run: Run, step: Step, a: dict[str, Any]) -> int:
    app = run.engine.app
    cid = run.uuid(a["consultation"])
    info = app.consultations.get_consultation(cid)
    closes = datetime.fromisoformat(info["closes_at"])
    members = [m["code"] for m in app.members.list_members()]
    turnout, in_favour = float(a.get("turnout", 0.75)), float(a.get("in_favour", 0.97))
    if not (0 <= turnout <= 1 and 0 <= in_favour <= 1):
        raise InvalidInputError("turnout and in_favour are fractions between 0 and 1")
    seed = int(a.get("seed", 2025))
    ballots = synthetic_ballots(
        members, seed, turnout, in_favour, opens=run.clock.now(), closes=closes
    )
    # Recorded on the consultation before any ballot, so every result derived from them (the
    # tally, the report, the status after ratification) can say that they are synthetic.
    app.consultations.mark_ballots_synthetic(
        cid,
        note=SYNTHETIC_NOTE.format(
            seed=seed, turnout=f"{turnout:.0%}", in_favour=f"{in_favour:.0%}"
        ),
        actor=step.actor,
        reason=step.reason,
    )
    # Resuming a killed run: the ballots already in the log are not cast again (a re-cast of
    # an earlier choice would be a change, not a repeat).
    applied = _applied_prefix(_ballots_in_log(run, cid), [(b.member, b.at) for b in ballots])
    if applied:
        run.clock.set(max(ballots[applied - 1].at, run.clock.now()))
    for done, ballot in enumerate(ballots[applied:], start=applied + 1):
        run.clock.set(ballot.at)
        app.consultations.cast_ballot(
            cid,
            member=ballot.member,
            choice=ballot.choice,
            explanation=ballot.explanation,
            actor=Actor(Role.SECRETARY, ballot.member),
        )
        run.progress("synthetic ballots", done, len(ballots))
    return len(ballots)


# command -> (required args, optional args, handler)
COMMANDS: dict[str, tuple[set[str], set[str], Handler]] = {
    "members.load": (set(), {"file"}, _members_load),
    "agreement.register": (
        {"code", "name", "full_name", "parties"},
        {"term", "involved", "supplements", "continues"},
        lambda run, s, a: run.engine.app.agreements.register_agreement(
            code=a["code"],
            name=a["name"],
            full_name=a["full_name"],
            term=a.get("term", ""),
            signing_parties=a["parties"],
            involved_parties=a.get("involved", []),
            relations=_relations(a),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "agreement.status": (
        {"agreement", "parties", "status"},
        {"detail"},
        lambda run, s, a: run.engine.app.agreements.change_party_status(
            a["agreement"],
            parties=a["parties"],
            status=PartyStatus.parse(a["status"]),
            actor=s.actor,
            reason=s.reason,
            detail=a.get("detail", ""),
        ),
    ),
    "alv.convene": (
        {"title", "date"},
        {"tz"},
        lambda run, s, a: run.engine.app.assemblies.convene_assembly(
            title=a["title"],
            held_on=_tz_moment(a, "date", run.timezone),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "alv.item": (
        {"assembly", "kind", "title"},
        {"subject"},
        lambda run, s, a: run.engine.app.assemblies.add_agenda_item(
            run.uuid(a["assembly"]),
            kind=ItemKind(a["kind"]),
            title=a["title"],
            subject_id=str(run.ref(a.get("subject", ""))),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "alv.vote": (
        {"assembly", "item"},
        {"yes_pct", "yes_weight", "no_weight", "outcome"},
        lambda run, s, a: run.engine.app.assemblies.record_item_vote(
            run.uuid(a["assembly"]),
            number=int(a["item"]),
            result=_result(a),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "alv.hold": (
        {"assembly"},
        set(),
        lambda run, s, a: run.engine.app.assemblies.hold_assembly(
            run.uuid(a["assembly"]), actor=s.actor, reason=s.reason
        ),
    ),
    "alv.close": (
        {"assembly"},
        set(),
        lambda run, s, a: run.engine.app.assemblies.close_assembly(
            run.uuid(a["assembly"]), actor=s.actor, reason=s.reason
        ),
    ),
    "resolution.table": (
        {"kind", "title", "tabled_by"},
        {"text", "conditions", "suspends", "assembly", "lifts"},
        lambda run, s, a: run.engine.app.resolutions.table_resolution(
            kind=ResolutionKind(a["kind"]),
            title=a["title"],
            text=a.get("text", ""),
            tabled_by=a["tabled_by"],
            conditions=a.get("conditions", []),
            suspends=[_pair(x) for x in a.get("suspends", [])],
            actor=s.actor,
            reason=s.reason,
            assembly_id=run.uuid(a["assembly"]) if "assembly" in a else None,
            lifts=parse_lifts([str(x) for x in a.get("lifts", [])]),
        ),
    ),
    "resolution.decide": (
        {"resolution"},
        {"yes_pct", "yes_weight", "no_weight", "outcome"},
        lambda run, s, a: run.engine.app.resolutions.decide_resolution(
            run.uuid(a["resolution"]), result=_result(a), actor=s.actor, reason=s.reason
        ),
    ),
    "resolution.meet": (
        {"resolution", "condition", "evidence"},
        set(),
        lambda run, s, a: run.engine.app.resolutions.meet_condition(
            run.uuid(a["resolution"]),
            number=int(a["condition"]),
            evidence=a["evidence"],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "resolution.revoke": (
        {"resolution", "condition", "evidence"},
        set(),
        lambda run, s, a: run.engine.app.resolutions.revoke_condition(
            run.uuid(a["resolution"]),
            number=int(a["condition"]),
            evidence=a["evidence"],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "resolution.fail": (
        {"resolution", "condition", "evidence"},
        set(),
        lambda run, s, a: run.engine.app.resolutions.declare_condition_failed(
            run.uuid(a["resolution"]),
            number=int(a["condition"]),
            evidence=a["evidence"],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "udo.commission": (
        {"agreement", "title"},
        {"executed_by"},
        lambda run, s, a: run.engine.app.udos.commission_udo(
            agreement=a["agreement"],
            title=a["title"],
            executed_by=a.get("executed_by", []),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "udo.participants": (
        {"udo", "members"},
        set(),
        lambda run, s, a: run.engine.app.udos.add_udo_participants(
            run.uuid(a["udo"]), members=a["members"], actor=s.actor, reason=s.reason
        ),
    ),
    "udo.point": (
        {"udo", "title"},
        {"description"},
        lambda run, s, a: run.engine.app.udos.record_critical_point(
            run.uuid(a["udo"]),
            title=a["title"],
            description=a.get("description", ""),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "udo.agreement": (
        {"udo", "point", "parties", "text"},
        set(),
        lambda run, s, a: run.engine.app.udos.record_process_agreement(
            run.uuid(a["udo"]),
            point=int(a["point"]),
            parties=a["parties"],
            text=a["text"],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "udo.complete": (
        {"udo"},
        {"summary"},
        lambda run, s, a: run.engine.app.udos.complete_udo(
            run.uuid(a["udo"]), summary=a.get("summary", ""), actor=s.actor, reason=s.reason
        ),
    ),
    "udo.present": (
        {"udo", "reference"},
        set(),
        lambda run, s, a: run.engine.app.udos.present_udo(
            run.uuid(a["udo"]), reference=a["reference"], actor=s.actor, reason=s.reason
        ),
    ),
    "signing.sign": (
        {"party", "agreement", "conditions"},
        set(),
        lambda run, s, a: run.engine.app.signings.sign_conditionally(
            party=a["party"],
            agreement=a["agreement"],
            conditions=a["conditions"],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "region.register": (
        {"name", "committee", "mandate"},
        {"members", "province"},
        _region_register,
    ),
    "region.decide": (
        {"region", "body", "text", "date"},
        {"waits_for", "reopen_on", "moot_on", "tz"},
        _region_decide,
    ),
    "region.budget": (
        {"region", "scheme", "year", "amount"},
        set(),
        lambda run, s, a: run.engine.app.regions.record_region_budget(
            a["region"],
            scheme=a["scheme"],
            year=int(a["year"]),
            amount_cents=parse_euros(str(a["amount"])),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "funding.scheme": (
        {"code", "name"},
        set(),
        lambda run, s, a: run.engine.app.funding.register_scheme(
            code=a["code"], name=a["name"], actor=s.actor, reason=s.reason
        ),
    ),
    "funding.rule": (
        {"scheme", "year"},
        {"continues", "depends_on", "keeps_on", "cut", "note"},
        _funding_rule,
    ),
    "funding.exclude": (
        {"scheme", "part", "year", "amount"},
        {"onwards"},
        lambda run, s, a: run.engine.app.funding.exclude_from_scheme(
            a["scheme"],
            part=a["part"],
            year=int(a["year"]),
            amount_cents=parse_euros(str(a["amount"])),
            onwards=a.get("onwards", False) is True,
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "funding.allocate": (
        {"scheme", "region", "year", "amount", "reference"},
        set(),
        lambda run, s, a: run.engine.app.funding.allocate(
            a["scheme"],
            region=a["region"],
            year=int(a["year"]),
            amount_cents=parse_euros(str(a["amount"])),
            reference=a["reference"],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "monitoring.commit": (
        {"title", "owner", "forum", "every", "first_review"},
        {"source", "tz"},
        lambda run, s, a: run.engine.app.monitoring.register_commitment(
            title=a["title"],
            owner=a["owner"],
            forum=a["forum"],
            cadence=parse_duration(str(a["every"])),
            first_review_at=_tz_moment(a, "first_review", run.timezone),
            source=str(a.get("source", "")),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "monitoring.review": (
        {"commitment", "period", "finding", "evidence"},
        set(),
        lambda run, s, a: run.engine.app.monitoring.record_review(
            run.uuid(a["commitment"]),
            period=int(a["period"]),
            finding=Finding.parse(str(a["finding"])),
            evidence=a["evidence"],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "consultation.open": (
        {"title", "question", "closes"},
        {"agreements", "opens", "tz", "weight_rule", "population_year"},
        lambda run, s, a: run.engine.app.consultations.open_consultation(
            title=a["title"],
            question=a["question"],
            agreements=a.get("agreements", []),
            closes_at=_tz_moment(a, "closes", run.timezone),
            opens_at=_tz_moment(a, "opens", run.timezone) if "opens" in a else None,
            timezone=str(a.get("tz", run.timezone)),
            weight_rule=WeightRule.parse(str(a.get("weight_rule", "ceil"))),
            population_year=int(a.get("population_year", 2024)),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "consultation.synthetic_ballots": (
        {"consultation"},
        {"seed", "turnout", "in_favour"},
        _ballots,
    ),
    "board.schedule": (
        {"title", "date", "consultation", "agreements"},
        {"signings", "party", "tz"},
        lambda run, s, a: run.engine.app.ratifications.schedule_ratification(
            title=a["title"],
            scheduled_for=_tz_moment(a, "date", run.timezone),
            timezone=str(a.get("tz", run.timezone)),
            consultation_id=run.uuid(a["consultation"]),
            party=a.get("party", "VNG"),
            agreements=a["agreements"],
            signing_ids=[run.uuid(x) for x in a.get("signings", [])],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "board.decide": (
        {"ratification", "decision"},
        {"rationale", "assembly"},
        lambda run, s, a: run.engine.app.ratifications.decide_ratification(
            run.uuid(a["ratification"]),
            decision=Decision.parse(a["decision"]),
            rationale=a.get("rationale", ""),
            actor=s.actor,
            reason=s.reason,
            assembly_id=run.uuid(a["assembly"]) if "assembly" in a else None,
        ),
    ),
    "board.communicate": (
        {"ratification", "reference"},
        {"to"},
        lambda run, s, a: run.engine.app.ratifications.communicate_ratification(
            run.uuid(a["ratification"]),
            to=a.get("to", ["members", "partners"]),
            reference=a["reference"],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
}
