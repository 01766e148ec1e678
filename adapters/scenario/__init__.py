"""Scenario files: dated steps, each a command with its actor and reason, run on a simulated clock.

The whole file is checked before anything runs: a step with an unknown command, a missing or
unknown argument, a malformed date, an unknown actor, a reference to a step not named before it,
or a date earlier than the step before refuses the file, with the step's line.

Between steps the clock moves forward and every deadline that falls due fires through the same
command the scheduler issues, at the moment it falls due.

A run can be killed at any step and run again: each step's first write carries a mark
(`ScenarioStep`, id from the file's digest and the step number) in the same transaction, so a
rerun skips every marked step and applies the rest. Steps that write more than once (loading
members, casting the synthetic ballots) are repeatable by nature — they write only what is
missing — and are re-run when marked; deadlines fire idempotently; workflows track what they did.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from adapters.bootstrap import Engine
from adapters.inputs.members_csv import read_limited, read_members_csv, shipped_members_path
from adapters.inputs.synthetic import synthetic_ballots
from adapters.inputs.timeparse import DEFAULT_TZ, parse_duration, parse_moment, zone
from adapters.readmodels.queries import deadline_rows
from domain.actor import Actor, Role
from domain.agreement import PartyStatus
from domain.board_ratification import Decision
from domain.commitment import Finding
from domain.consultation import Consultation
from domain.deadlines import FIRED_BY_SCHEDULER
from domain.errors import DomainError, InvalidInputError
from domain.funding import RuleKind, parse_euros
from domain.general_assembly import ItemKind
from domain.resolution import ResolutionKind
from domain.rules import WeightedResult
from domain.scenario_step import ScenarioStep, scenario_step_id
from domain.weights import WeightRule
from projections.rows import from_time_key, time_key
from workflows.clock import SimulatedClock

DEFAULT_SCENARIO = "scenario-azwa-2025.toml"
MAX_SCENARIO_BYTES = 10_000_000


class ScenarioError(InvalidInputError):
    code = "invalid_scenario"


def default_scenario_path() -> Path:
    return Path(str(files("adapters.data").joinpath(DEFAULT_SCENARIO)))


@dataclass(frozen=True)
class Step:
    number: int
    line: int
    at: datetime
    do: str
    actor: Actor
    reason: str
    name: str
    args: dict[str, Any]


@dataclass
class Scenario:
    title: str
    timezone: str
    steps: list[Step]
    key_dates: list[datetime] = field(default_factory=list)
    path: Path | None = None
    digest: str = ""  # of the file's text: which marks in a store belong to this scenario


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
            for m in run.engine.app.list_members()
            if m["province"].lower() == str(a["province"]).lower()
        ]
    return run.engine.app.register_region(
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
        return run.engine.app.record_region_decision(
            a["region"],
            body=a["body"],
            text=a["text"],
            decided_on=decided_on,
            actor=step.actor,
            reason=step.reason,
        )
    party, agreement = _pair(a["waits_for"])
    return run.engine.app.record_conditional_decision(
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
    run.engine.app.set_funding_rule(
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
    return run.engine.app.load_members(
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


def _ballots(run: Run, step: Step, a: dict[str, Any]) -> int:
    app = run.engine.app
    cid = run.uuid(a["consultation"])
    info = app.get_consultation(cid)
    closes = datetime.fromisoformat(info["closes_at"])
    members = [m["code"] for m in app.list_members()]
    turnout, in_favour = float(a.get("turnout", 0.75)), float(a.get("in_favour", 0.97))
    if not (0 <= turnout <= 1 and 0 <= in_favour <= 1):
        raise InvalidInputError("turnout and in_favour are fractions between 0 and 1")
    ballots = synthetic_ballots(
        members, int(a.get("seed", 2025)), turnout, in_favour, opens=run.clock.now(), closes=closes
    )
    # Resuming a killed run: the ballots already in the log are not cast again (a re-cast of
    # an earlier choice would be a change, not a repeat).
    applied = _applied_prefix(_ballots_in_log(run, cid), [(b.member, b.at) for b in ballots])
    if applied:
        run.clock.set(max(ballots[applied - 1].at, run.clock.now()))
    for done, ballot in enumerate(ballots[applied:], start=applied + 1):
        run.clock.set(ballot.at)
        app.cast_ballot(
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
        lambda run, s, a: run.engine.app.register_agreement(
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
        lambda run, s, a: run.engine.app.change_party_status(
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
        lambda run, s, a: run.engine.app.convene_assembly(
            title=a["title"],
            held_on=_tz_moment(a, "date", run.timezone),
            actor=s.actor,
            reason=s.reason,
        ),
    ),
    "alv.item": (
        {"assembly", "kind", "title"},
        {"subject"},
        lambda run, s, a: run.engine.app.add_agenda_item(
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
        lambda run, s, a: run.engine.app.record_item_vote(
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
        lambda run, s, a: run.engine.app.hold_assembly(
            run.uuid(a["assembly"]), actor=s.actor, reason=s.reason
        ),
    ),
    "alv.close": (
        {"assembly"},
        set(),
        lambda run, s, a: run.engine.app.close_assembly(
            run.uuid(a["assembly"]), actor=s.actor, reason=s.reason
        ),
    ),
    "resolution.table": (
        {"kind", "title", "tabled_by"},
        {"text", "conditions", "suspends", "assembly"},
        lambda run, s, a: run.engine.app.table_resolution(
            kind=ResolutionKind(a["kind"]),
            title=a["title"],
            text=a.get("text", ""),
            tabled_by=a["tabled_by"],
            conditions=a.get("conditions", []),
            suspends=[_pair(x) for x in a.get("suspends", [])],
            actor=s.actor,
            reason=s.reason,
            assembly_id=run.uuid(a["assembly"]) if "assembly" in a else None,
        ),
    ),
    "resolution.decide": (
        {"resolution"},
        {"yes_pct", "yes_weight", "no_weight", "outcome"},
        lambda run, s, a: run.engine.app.decide_resolution(
            run.uuid(a["resolution"]), result=_result(a), actor=s.actor, reason=s.reason
        ),
    ),
    "resolution.meet": (
        {"resolution", "condition", "evidence"},
        set(),
        lambda run, s, a: run.engine.app.meet_condition(
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
        lambda run, s, a: run.engine.app.commission_udo(
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
        lambda run, s, a: run.engine.app.add_udo_participants(
            run.uuid(a["udo"]), members=a["members"], actor=s.actor, reason=s.reason
        ),
    ),
    "udo.point": (
        {"udo", "title"},
        {"description"},
        lambda run, s, a: run.engine.app.record_critical_point(
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
        lambda run, s, a: run.engine.app.record_process_agreement(
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
        lambda run, s, a: run.engine.app.complete_udo(
            run.uuid(a["udo"]), summary=a.get("summary", ""), actor=s.actor, reason=s.reason
        ),
    ),
    "udo.present": (
        {"udo", "reference"},
        set(),
        lambda run, s, a: run.engine.app.present_udo(
            run.uuid(a["udo"]), reference=a["reference"], actor=s.actor, reason=s.reason
        ),
    ),
    "signing.sign": (
        {"party", "agreement", "conditions"},
        set(),
        lambda run, s, a: run.engine.app.sign_conditionally(
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
        lambda run, s, a: run.engine.app.record_region_budget(
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
        lambda run, s, a: run.engine.app.register_scheme(
            code=a["code"], name=a["name"], actor=s.actor, reason=s.reason
        ),
    ),
    "funding.rule": (
        {"scheme", "year"},
        {"continues", "depends_on", "keeps_on", "cut", "note"},
        _funding_rule,
    ),
    "funding.allocate": (
        {"scheme", "region", "year", "amount", "reference"},
        set(),
        lambda run, s, a: run.engine.app.allocate(
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
        lambda run, s, a: run.engine.app.register_commitment(
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
        lambda run, s, a: run.engine.app.record_review(
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
        lambda run, s, a: run.engine.app.open_consultation(
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
        lambda run, s, a: run.engine.app.schedule_ratification(
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
        lambda run, s, a: run.engine.app.decide_ratification(
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
        lambda run, s, a: run.engine.app.communicate_ratification(
            run.uuid(a["ratification"]),
            to=a.get("to", ["members", "partners"]),
            reference=a["reference"],
            actor=s.actor,
            reason=s.reason,
        ),
    ),
}


STEP_HEADER = re.compile(r"^\s*\[\[\s*step\s*\]\]")


def _step_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.splitlines(), start=1) if STEP_HEADER.match(line)]


def _references(value: Any) -> list[str]:
    if isinstance(value, str) and value.startswith("@"):
        return [value[1:]]
    if isinstance(value, list):
        return [r for v in value for r in _references(v)]
    return []


def load_scenario(path: Path) -> Scenario:
    """Parse and check the whole file; refuse it with the step and line of the first problem."""
    text = read_limited(path, MAX_SCENARIO_BYTES, ScenarioError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ScenarioError(f"{path}: not valid TOML ({e})") from None
    except RecursionError:
        raise ScenarioError(f"{path}: not valid TOML (nested too deeply)") from None
    timezone = str(data.get("timezone", DEFAULT_TZ))
    raw_steps = data.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ScenarioError(f"{path}: no [[step]] tables")
    lines = _step_lines(text)
    steps: list[Step] = []
    names: set[str] = set()
    for number, raw in enumerate(raw_steps, start=1):
        line = lines[number - 1] if number - 1 < len(lines) else 0
        where = f"{path}:{line}: step {number}"
        try:
            steps.append(_check_step(raw, number, line, timezone, names, steps))
        except (DomainError, KeyError, TypeError, ValueError) as e:
            message = e.args[0] if isinstance(e, DomainError) else f"{type(e).__name__}: {e}"
            raise ScenarioError(f"{where}: {message}") from None
    key_dates = [
        parse_moment(str(d), timezone, what="key date")
        if "T" in str(d)
        else parse_moment(f"{d}T23:59:59", timezone, what="key date")
        for d in data.get("key_dates", [])
    ]
    return Scenario(
        title=str(data.get("title", path.name)),
        timezone=timezone,
        steps=steps,
        key_dates=key_dates,
        path=path,
        digest=hashlib.sha256(text.encode()).hexdigest(),
    )


def _check_step(
    raw: Any, number: int, line: int, timezone: str, names: set[str], before: list[Step]
) -> Step:
    if not isinstance(raw, dict):
        raise ScenarioError("a step is a table")
    unknown_keys = set(raw) - {"at", "do", "as", "reason", "name", "with"}
    if unknown_keys:
        raise ScenarioError(f"unknown key(s) {', '.join(sorted(unknown_keys))}")
    for key in ("at", "do", "as", "reason"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise ScenarioError(f"'{key}' is required (text)")
    do = raw["do"].strip()
    if do not in COMMANDS:
        raise ScenarioError(f"unknown command {do!r}")
    at = parse_moment(raw["at"], timezone, what="'at'")
    if before and at < before[-1].at:
        raise ScenarioError(f"{raw['at']} is earlier than the step before it")
    args = raw.get("with", {})
    if not isinstance(args, dict):
        raise ScenarioError("'with' is a table of arguments")
    required, optional, _ = COMMANDS[do]
    missing = required - set(args)
    if missing:
        raise ScenarioError(f"{do} needs {', '.join(sorted(missing))}")
    extra = set(args) - required - optional
    if extra:
        raise ScenarioError(f"{do} does not take {', '.join(sorted(extra))}")
    for ref in _references(list(args.values())):
        if ref not in names:
            raise ScenarioError(f"@{ref} does not name an earlier step")
    name = str(raw.get("name", ""))
    if name:
        if name in names:
            raise ScenarioError(f"the name {name!r} is used twice")
        names.add(name)
    return Step(
        number=number,
        line=line,
        at=at,
        do=do,
        actor=Actor.parse(raw["as"]),
        reason=raw["reason"].strip(),
        name=name,
        args=args,
    )


def fire_due(run: Run, until: datetime) -> None:
    """Fire every pending deadline due at or before `until`, each at its own moment."""
    while True:
        run.engine.catch_up()
        due = [d for d in deadline_rows(run.engine.views) if d["due_at"] <= time_key(until)]
        fireable = [d for d in due if d["kind"] in FIRED_BY_SCHEDULER]
        if not fireable:
            return
        deadline = fireable[0]
        moment = from_time_key(deadline["due_at"]).astimezone(zone(deadline["timezone"]))
        run.clock.set(max(moment, run.clock.now()))
        run.engine.app.fire_deadline(deadline["kind"], UUID(deadline["subject_id"]))
        run.fired += 1


# Steps that write more than once; each write is idempotent (the same facts, the same seeded
# ballots at the same moments write nothing twice), so a marked one is simply run again.
REPEATABLE = frozenset({"members.load", "consultation.synthetic_ballots"})


@contextmanager
def marking(run: Run, scenario: Scenario, step: Step) -> Iterator[None]:
    """Save the step's mark with its first write, atomically; a conflict's retry carries a new
    mark (the library took the pending event of the refused one)."""
    app = run.engine.app
    original = app.save
    marked = False

    def save(*objs: Any, **kwargs: Any) -> Any:
        nonlocal marked
        if marked:
            return original(*objs, **kwargs)
        created = [
            str(o.id)
            for o in objs
            if isinstance(o, Aggregate)
            and o.pending_events
            and o.pending_events[0].originator_version == 1
        ]
        mark = ScenarioStep(
            digest=scenario.digest,
            number=step.number,
            command=step.do,
            created=created,
            actor=str(step.actor),
            at=run.clock.now(),
        )
        recordings = original(*objs, mark, **kwargs)
        marked = True
        return recordings

    app.save = save  # type: ignore[method-assign]
    try:
        yield
    finally:
        del app.save


def applied_mark(run: Run, scenario: Scenario, step: Step) -> ScenarioStep | None:
    return run.engine.app._find(ScenarioStep, scenario_step_id(scenario.digest, step.number))


def started_here(engine: Engine, scenario: Scenario) -> bool:
    """Whether a run of this very scenario has applied steps to the store."""
    return any(
        engine.app._find(ScenarioStep, scenario_step_id(scenario.digest, step.number))
        for step in scenario.steps
    )


def run_scenario(run: Run, scenario: Scenario) -> None:
    for step in scenario.steps:
        fire_due(run, step.at)
        run.clock.set(max(step.at, run.clock.now()))
        mark = applied_mark(run, scenario, step)
        if mark is not None:
            run.resumed += 1
            if step.name:
                if len(mark.created) != 1:
                    raise ScenarioError(
                        f"{scenario.path}:{step.line}: step {step.number}: cannot resume: the "
                        "step's mark does not name what it created"
                    )
                run.ids[step.name] = mark.created[0]
            if step.do not in REPEATABLE:
                run.progress(step.do, step.number, len(scenario.steps))
                continue
        _, _, handler = COMMANDS[step.do]
        args = {k: run.ref(v) if k != "suspends" else v for k, v in step.args.items()}
        try:
            if mark is None:
                with marking(run, scenario, step):
                    result = handler(run, step, args)
            else:
                result = handler(run, step, args)
        except DomainError as e:
            raise type(e)(
                f"{scenario.path}:{step.line}: step {step.number}: {step.do}: {e}"
            ) from None
        except (KeyError, ValueError, TypeError) as e:
            raise ScenarioError(
                f"{scenario.path}:{step.line}: step {step.number}: {step.do}: bad argument ({e})"
            ) from None
        if step.name:
            run.ids[step.name] = str(result)
        run.engine.catch_up()
        run.progress(step.do, step.number, len(scenario.steps))
    fire_due(run, run.clock.now())
