"""The board ratifies a consultation's outcome: it may follow the advice or depart from it.

One ratification per consultation: its id is derived from the consultation's, so a second
scheduling (in any process, at any moment) meets the first in the store. Its date may move, but
not to before the consultation closes unless someone confirms that with a reason; a decision on
a later day than the one it was due is recorded as late.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.deadlines import (
    CONFIRM_HINT,
    DateConflictError,
    decided_late,
    require_after_close,
)
from domain.errors import ConflictError, InvalidDeadlineError, InvalidInputError, NotFoundError
from domain.ids import natural_id
from domain.messages import N_
from domain.rules import (
    WeightedResult,
    agreement_code,
    party_name,
    require_aware,
    require_reason,
    require_text,
)
from domain.voting_rules import Outcome


class Decision(StrEnum):
    RATIFY = "ratify"
    REJECT = "reject"
    REFER = "refer"  # to the ALV, whose vote then decides

    @classmethod
    def parse(cls, text: str) -> Decision:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidInputError(
                N_("a board decision is ratify, reject or refer, not %(text)r", text=text)
            ) from None


class UnknownRatificationError(NotFoundError):
    code = "unknown_ratification"


class RatificationStateError(ConflictError):
    code = "ratification_state"


class RatificationExistsError(ConflictError):
    code = "ratification_exists"


def ratification_id(consultation_id: str) -> UUID:
    """The one ratification a consultation can have (ratifications scheduled before this rule
    have random ids; the services look those up too)."""
    return natural_id("ratification", consultation_id)


class BoardRatification(GovernanceAggregate):
    class Scheduled(Aggregate.Created):
        title: str
        scheduled_for: datetime
        timezone: str
        consultation_id: str
        party: str
        agreements: list[str]
        signing_ids: list[str]
        actor: str
        reason: str
        at: datetime
        # Added later, with defaults, so events recorded before them still load.
        conflict_confirmed: bool = False  # dated before the consultation closes, on purpose

    class Rescheduled(Aggregate.Event):
        scheduled_for: datetime
        previous_scheduled_for: datetime
        timezone: str
        conflict_confirmed: bool
        actor: str
        reason: str
        at: datetime

    class ConsultationOverrunConfirmed(Aggregate.Event):
        """The consultation was extended to close at or after the ratification's date, and
        someone confirmed that with a reason (recorded here, with the consultation's extension
        in the same commit)."""

        consultation_closes_at: datetime
        scheduled_for: datetime
        actor: str
        reason: str
        at: datetime

    class AdviceReceived(Aggregate.Event):
        advice: str  # "positive", "negative" or "none" (nobody voted); see domain/voting_rules
        yes_pct: Decimal | None
        cause: str
        actor: str
        reason: str
        at: datetime
        # Added with the voting rules; older events have none of it.
        detail: str = ""  # turnout, quorum, tie rule and a low-turnout warning, in one line
        quorum_met: bool | None = None
        low_turnout: bool = False

    class Decided(Aggregate.Event):
        decision: str
        follows_advice: bool
        rationale: str
        assembly_id: str
        actor: str
        reason: str
        at: datetime
        late: bool = False  # on a later day than scheduled; absent from older events

    class SettledByAssembly(Aggregate.Event):
        ratified: bool
        yes_pct: Decimal | None
        cause: str
        actor: str
        reason: str
        at: datetime

    class DueNotified(Aggregate.Event):
        actor: str
        at: datetime

    class Communicated(Aggregate.Event):
        to: list[str]
        reference: str
        actor: str
        reason: str
        at: datetime

    title: str
    scheduled_for: datetime
    consultation_id: str
    party: str
    agreements: list[str]
    signing_ids: list[str]
    advice: str
    decision: str
    outcome: str  # "", "ratified", "rejected"
    communicated: bool
    due_notified: bool
    # Class defaults: state that older aggregates' events never set.
    timezone: str = "Europe/Amsterdam"
    decided_at: datetime | None = None
    late: bool = False
    advice_detail: str = ""

    @staticmethod
    def create_id(consultation_id: str) -> UUID:
        return ratification_id(consultation_id)

    @classmethod
    def schedule(
        cls,
        *,
        title: str,
        scheduled_for: datetime,
        timezone: str,
        consultation_id: str,
        party: str,
        agreements: list[str],
        signing_ids: list[str],
        actor: str,
        reason: str,
        at: datetime,
        consultation_closes_at: datetime | None = None,
        confirm_conflict: bool = False,
    ) -> BoardRatification:
        """`consultation_closes_at` is None once the consultation has closed (its advice is
        there, whatever the date)."""
        require_aware(scheduled_for, "the date of the ratification")
        if not agreements:
            raise InvalidInputError(N_("a ratification names the agreements it decides on"))
        fields: dict[str, Any] = {
            "title": require_text(title, "the title", 300),
            "party": party_name(party),
            "agreements": [agreement_code(a) for a in agreements],
            "reason": require_reason(reason, "schedule a ratification"),
        }
        # The dates last: what was typed wrong is said before what contradicts the store.
        conflict = consultation_closes_at is not None and require_after_close(
            scheduled_for,
            consultation_closes_at,
            confirmed=confirm_conflict,
            doing="schedule the ratification",
        )
        return cls(
            scheduled_for=scheduled_for,
            timezone=timezone,
            consultation_id=consultation_id,
            signing_ids=signing_ids,
            actor=actor,
            at=at,
            conflict_confirmed=conflict,
            **fields,
        )

    @event(Scheduled)
    def __init__(
        self,
        title: str,
        scheduled_for: datetime,
        timezone: str,
        consultation_id: str,
        party: str,
        agreements: list[str],
        signing_ids: list[str],
        actor: str,
        reason: str,
        at: datetime,
        conflict_confirmed: bool = False,
    ) -> None:
        self.title = title
        self.scheduled_for = scheduled_for
        self.timezone = timezone
        self.consultation_id = consultation_id
        self.party = party
        self.agreements = agreements
        self.signing_ids = signing_ids
        self.advice = ""
        self.decision = ""
        self.outcome = ""
        self.communicated = False
        self.due_notified = False

    def reschedule(
        self,
        *,
        scheduled_for: datetime,
        timezone: str,
        actor: str,
        reason: str,
        at: datetime,
        consultation_closes_at: datetime | None = None,
        confirm_conflict: bool = False,
    ) -> None:
        """Move the board's date; the "ratification due" reminder moves with it."""
        require_aware(scheduled_for, "the new date of the ratification")
        require_aware(at, "now")
        if self.decision:
            raise RatificationStateError(
                N_(
                    "ratification %(id)s was decided already (%(decision)s); its date cannot move",
                    id=self.id,
                    decision=self.decision,
                )
            )
        if scheduled_for == self.scheduled_for:
            raise InvalidDeadlineError(
                N_(
                    "ratification %(id)s is scheduled for %(scheduled_for)s already",
                    id=self.id,
                    scheduled_for=scheduled_for,
                    tz=self.timezone,
                )
            )
        if scheduled_for <= at:
            raise InvalidDeadlineError(
                N_(
                    "the new date %(scheduled_for)s has already passed: a ratification moves to "
                    "a moment still ahead (a decision after its date is recorded as late)",
                    scheduled_for=scheduled_for,
                    tz=self.timezone,
                )
            )
        reason = require_reason(reason, "reschedule a ratification")
        conflict = consultation_closes_at is not None and require_after_close(
            scheduled_for,
            consultation_closes_at,
            confirmed=confirm_conflict,
            doing=f"reschedule ratification {self.id}",
        )
        self._rescheduled(
            scheduled_for=scheduled_for,
            previous_scheduled_for=self.scheduled_for,
            timezone=timezone,
            conflict_confirmed=conflict,
            actor=actor,
            reason=reason,
            at=at,
        )

    def overrun_by(self, consultation_closes_at: datetime) -> bool:
        """Whether a consultation closing then would leave the board without advice on its date."""
        return not self.decision and consultation_closes_at >= self.scheduled_for

    def confirm_overrun(
        self,
        *,
        consultation_closes_at: datetime,
        confirmed: bool,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        """Record that the consultation is extended past this ratification's date, on purpose;
        refused unless `confirmed`."""
        if not confirmed:
            raise DateConflictError(
                N_(
                    "cannot extend the consultation to %(consultation_closes_at)s: it would "
                    "close after its ratification %(id)s on %(scheduled_for)s; reschedule the "
                    "ratification first (akkoord board reschedule), or %(confirm_hint)s",
                    consultation_closes_at=consultation_closes_at,
                    id=self.id,
                    scheduled_for=self.scheduled_for,
                    confirm_hint=CONFIRM_HINT,
                    tz=self.timezone,
                )
            )
        self._overrun_confirmed(
            consultation_closes_at=consultation_closes_at,
            scheduled_for=self.scheduled_for,
            actor=actor,
            reason=require_reason(reason, "extend a consultation past its ratification"),
            at=at,
        )

    def receive_advice(
        self,
        result: WeightedResult | None,
        *,
        cause: str,
        actor: str,
        at: datetime,
        outcome: Outcome | None = None,
    ) -> bool:
        """`outcome`: what the consultation's voting rules made of its ballots; with it the
        advice carries turnout, quorum and the tie rule, and can be "tie" or "no quorum"."""
        if self.advice:
            return False
        advice = "none" if result is None else ("positive" if result.adopted else "negative")
        if outcome is not None:
            advice = outcome.advice
        self._advice_received(
            advice=advice,
            yes_pct=None if result is None else result.yes_pct,
            cause=cause,
            actor=actor,
            reason="the consultation closed",
            at=at,
            detail="" if outcome is None else outcome.summary(),
            quorum_met=None if outcome is None else outcome.quorum_met,
            low_turnout=False if outcome is None else outcome.low_turnout,
        )
        return True

    def decide(
        self,
        decision: Decision,
        *,
        rationale: str,
        actor: str,
        reason: str,
        at: datetime,
        assembly_id: str = "",
    ) -> None:
        require_aware(at, "now")
        if not self.advice:
            raise RatificationStateError(
                N_(
                    "ratification %(id)s: the consultation has not closed yet, there is no advice",
                    id=self.id,
                )
            )
        if self.decision:
            raise RatificationStateError(
                N_(
                    "ratification %(id)s was decided already (%(decision)s)",
                    id=self.id,
                    decision=self.decision,
                )
            )
        follows = (decision is Decision.RATIFY and self.advice == "positive") or (
            decision is Decision.REJECT and self.advice == "negative"
        )
        if not follows and not rationale.strip():
            raise InvalidInputError(
                N_(
                    "the advice was %(advice)s: a decision to %(decision)s needs a rationale",
                    advice=self.advice,
                    decision=decision.value,
                )
            )
        if decision is Decision.REFER and not assembly_id:
            raise InvalidInputError(N_("a referral names the ALV it goes to"))
        self._decided(
            late=decided_late(self.scheduled_for, self.timezone, at),
            decision=decision.value,
            follows_advice=follows,
            rationale=rationale.strip(),
            assembly_id=assembly_id if decision is Decision.REFER else "",
            actor=actor,
            reason=require_reason(reason, "record the board's decision"),
            at=at,
        )

    def settle_by_assembly(
        self, result: WeightedResult, *, cause: str, actor: str, at: datetime
    ) -> bool:
        if self.decision != Decision.REFER.value:
            raise RatificationStateError(
                N_("ratification %(id)s was not referred to the ALV", id=self.id)
            )
        if self.outcome:
            if self.outcome == ("ratified" if result.adopted else "rejected"):
                return False
            raise RatificationStateError(N_("ratification %(id)s was settled already", id=self.id))
        self._settled(
            ratified=result.adopted,
            yes_pct=result.yes_pct,
            cause=cause,
            actor=actor,
            reason="the ALV voted on the referred ratification",
            at=at,
        )
        return True

    def notify_due(self, *, actor: str, at: datetime) -> bool:
        """Record the "ratification due" reminder once per date; nothing once the board has
        decided, nor before the date (a timer still set for a date that moved)."""
        if self.decision or self.due_notified or at < self.scheduled_for:
            return False
        self._due_notified(actor=actor, at=at)
        return True

    def communicate(
        self, *, to: list[str], reference: str, actor: str, reason: str, at: datetime
    ) -> None:
        if not self.outcome:
            raise RatificationStateError(
                N_("ratification %(id)s has no outcome to communicate yet", id=self.id)
            )
        if self.communicated:
            raise RatificationStateError(
                N_("ratification %(id)s was communicated already", id=self.id)
            )
        self._communicated(
            to=[require_text(t, "an addressee", 80) for t in to] or ["members"],
            reference=require_text(reference, "the reference", 200),
            actor=actor,
            reason=require_reason(reason, "communicate the decision"),
            at=at,
        )

    @event(Rescheduled)
    def _rescheduled(
        self,
        scheduled_for: datetime,
        previous_scheduled_for: datetime,
        timezone: str,
        conflict_confirmed: bool,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.scheduled_for = scheduled_for
        self.timezone = timezone
        self.due_notified = False  # the reminder is due again, on the new date

    @event(ConsultationOverrunConfirmed)
    def _overrun_confirmed(
        self,
        consultation_closes_at: datetime,
        scheduled_for: datetime,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        """Changes nothing: the record is the point."""

    @event(AdviceReceived)
    def _advice_received(
        self,
        advice: str,
        yes_pct: Decimal | None,
        cause: str,
        actor: str,
        reason: str,
        at: datetime,
        detail: str = "",
        quorum_met: bool | None = None,
        low_turnout: bool = False,
    ) -> None:
        self.advice = advice
        self.advice_detail = detail

    @event(Decided)
    def _decided(
        self,
        decision: str,
        follows_advice: bool,
        rationale: str,
        assembly_id: str,
        actor: str,
        reason: str,
        at: datetime,
        late: bool = False,
    ) -> None:
        self.decision = decision
        self.decided_at = at
        # Derived again from the recorded dates, so decisions recorded before the field existed
        # show as late too.
        self.late = late or decided_late(self.scheduled_for, self.timezone, at)
        if decision == Decision.RATIFY.value:
            self.outcome = "ratified"
        elif decision == Decision.REJECT.value:
            self.outcome = "rejected"

    @event(SettledByAssembly)
    def _settled(
        self,
        ratified: bool,
        yes_pct: Decimal | None,
        cause: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.outcome = "ratified" if ratified else "rejected"

    @event(DueNotified)
    def _due_notified(self, actor: str, at: datetime) -> None:
        self.due_notified = True

    @event(Communicated)
    def _communicated(
        self, to: list[str], reference: str, actor: str, reason: str, at: datetime
    ) -> None:
        self.communicated = True

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "title": self.title,
            "scheduled_for": self.scheduled_for.isoformat(),
            "consultation_id": self.consultation_id,
            "party": self.party,
            "agreements": list(self.agreements),
            "signing_ids": list(self.signing_ids),
            "advice": self.advice or "pending",
            "advice_detail": self.advice_detail,
            "decision": self.decision or "pending",
            "outcome": self.outcome or "pending",
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "late": self.late,
            "communicated": self.communicated,
        }
