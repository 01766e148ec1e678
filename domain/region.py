"""An IZA region: its municipalities, its governing committee, its mandate municipality, and the
decisions it takes, some of them waiting for a national outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.actor import MEMBER_CODE
from domain.aggregate import GovernanceAggregate
from domain.agreement import PartyStatus
from domain.errors import ConflictError, InvalidInputError, NotFoundError
from domain.ids import natural_id
from domain.messages import N_
from domain.rules import agreement_code, party_name, require_reason, require_text


class UnknownRegionError(NotFoundError):
    code = "unknown_region"


class RegionStateError(ConflictError):
    code = "region_state"


def region_id(name: str) -> UUID:
    return natural_id("region", " ".join(name.split()).lower())


class Region(GovernanceAggregate):
    class Registered(Aggregate.Created):
        name: str
        committee: str
        mandate_municipality: str
        members: list[str]
        actor: str
        reason: str
        at: datetime

    class DecisionRecorded(Aggregate.Event):
        number: int
        body: str
        text: str
        decided_on: datetime
        actor: str
        reason: str
        at: datetime

    class ConditionalDecisionRecorded(Aggregate.Event):
        number: int
        body: str
        text: str
        decided_on: datetime
        agreement: str
        party: str
        reopen_on: list[str]
        moot_on: list[str]
        actor: str
        reason: str
        at: datetime

    class DecisionReopened(Aggregate.Event):
        number: int
        cause: str
        actor: str
        at: datetime

    class DecisionMoot(Aggregate.Event):
        number: int
        cause: str
        actor: str
        at: datetime

    class BudgetRecorded(Aggregate.Event):
        scheme: str
        year: int
        amount_cents: int
        actor: str
        reason: str
        at: datetime

    name: str
    committee: str
    mandate_municipality: str
    members: list[str]
    decisions: dict[str, dict[str, Any]]
    budgets: dict[str, int]

    @staticmethod
    def create_id(name: str) -> UUID:
        return region_id(name)

    @classmethod
    def register(
        cls,
        *,
        name: str,
        committee: str,
        mandate_municipality: str,
        members: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> Region:
        bad = [m for m in members if not MEMBER_CODE.match(m)]
        if bad or not members:
            raise InvalidInputError(
                N_(
                    "a region lists its municipalities by CBS code (bad: %(bad)s)",
                    bad=", ".join(bad) or N_("none"),
                )
            )
        if mandate_municipality not in members:
            raise InvalidInputError(
                N_(
                    "the mandate municipality %(mandate_municipality)s is not in the region",
                    mandate_municipality=mandate_municipality,
                )
            )
        return cls(
            name=require_text(name, "the name", 80),
            committee=require_text(committee, "the committee", 120),
            mandate_municipality=mandate_municipality,
            members=sorted(set(members)),
            actor=actor,
            reason=require_reason(reason, "register a region"),
            at=at,
        )

    @event(Registered)
    def __init__(
        self,
        name: str,
        committee: str,
        mandate_municipality: str,
        members: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.name = name
        self.committee = committee
        self.mandate_municipality = mandate_municipality
        self.members = members
        self.decisions = {}
        self.budgets = {}

    def decide(
        self, *, body: str, text: str, decided_on: datetime, actor: str, reason: str, at: datetime
    ) -> int:
        number = len(self.decisions) + 1
        self._decision_recorded(
            number=number,
            body=require_text(body, "the body", 120),
            text=require_text(text, "the decision"),
            decided_on=decided_on,
            actor=actor,
            reason=require_reason(reason, "record a decision"),
            at=at,
        )
        return number

    def decide_conditionally(
        self,
        *,
        body: str,
        text: str,
        decided_on: datetime,
        agreement: str,
        party: str,
        reopen_on: list[PartyStatus],
        moot_on: list[PartyStatus],
        actor: str,
        reason: str,
        at: datetime,
    ) -> int:
        """A decision that waits: reopened when `party` reaches a `reopen_on` status in
        `agreement`, closed as moot when it reaches a `moot_on` status instead."""
        if not reopen_on or set(reopen_on) & set(moot_on):
            raise InvalidInputError(
                N_(
                    "name the outcome that reopens it, and keep it apart from "
                    "the outcome that makes it moot"
                )
            )
        number = len(self.decisions) + 1
        self._conditional_recorded(
            number=number,
            body=require_text(body, "the body", 120),
            text=require_text(text, "the decision"),
            decided_on=decided_on,
            agreement=agreement_code(agreement),
            party=party_name(party),
            reopen_on=[s.value for s in reopen_on],
            moot_on=[s.value for s in moot_on],
            actor=actor,
            reason=require_reason(reason, "record a decision"),
            at=at,
        )
        return number

    def waiting_on(self, agreement: str, party: str) -> list[int]:
        return [
            int(n)
            for n, d in self.decisions.items()
            if d["state"] == "waiting" and (d["agreement"], d["party"]) == (agreement, party)
        ]

    def react(
        self, agreement: str, party: str, status: str, *, cause: str, actor: str, at: datetime
    ) -> list[tuple[int, str]]:
        """Reopen or close the decisions that waited for this outcome; returns what changed."""
        changed: list[tuple[int, str]] = []
        for number in self.waiting_on(agreement, party):
            decision = self.decisions[str(number)]
            if status in decision["reopen_on"]:
                self._reopened(number=number, cause=cause, actor=actor, at=at)
                changed.append((number, "reopened"))
            elif status in decision["moot_on"]:
                self._moot(number=number, cause=cause, actor=actor, at=at)
                changed.append((number, "moot"))
        return changed

    def record_budget(
        self, *, scheme: str, year: int, amount_cents: int, actor: str, reason: str, at: datetime
    ) -> None:
        if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents < 0:
            raise InvalidInputError(N_("a budget is a whole, non-negative number of euro cents"))
        if not 2000 <= year <= 2100:
            raise InvalidInputError(N_("implausible budget year %(year)s", year=year))
        self._budget_recorded(
            scheme=require_text(scheme, "the scheme", 40),
            year=year,
            amount_cents=amount_cents,
            actor=actor,
            reason=require_reason(reason, "record a budget"),
            at=at,
        )

    @event(DecisionRecorded)
    def _decision_recorded(
        self,
        number: int,
        body: str,
        text: str,
        decided_on: datetime,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.decisions[str(number)] = {
            "body": body,
            "text": text,
            "state": "standing",
            "agreement": "",
            "party": "",
            "reopen_on": [],
            "moot_on": [],
        }

    @event(ConditionalDecisionRecorded)
    def _conditional_recorded(
        self,
        number: int,
        body: str,
        text: str,
        decided_on: datetime,
        agreement: str,
        party: str,
        reopen_on: list[str],
        moot_on: list[str],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.decisions[str(number)] = {
            "body": body,
            "text": text,
            "state": "waiting",
            "agreement": agreement,
            "party": party,
            "reopen_on": reopen_on,
            "moot_on": moot_on,
        }

    @event(DecisionReopened)
    def _reopened(self, number: int, cause: str, actor: str, at: datetime) -> None:
        self.decisions[str(number)]["state"] = "reopened"

    @event(DecisionMoot)
    def _moot(self, number: int, cause: str, actor: str, at: datetime) -> None:
        self.decisions[str(number)]["state"] = "moot"

    @event(BudgetRecorded)
    def _budget_recorded(
        self, scheme: str, year: int, amount_cents: int, actor: str, reason: str, at: datetime
    ) -> None:
        self.budgets[f"{scheme}:{year}"] = amount_cents

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "committee": self.committee,
            "mandate_municipality": self.mandate_municipality,
            "members": list(self.members),
            "decisions": [
                {"number": int(n), **d}
                for n, d in sorted(self.decisions.items(), key=lambda kv: int(kv[0]))
            ],
            "budgets": dict(sorted(self.budgets.items())),
        }
