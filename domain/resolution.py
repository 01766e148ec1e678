"""An ALV resolution or motion: tabled, voted with weighted votes, and its conditions met,
revoked or declared failed; a condition may lift part of the effect before the others are met."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.agreement import PartyStatus
from domain.errors import ConflictError, InvalidInputError, NotFoundError
from domain.messages import N_
from domain.rules import (
    WeightedResult,
    agreement_code,
    party_name,
    require_aware,
    require_reason,
    require_text,
)


class ResolutionKind(StrEnum):
    RESOLUTION = "resolution"
    MOTION = "motion"


class Lift(StrEnum):
    """A part of the effect that one condition lifts on its own, before all are met."""

    TALKS = "talks"  # back at the table: talks resume, participation stays suspended


# The status a party under the effect takes while a lifted part is the furthest it got.
LIFTED_STATUS = {Lift.TALKS: PartyStatus.TALKS_RESUMED}


class ConditionState(StrEnum):
    OPEN = "open"
    MET = "met"
    FAILED = "failed"


class UnknownResolutionError(NotFoundError):
    code = "unknown_resolution"


class ResolutionStateError(ConflictError):
    code = "resolution_state"


class ConditionStateError(ConflictError):
    code = "condition_state"


class CorrectionError(ConflictError):
    code = "correction_refused"


@dataclass(frozen=True)
class PartialLift:
    """Condition `condition` lifts `part` of the effect on its own, on every agreement the
    resolution suspends or only on `agreement`."""

    condition: int
    part: Lift
    agreement: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "condition": str(self.condition),
            "part": self.part.value,
            "agreement": self.agreement,
        }

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> PartialLift:
        return cls(int(data["condition"]), Lift(data["part"]), data.get("agreement", ""))

    def applies_to(self, agreement: str) -> bool:
        return self.agreement in ("", agreement)

    def describe(self) -> str:
        return self.part.value + (f" in {self.agreement}" if self.agreement else "")


def parse_lifts(values: list[str]) -> list[PartialLift]:
    """`CONDITION:PART[:AGREEMENT]` texts, e.g. `1:talks` or `1:talks:AZWA`."""
    lifts: list[PartialLift] = []
    options = ", ".join(lift.value for lift in Lift)
    for value in values:
        fields = [f.strip() for f in str(value).split(":")]
        if len(fields) not in (2, 3) or not fields[0].isdigit():
            raise InvalidInputError(
                N_(
                    "lifts takes CONDITION:PART[:AGREEMENT], e.g. 1:talks:AZWA (got %(value)r)",
                    value=value,
                )
            )
        try:
            part = Lift(fields[1].lower())
        except ValueError:
            raise InvalidInputError(
                N_(
                    "unknown part %(part)r to lift (one of: %(options)s)",
                    part=fields[1],
                    options=options,
                )
            ) from None
        scope = agreement_code(fields[2]) if len(fields) == 3 else ""
        lifts.append(PartialLift(int(fields[0]), part, scope))
    return lifts


def _conditions(count: int) -> str:
    return f"{count} condition" + ("" if count == 1 else "s")


def effect(party: str, agreement: str) -> dict[str, str]:
    """An effect while the conditions are unmet: `party` suspends participation in `agreement`."""
    return {
        "party": party_name(party),
        "agreement": agreement_code(agreement),
        "status": PartyStatus.SUSPENDED.value,
    }


class Resolution(GovernanceAggregate):
    class Tabled(Aggregate.Created):
        kind: str
        title: str
        text: str
        tabled_by: str
        assembly_id: str
        conditions: list[str]
        effects: list[dict[str, str]]
        actor: str
        reason: str
        at: datetime

    class Adopted(Aggregate.Event):
        yes_pct: Decimal | None
        yes_weight: int | None
        no_weight: int | None
        actor: str
        reason: str
        at: datetime

    class Rejected(Aggregate.Event):
        yes_pct: Decimal | None
        yes_weight: int | None
        no_weight: int | None
        actor: str
        reason: str
        at: datetime

    class ConditionMet(Aggregate.Event):
        condition: int
        evidence: str
        actor: str
        reason: str
        at: datetime

    class Fulfilled(Aggregate.Event):
        actor: str
        reason: str
        at: datetime

    # Recorded with Tabled when a condition lifts a part of the effect on its own; a resolution
    # without it (every one tabled before it existed) lifts its whole effect at once.
    class ConditionEffectsRecorded(Aggregate.Event):
        lifts: list[dict[str, str]]  # PartialLift.as_dict()
        actor: str
        reason: str
        at: datetime

    class ConditionRevoked(Aggregate.Event):
        condition: int
        previous: str  # the state it leaves: met or failed
        evidence: str
        actor: str
        reason: str
        at: datetime

    class ConditionFailed(Aggregate.Event):
        condition: int
        evidence: str
        actor: str
        reason: str
        at: datetime

    # A mistyped percentage put right. Recorded now but effective when the decision was, so
    # "as of" shows the corrected figure and "known at" a moment before it the one first written.
    class DecisionCorrected(Aggregate.Event):
        yes_pct: Decimal
        previous: Decimal | None
        actor: str
        reason: str
        at: datetime

    kind: str
    title: str
    tabled_by: str
    assembly_id: str
    conditions: list[str]
    effects: list[dict[str, str]]
    outcome: str  # "", "adopted" or "rejected"
    yes_pct: Decimal | None
    decided_at: datetime | None  # when the vote took effect: a correction takes effect then too
    counted: bool  # the percentage was counted from recorded weights, not published
    met: dict[str, str]  # condition number (as text) -> evidence
    failed: dict[str, str]  # condition number (as text) -> evidence
    lifts: list[dict[str, str]]  # PartialLift.as_dict(): the parts conditions lift on their own
    fulfilled: bool

    @classmethod
    def table(
        cls,
        *,
        kind: ResolutionKind,
        title: str,
        text: str,
        tabled_by: str,
        conditions: list[str],
        effects: list[dict[str, str]],
        actor: str,
        reason: str,
        at: datetime,
        assembly_id: str = "",
        lifts: list[PartialLift] | None = None,
    ) -> Resolution:
        require_aware(at, "now")
        if effects and not conditions and kind is ResolutionKind.RESOLUTION:
            raise InvalidInputError(
                N_("an effect lasts until conditions are met: name the conditions")
            )
        lifts = list(lifts or [])
        if lifts and not effects:
            raise InvalidInputError(
                N_("a condition lifts part of an effect: name the effect (what it suspends)")
            )
        suspended = {e["agreement"] for e in effects}
        seen: set[tuple[int, str]] = set()
        for lift in lifts:
            if not 1 <= lift.condition <= len(conditions):
                raise InvalidInputError(
                    N_(
                        "a part to lift names condition %(condition)s, but the conditions are "
                        "1..%(n_conditions)s",
                        condition=lift.condition,
                        n_conditions=len(conditions),
                    )
                )
            if lift.agreement and lift.agreement not in suspended:
                raise InvalidInputError(
                    N_(
                        "condition %(condition)s lifts %(part)s, but the resolution "
                        "suspends only %(suspended)s",
                        condition=lift.condition,
                        part=lift.describe(),
                        suspended=", ".join(sorted(suspended)),
                    )
                )
            if (lift.condition, lift.agreement) in seen:
                raise InvalidInputError(
                    N_(
                        "condition %(condition)s is given a part to lift twice",
                        condition=lift.condition,
                    )
                )
            seen.add((lift.condition, lift.agreement))
        why = require_reason(reason, "table a resolution")
        resolution = cls(
            kind=kind.value,
            title=require_text(title, "the title", 300),
            text=text.strip(),
            tabled_by=require_text(tabled_by, "who tabled it", 80),
            assembly_id=assembly_id,
            conditions=[require_text(c, "a condition", 500) for c in conditions],
            effects=list(effects),
            actor=actor,
            reason=why,
            at=at,
        )
        if lifts:
            resolution._condition_effects_recorded(
                lifts=[lift.as_dict() for lift in lifts],
                actor=actor,
                reason=why,
                at=at,
            )
        return resolution

    @event(Tabled)
    def __init__(
        self,
        kind: str,
        title: str,
        text: str,
        tabled_by: str,
        assembly_id: str,
        conditions: list[str],
        effects: list[dict[str, str]],
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.kind = kind
        self.title = title
        self.tabled_by = tabled_by
        self.assembly_id = assembly_id
        self.conditions = conditions
        self.effects = effects
        self.outcome = ""
        self.yes_pct = None
        self.decided_at = None
        self.counted = False
        self.met = {}
        self.failed = {}
        self.lifts = []
        self.fulfilled = False

    def decide(self, result: WeightedResult, *, actor: str, reason: str, at: datetime) -> bool:
        """Record the vote; False when this same outcome was recorded already."""
        require_aware(at, "now")
        outcome = "adopted" if result.adopted else "rejected"
        if self.outcome:
            if self.outcome == outcome and self.yes_pct == result.yes_pct:
                return False
            raise ResolutionStateError(
                N_("resolution %(id)s was %(was)s already", id=self.id, was=self.outcome)
            )
        trigger = self._adopted if result.adopted else self._rejected
        trigger(
            yes_pct=result.yes_pct,
            yes_weight=result.yes_weight,
            no_weight=result.no_weight,
            actor=actor,
            reason=require_reason(reason, "record a vote"),
            at=at,
        )
        return True

    def correct_decision(self, yes_pct: str | Decimal, *, actor: str, reason: str) -> bool:
        """Put right the recorded percentage in favour; False when it says this already.

        The outcome stays: a figure that would turn adopted into rejected (or back) is not a
        typing error to correct but a different decision, which must be taken and recorded."""
        if not self.outcome or self.decided_at is None:
            raise ResolutionStateError(
                N_(
                    "resolution %(id)s is not voted yet: there is no decision to correct",
                    id=self.id,
                )
            )
        if self.counted:
            raise CorrectionError(
                N_(
                    "the percentage of resolution %(id)s was counted from the recorded weights: "
                    "correct the vote, not the percentage",
                    id=self.id,
                )
            )
        corrected = WeightedResult.published(yes_pct)
        pct = corrected.yes_pct
        if pct is None or self.yes_pct == pct:  # a published result always has its figure
            return False
        outcome = "adopted" if corrected.adopted else "rejected"
        if outcome != self.outcome:
            raise CorrectionError(
                N_(
                    "%(pct)s%% in favour would make resolution %(id)s %(outcome)s, but it was "
                    "%(was)s: a correction cannot change the outcome; that takes a new decision",
                    pct=pct,
                    id=self.id,
                    outcome=outcome,
                    was=self.outcome,
                )
            )
        self._decision_corrected(
            yes_pct=pct,
            previous=self.yes_pct,
            actor=actor,
            reason=require_reason(reason, "correct a decision"),
            at=self.decided_at,
        )
        return True

    def meet_condition(
        self, number: int, *, evidence: str, actor: str, reason: str, at: datetime
    ) -> bool:
        """Record condition `number` (1-based) as met; the last one fulfils the resolution.

        False when it was met with this same evidence already (a retry writes nothing)."""
        key = self._check_condition(number, at)
        evidence = require_text(evidence, "the evidence")
        if key in self.failed:
            raise ConditionStateError(
                N_(
                    "condition %(number)s of resolution %(id)s was declared failed "
                    "(%(failed)s): revoke that first",
                    number=number,
                    id=self.id,
                    failed=self.failed[key],
                )
            )
        if key in self.met:
            if self.met[key] == evidence:
                return False
            raise ConditionStateError(
                N_(
                    "condition %(number)s of resolution %(id)s was met already "
                    "(%(met)s): revoke it first to record other evidence",
                    number=number,
                    id=self.id,
                    met=self.met[key],
                )
            )
        self._condition_met(
            condition=number,
            evidence=evidence,
            actor=actor,
            reason=require_reason(reason, "meet a condition"),
            at=at,
        )
        if self.all_met():
            self._fulfilled(actor=actor, reason="all conditions met", at=at)
        return True

    def revoke_condition(
        self, number: int, *, evidence: str, actor: str, reason: str, at: datetime
    ) -> bool:
        """Withdraw what was found about condition `number` (met, or failed): it is open again."""
        key = self._check_condition(number, at)
        self._require_unfulfilled(number, "revoked")
        if key in self.met:
            previous = ConditionState.MET
        elif key in self.failed:
            previous = ConditionState.FAILED
        else:
            raise ConditionStateError(
                N_(
                    "condition %(number)s of resolution %(id)s is open (neither met nor failed): "
                    "nothing to revoke",
                    number=number,
                    id=self.id,
                )
            )
        self._condition_revoked(
            condition=number,
            previous=previous.value,
            evidence=require_text(evidence, "the evidence"),
            actor=actor,
            reason=require_reason(reason, "revoke a condition"),
            at=at,
        )
        return True

    def declare_failed(
        self, number: int, *, evidence: str, actor: str, reason: str, at: datetime
    ) -> bool:
        """Record that condition `number` failed; the effect stays until it is revoked and met.

        False when it was declared failed with this same evidence already."""
        key = self._check_condition(number, at)
        self._require_unfulfilled(number, "declared failed")
        evidence = require_text(evidence, "the evidence")
        if key in self.met:
            raise ConditionStateError(
                N_(
                    "condition %(number)s of resolution %(id)s is met (%(met)s): revoke it first",
                    number=number,
                    id=self.id,
                    met=self.met[key],
                )
            )
        if key in self.failed:
            if self.failed[key] == evidence:
                return False
            raise ConditionStateError(
                N_(
                    "condition %(number)s of resolution %(id)s was declared failed already "
                    "(%(failed)s)",
                    number=number,
                    id=self.id,
                    failed=self.failed[key],
                )
            )
        self._condition_failed(
            condition=number,
            evidence=evidence,
            actor=actor,
            reason=require_reason(reason, "declare a condition failed"),
            at=at,
        )
        return True

    def _check_condition(self, number: int, at: datetime) -> str:
        require_aware(at, "now")
        if self.outcome != "adopted":
            raise ResolutionStateError(
                N_(
                    "resolution %(id)s is %(outcome)s: its conditions do not apply",
                    id=self.id,
                    outcome=self.outcome or N_("not voted yet"),
                )
            )
        if isinstance(number, bool) or not 1 <= number <= len(self.conditions):
            raise InvalidInputError(
                N_(
                    "resolution %(id)s has conditions 1..%(n_conditions)s, not %(number)s",
                    id=self.id,
                    n_conditions=len(self.conditions),
                    number=number,
                )
            )
        return str(number)

    def _require_unfulfilled(self, number: int, doing: str) -> None:
        # Fulfilment lifted the effect; suspending again takes a new decision, not a revocation.
        if self.fulfilled:
            raise ResolutionStateError(
                N_(
                    "resolution %(id)s is fulfilled and its effect lifted: condition %(number)s "
                    "can no longer be %(doing)s",
                    id=self.id,
                    number=number,
                    doing=doing,
                )
            )

    # --- where the parties under the effect stand ------------------------------------------

    def all_met(self) -> bool:
        return bool(self.conditions) and len(self.met) == len(self.conditions)

    def state_of(self, number: int) -> ConditionState:
        key = str(number)
        if key in self.met:
            return ConditionState.MET
        return ConditionState.FAILED if key in self.failed else ConditionState.OPEN

    def partial_lifts(self) -> list[PartialLift]:
        return [PartialLift.from_dict(d) for d in self.lifts]

    def lifted(self, agreement: str) -> set[Lift]:
        """The parts of the effect on `agreement` lifted by the conditions met so far."""
        return {
            lift.part
            for lift in self.partial_lifts()
            if str(lift.condition) in self.met and lift.applies_to(agreement)
        }

    def standing(self, agreement: str) -> tuple[PartyStatus, str]:
        """Where a party under the effect on `agreement` stands: its status, and the partial
        state that explains it."""
        total = len(self.conditions)
        if self.fulfilled or self.all_met():
            return PartyStatus.RESUMED, f"all {_conditions(total)} of '{self.title}' met"
        lifted = self.lifted(agreement)
        status = PartyStatus.SUSPENDED
        for lift in Lift:  # the furthest part lifted decides the status
            if lift in lifted:
                status = LIFTED_STATUS[lift]
        parts = [f"{len(self.met)} of {_conditions(total)} met"]
        parts += [f"condition {n} failed" for n in sorted(int(k) for k in self.failed)]
        still = "participation still suspended " if status is not PartyStatus.SUSPENDED else ""
        parts.append(f"{still}until all conditions of '{self.title}' are met")
        return status, "; ".join(parts)

    @event(Adopted)
    def _adopted(
        self,
        yes_pct: Decimal | None,
        yes_weight: int | None,
        no_weight: int | None,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.outcome = "adopted"
        self.yes_pct = yes_pct
        self.decided_at = at
        self.counted = yes_weight is not None

    @event(Rejected)
    def _rejected(
        self,
        yes_pct: Decimal | None,
        yes_weight: int | None,
        no_weight: int | None,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.outcome = "rejected"
        self.yes_pct = yes_pct
        self.decided_at = at
        self.counted = yes_weight is not None

    @event(DecisionCorrected)
    def _decision_corrected(
        self, yes_pct: Decimal, previous: Decimal | None, actor: str, reason: str, at: datetime
    ) -> None:
        self.yes_pct = yes_pct

    @event(ConditionMet)
    def _condition_met(
        self, condition: int, evidence: str, actor: str, reason: str, at: datetime
    ) -> None:
        self.met[str(condition)] = evidence

    @event(Fulfilled)
    def _fulfilled(self, actor: str, reason: str, at: datetime) -> None:
        self.fulfilled = True

    @event(ConditionEffectsRecorded)
    def _condition_effects_recorded(
        self, lifts: list[dict[str, str]], actor: str, reason: str, at: datetime
    ) -> None:
        self.lifts = [dict(d) for d in lifts]

    @event(ConditionRevoked)
    def _condition_revoked(
        self, condition: int, previous: str, evidence: str, actor: str, reason: str, at: datetime
    ) -> None:
        self.met.pop(str(condition), None)
        self.failed.pop(str(condition), None)

    @event(ConditionFailed)
    def _condition_failed(
        self, condition: int, evidence: str, actor: str, reason: str, at: datetime
    ) -> None:
        self.failed[str(condition)] = evidence

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "kind": self.kind,
            "title": self.title,
            "tabled_by": self.tabled_by,
            "outcome": self.outcome or "pending",
            "yes_pct": str(self.yes_pct) if self.yes_pct is not None else None,
            "conditions": [
                {
                    "number": i,
                    "text": c,
                    "state": self.state_of(i).value,
                    "met": str(i) in self.met,
                    "evidence": self.met.get(str(i), self.failed.get(str(i), "")),
                    "lifts": [
                        lift.describe() for lift in self.partial_lifts() if lift.condition == i
                    ],
                }
                for i, c in enumerate(self.conditions, start=1)
            ],
            "conditions_met": len(self.met),
            "effects": list(self.effects),
            "lifted": sorted(
                {
                    lift.describe()
                    for lift in self.partial_lifts()
                    if str(lift.condition) in self.met and not self.fulfilled
                }
            ),
            "fulfilled": self.fulfilled,
        }
