"""Queries on the read models: indexed lookups, never a replay."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import and_, or_, select

from adapters.readmodels.known_at import replay_status, status_in, with_decisions
from adapters.readmodels.tables import (
    ReadModels,
    deadlines,
    funding_allocations,
    funding_rules,
    open_actions,
    party_status,
    region_budgets,
    tally_voters,
    timeline,
)
from domain.actor import Actor, Role
from domain.agreement import PartyStatus
from domain.funding import RuleKind, YearRule
from domain.money import euros
from domain.region import region_id
from projections.event_log import LogEntry, describe
from projections.rows import from_time_key, time_key
from projections.status import StatusRow
from workflows.base import GovernanceBase


def status_as_of(
    views: ReadModels, moment: datetime, agreement: str | None = None, party: str | None = None
) -> list[StatusRow]:
    """One indexed lookup per agreement x party: its latest interval begun by `moment`.
    The cost follows the number of pairs, not the length of their history."""
    t = time_key(moment)
    open_rows = party_status.alias("open_rows")
    candidate = party_status.alias("candidate")
    latest_id = (
        select(candidate.c.id)
        .where(
            candidate.c.agreement == open_rows.c.agreement,
            candidate.c.party == open_rows.c.party,
            candidate.c.valid_from <= t,
        )
        # two changes at one instant: the later-recorded one holds
        .order_by(candidate.c.valid_from.desc(), candidate.c.id.desc())
        .limit(1)
        .correlate(open_rows)
        .scalar_subquery()
    )
    query = (
        select(party_status)
        .select_from(open_rows.join(party_status, party_status.c.id == latest_id))
        .where(open_rows.c.valid_to.is_(None))
        .where(or_(party_status.c.valid_to.is_(None), party_status.c.valid_to > t))
        .order_by(party_status.c.agreement, party_status.c.party)
    )
    if agreement:
        query = query.where(open_rows.c.agreement == agreement.strip().upper())
    if party:
        query = query.where(open_rows.c.party == party)
    with views.reading() as conn:
        return [
            StatusRow(
                agreement=row["agreement"],
                party=row["party"],
                status=row["status"],
                detail=row["detail"],
                since=row["valid_from"],
                because=row["because"].split(),
            )
            for row in conn.execute(query).mappings()
        ]


def status_known_at(
    app: GovernanceBase,
    views: ReadModels,
    moment: datetime,
    known_at: datetime | None = None,
    agreement: str | None = None,
    party: str | None = None,
) -> list[StatusRow]:
    """The status as of `moment` in effective time: as known now (the read model's indexed
    lookup), or as the record stood at `known_at` (a replay of the events recorded by then).
    Each status that rests on a resolution carries that resolution's vote, as known then."""
    if known_at is None:
        rows = status_as_of(views, moment, agreement, party)
    else:
        rows = status_in(replay_status(app, known_at), moment, agreement, party)
    return with_decisions(app, rows, moment, known_at)


def timeline_rows(
    views: ReadModels, aggregate_id: str | None = None, *, sentences: bool = False
) -> list[dict[str, Any]]:
    """The steps in effective time; with `sentences`, also each step's translatable message
    (for a person's screen: the API and --json keep to the English `summary`)."""
    shown = [c for c in timeline.c if sentences or c.name != "sentence"]
    query = select(*shown).order_by(timeline.c.at, timeline.c.position)
    if aggregate_id:
        query = query.where(timeline.c.aggregate_id == aggregate_id)
    with views.reading() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def deadline_rows(
    views: ReadModels, states: tuple[str, ...] = ("pending",)
) -> list[dict[str, Any]]:
    query = select(deadlines).where(deadlines.c.state.in_(states)).order_by(deadlines.c.due_at)
    with views.reading() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def deadline_state(row: dict[str, Any], now: datetime, overdue_after: float) -> str:
    """pending until due; due once its time has come; overdue when it stayed unfired too long."""
    if row["state"] != "pending":
        return str(row["state"])
    late = now - from_time_key(row["due_at"])
    if late.total_seconds() > overdue_after:
        return "overdue"
    return "due" if late.total_seconds() >= 0 else "pending"


def actions_for(views: ReadModels, role: str | None = None) -> list[dict[str, Any]]:
    """Open actions; `secretary:GM0090` sees only ballots its municipality has not cast."""
    query = select(open_actions).order_by(open_actions.c.due_at, open_actions.c.id)
    member = ""
    if role:
        base, _, identity = role.partition(":")
        query = query.where(open_actions.c.role == base)
        member = identity if base == "secretary" else ""
    with views.reading() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
        if member:
            cast = {
                r.consultation_id
                for r in conn.execute(
                    select(tally_voters.c.consultation_id).where(
                        and_(tally_voters.c.member == member, tally_voters.c.choice.is_not(None))
                    )
                )
            }
            rows = [r for r in rows if r["subject_id"] not in cast]
    return rows


def log_entries(
    app: GovernanceBase,
    start: int,
    limit: int,
    *,
    aggregate: str = "",
    event: str = "",
    actor: str = "",
    viewer: Actor | None = None,
) -> tuple[list[LogEntry], int | None]:
    """A page of the event log filtered by aggregate id (or its start), event and actor; and
    where the next page starts, if there is one. For a secretary `viewer`, other members'
    ballots in consultations not yet closed are sealed (before filtering: a filter must not
    tell what the entry hides)."""
    entries: list[LogEntry] = []
    last = start - 1
    secrecy = BallotSecrecy(app, viewer)
    for n in app.notifications(start=start):
        last = n.id
        if aggregate and not str(n.originator_id).startswith(aggregate.strip()):
            continue
        entry = secrecy.entry(describe(n.id, app.mapper.to_domain_event(n)))
        if (event and event.lower() not in entry.event.lower()) or (
            actor and actor.lower() not in entry.actor.lower()
        ):
            continue
        entries.append(entry)
        if len(entries) >= limit:
            return entries, last + 1
    return entries, None


BALLOT_EVENTS = ("Consultation.BallotCast", "Consultation.BallotRecast")
SEALED_EVENT = "Consultation.Ballot"
SEALED = "another member's ballot: secret until the consultation closes"


class BallotSecrecy:
    """What a viewer may see of ballots: a secretary sees only its own member's ballots while
    a consultation is not closed; officers, the board and auditors see everything."""

    def __init__(self, app: GovernanceBase, viewer: Actor | None) -> None:
        self.app = app
        self.member = (
            viewer.identity if viewer is not None and viewer.role is Role.SECRETARY else None
        )
        self._sealed: dict[str, bool] = {}

    @property
    def applies(self) -> bool:
        return self.member is not None

    def sealed(self, consultation_id: str) -> bool:
        if self.member is None:
            return False
        if consultation_id not in self._sealed:
            found: object = self.app.repository.get(UUID(consultation_id))
            self._sealed[consultation_id] = not getattr(found, "closed", True)
        return self._sealed[consultation_id]

    def hides(self, member: str, consultation_id: str) -> bool:
        return self.member is not None and member != self.member and self.sealed(consultation_id)

    def entry(self, entry: LogEntry) -> LogEntry:
        if entry.event not in BALLOT_EVENTS or not self.hides(
            str(entry.data.get("member", "")), entry.aggregate_id
        ):
            return entry
        return dataclasses.replace(entry, event=SEALED_EVENT, actor="", data={"sealed": SEALED})

    def explanations(
        self, consultation_id: str, rows: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        return [r for r in rows if not self.hides(str(r["member"]), consultation_id)]

    def history(self, found: dict[str, Any]) -> dict[str, Any]:
        """An aggregate's history (`HistoryService.history`) as this viewer may see it."""
        if found.get("type") != "Consultation" or not self.sealed(str(found["id"])):
            return found
        state = dict(found["state"])
        ballots = state.get("ballots")
        if isinstance(ballots, dict):
            state["ballots"] = {m: b for m, b in ballots.items() if m == self.member}
        own = f"{Role.SECRETARY.value}:{self.member}"
        events = [
            {**e, "event": SEALED_EVENT, "actor": ""}
            if e.get("event") in BALLOT_EVENTS and e.get("actor") != own
            else e
            for e in found["events"]
        ]
        return {**found, "state": state, "events": events}


def _iso(key: str) -> str:
    return from_time_key(key).isoformat(timespec="minutes")


def _latest(conn: Any, table: Any, t: str, *conditions: Any) -> Any:
    return (
        conn.execute(
            select(table)
            .where(table.c.valid_from <= t, *conditions)
            .order_by(table.c.valid_from.desc(), table.c.id.desc())
            .limit(1)
        )
        .mappings()
        .first()
    )


def entitlement(
    views: ReadModels, scheme: str, region: str, year: int, moment: datetime
) -> dict[str, Any]:
    """What `region` is entitled to from `scheme` in `year`, as of `moment`, and why."""
    t = time_key(moment)
    code = scheme.strip().upper()
    why: list[str] = []
    with views.reading() as conn:
        registered = conn.execute(
            select(funding_rules.c.scheme_id).where(
                funding_rules.c.scheme == code, funding_rules.c.kind == "registered"
            )
        ).scalar()
        rule = alloc = budget = None
        if registered is not None:
            rule = _latest(
                conn,
                funding_rules,
                t,
                funding_rules.c.scheme_id == registered,
                funding_rules.c.year == year,
            )
            alloc = _latest(
                conn,
                funding_allocations,
                t,
                funding_allocations.c.scheme_id == registered,
                funding_allocations.c.region == region,
                funding_allocations.c.year == year,
            )
        budget = _latest(
            conn,
            region_budgets,
            t,
            region_budgets.c.region_id == str(region_id(region)),
            region_budgets.c.scheme == code,
            region_budgets.c.year == year,
        )
    result: dict[str, Any] = {
        "scheme": code,
        "region": region,
        "year": year,
        "as_of": moment.isoformat(),
        "status": "unknown",
        "allocation_cents": None,
        "cut_pct": None,
        "entitled_cents": None,
        "budget_cents": budget["amount_cents"] if budget else None,
        "difference_cents": None,
        "why": why,
    }
    if registered is None:
        why.append(f"no grant scheme {code} as of this moment")
        return result
    if alloc is None:
        why.append(f"no allocation to {region} for {year} recorded as of this moment")
        return result
    result["allocation_cents"] = alloc["amount_cents"]
    why.append(
        f"allocation {euros(alloc['amount_cents'])} ({alloc['reference']}; {alloc['because']})"
    )
    if rule is None:
        why.append(f"no rule for {year} as of this moment")
        return result
    year_rule = YearRule(
        year=year,
        kind=RuleKind(rule["kind"]),
        cut_pct=rule["cut_pct"],
        agreement=rule["agreement"],
        party=rule["party"],
        keeps_on=tuple(filter(None, rule["keeps_on"].split("|"))),
        note=rule["note"],
    )
    result["cut_pct"] = year_rule.cut_pct
    why.append(
        f"rule for {year}: {year_rule.kind.value}, cut {year_rule.cut_pct}% "
        f"({rule['because']})" + (f"; {year_rule.note}" if year_rule.note else "")
    )
    if year_rule.kind is RuleKind.DEPENDS:
        found = status_as_of(views, moment, year_rule.agreement, year_rule.party)
        status = found[0].status if found else "not a party"
        if found:
            why.append(
                f"{year_rule.party} in {year_rule.agreement}: {status} since "
                f"{_iso(found[0].since)} ({' '.join(found[0].because)})"
            )
        if status == PartyStatus.WITHDRAWN.value:
            result.update(status="not entitled", entitled_cents=0)
        elif status not in year_rule.keeps_on:
            result["status"] = "pending"
            why.append(
                f"depends on {year_rule.party} reaching "
                f"{' or '.join(year_rule.keeps_on)} in {year_rule.agreement}"
            )
            return result
    if result["status"] == "unknown":
        result.update(status="entitled", entitled_cents=year_rule.apply(alloc["amount_cents"]))
    if budget is not None and result["entitled_cents"] is not None:
        result["difference_cents"] = result["entitled_cents"] - budget["amount_cents"]
    return result
