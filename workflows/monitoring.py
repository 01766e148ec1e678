"""Commands and queries on monitoring commitments and their periodic reviews."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.commitment import Commitment, Finding, UnknownCommitmentError
from domain.messages import N_
from workflows.base import ProcessService

COMMITMENT_REGISTERED = get_topic(Commitment.Registered)


def unknown_commitment(commitment_id: UUID) -> UnknownCommitmentError:
    return UnknownCommitmentError(
        N_("unknown commitment %(commitment_id)s", commitment_id=commitment_id)
    )


class MonitoringService(ProcessService):
    def register_commitment(
        self,
        *,
        title: str,
        owner: str,
        forum: str,
        cadence: timedelta,
        first_review_at: datetime,
        source: str,
        actor: Actor,
        reason: str,
    ) -> UUID:
        actor.require(Role.OFFICER, doing="register a monitoring commitment")
        commitment = Commitment.register(
            title=title,
            owner=owner,
            forum=forum,
            cadence=cadence,
            first_review_at=first_review_at,
            source=source,
            actor=str(actor),
            reason=reason,
            at=self.clock.now(),
        )
        self.save(commitment)
        return commitment.id

    def record_review(
        self,
        commitment_id: UUID,
        *,
        period: int,
        finding: Finding,
        evidence: str,
        actor: Actor,
        reason: str,
    ) -> None:
        actor.require(Role.OFFICER, doing="record a review")
        now = self.clock.now()
        self._change(
            Commitment,
            commitment_id,
            unknown_commitment(commitment_id),
            lambda c: c.record_review(
                period, finding=finding, evidence=evidence, actor=str(actor), reason=reason, at=now
            ),
        )

    def get_commitment(self, commitment_id: UUID) -> dict[str, Any]:
        return self._load(Commitment, commitment_id, unknown_commitment(commitment_id)).summary()

    def list_commitments(self) -> list[dict[str, Any]]:
        return [c.summary() for c in self.aggregates_of(Commitment, COMMITMENT_REGISTERED)]
