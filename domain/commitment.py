"""A monitoring commitment: an owner, a forum and a cadence; its reviews come due by themselves."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.errors import ConflictError, InvalidInputError, NotFoundError
from domain.messages import N_
from domain.rules import require_aware, require_reason, require_text


class Finding(StrEnum):
    ON_TRACK = "on track"
    NEEDS_ADJUSTMENT = "needs adjustment"
    ADJUSTED = "adjusted"

    @classmethod
    def parse(cls, text: str) -> Finding:
        wanted = text.strip().lower().replace("_", " ").replace("-", " ")
        for finding in cls:
            if wanted == finding.value:
                return finding
        raise InvalidInputError(
            N_(
                "a finding is one of: %(items)s (not %(text)r)",
                items=", ".join(f.value for f in cls),
                text=text,
            )
        )


class UnknownCommitmentError(NotFoundError):
    code = "unknown_commitment"


class CommitmentStateError(ConflictError):
    code = "commitment_state"


class Commitment(GovernanceAggregate):
    class Registered(Aggregate.Created):
        title: str
        owner: str
        forum: str
        cadence_seconds: int
        first_review_at: datetime
        source: str
        actor: str
        reason: str
        at: datetime

    class ReviewRaised(Aggregate.Event):
        period: int
        due_at: datetime
        next_due_at: datetime
        actor: str
        at: datetime

    class ReviewRecorded(Aggregate.Event):
        period: int
        finding: str
        evidence: str
        outstanding: int  # raised reviews still without a finding, after this one
        actor: str
        reason: str
        at: datetime

    title: str
    owner: str
    forum: str
    cadence_seconds: int
    first_review_at: datetime
    raised: int
    findings: dict[str, str]

    @classmethod
    def register(
        cls,
        *,
        title: str,
        owner: str,
        forum: str,
        cadence: timedelta,
        first_review_at: datetime,
        source: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> Commitment:
        require_aware(first_review_at, "the first review")
        seconds = int(cadence.total_seconds())
        if seconds < 1 or seconds > 10 * 366 * 86400:
            raise InvalidInputError(N_("a review cadence lies between a second and ten years"))
        return cls(
            title=require_text(title, "the title", 300),
            owner=require_text(owner, "the owner", 80),
            forum=require_text(forum, "the forum", 200),
            cadence_seconds=seconds,
            first_review_at=first_review_at,
            source=source.strip(),
            actor=actor,
            reason=require_reason(reason, "register a commitment"),
            at=at,
        )

    @event(Registered)
    def __init__(
        self,
        title: str,
        owner: str,
        forum: str,
        cadence_seconds: int,
        first_review_at: datetime,
        source: str,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.title = title
        self.owner = owner
        self.forum = forum
        self.cadence_seconds = cadence_seconds
        self.first_review_at = first_review_at
        self.raised = 0
        self.findings = {}

    def due_at(self, period: int) -> datetime:
        return self.first_review_at + timedelta(seconds=self.cadence_seconds * (period - 1))

    def raise_due_review(self, *, actor: str, at: datetime) -> bool:
        """Raise the next period's review if it is due; once per period, whoever asks."""
        period = self.raised + 1
        if at < self.due_at(period):
            return False
        self._raised(
            period=period,
            due_at=self.due_at(period),
            next_due_at=self.due_at(period + 1),
            actor=actor,
            at=at,
        )
        return True

    def record_review(
        self, period: int, *, finding: Finding, evidence: str, actor: str, reason: str, at: datetime
    ) -> None:
        if not 1 <= period <= self.raised:
            raise CommitmentStateError(
                N_(
                    "review %(period)s of commitment %(id)s has not been raised "
                    "(raised: %(raised)s)",
                    period=period,
                    id=self.id,
                    raised=self.raised,
                )
            )
        if str(period) in self.findings:
            raise CommitmentStateError(
                N_(
                    "review %(period)s of commitment %(id)s was recorded already",
                    period=period,
                    id=self.id,
                )
            )
        outstanding = self.raised - len(self.findings) - 1
        self._recorded(
            period=period,
            finding=finding.value,
            evidence=require_text(evidence, "the evidence"),
            outstanding=outstanding,
            actor=actor,
            reason=require_reason(reason, "record a review"),
            at=at,
        )

    @event(ReviewRaised)
    def _raised(
        self, period: int, due_at: datetime, next_due_at: datetime, actor: str, at: datetime
    ) -> None:
        self.raised = period

    @event(ReviewRecorded)
    def _recorded(
        self,
        period: int,
        finding: str,
        evidence: str,
        outstanding: int,
        actor: str,
        reason: str,
        at: datetime,
    ) -> None:
        self.findings[str(period)] = finding

    def summary(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "title": self.title,
            "owner": self.owner,
            "forum": self.forum,
            "cadence_days": round(self.cadence_seconds / 86400, 2),
            "next_review_at": self.due_at(self.raised + 1).isoformat(),
            "raised": self.raised,
            "findings": {
                int(k): v for k, v in sorted(self.findings.items(), key=lambda kv: int(kv[0]))
            },
        }
