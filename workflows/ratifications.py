"""Commands and queries on the board's ratifications.

A consultation has at most one ratification. New ones get an id derived from the
consultation's, so two officers scheduling at once (in two processes, on either backend) meet as
a version conflict in the store; ratifications scheduled before that rule have random ids and
are found by reading the log's `Scheduled` events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.agreement import Agreement, UnknownAgreementError, agreement_id
from domain.board_ratification import (
    BoardRatification,
    Decision,
    RatificationExistsError,
    UnknownRatificationError,
    ratification_id,
)
from domain.conditional_signing import ConditionalSigning
from domain.consultation import Consultation
from domain.errors import UnknownConsultationError
from domain.general_assembly import GeneralAssembly, UnknownAssemblyError
from domain.messages import N_
from workflows.base import GovernanceBase, ProcessService
from workflows.signings import unknown_signing

RATIFICATION_SCHEDULED = get_topic(BoardRatification.Scheduled)


def unknown_ratification(ratification_id: UUID) -> UnknownRatificationError:
    return UnknownRatificationError(
        N_("unknown ratification %(ratification_id)s", ratification_id=ratification_id)
    )


def ratifications_for(app: GovernanceBase, consultation_id: UUID) -> list[BoardRatification]:
    """The ratification of a consultation (more than one only in a store from before the rule)."""
    found = app._find(BoardRatification, ratification_id(str(consultation_id)))
    if found is not None:
        return [found]
    return [
        r
        for r in app.aggregates_of(BoardRatification, RATIFICATION_SCHEDULED)
        if r.consultation_id == str(consultation_id)
    ]


def _exists(consultation_id: UUID, existing: BoardRatification) -> RatificationExistsError:
    return RatificationExistsError(
        N_(
            "consultation %(consultation_id)s has a ratification already: %(existing)s "
            "(%(title)r, scheduled for %(scheduled_for)s); "
            "move it with `akkoord board reschedule %(existing)s` instead",
            consultation_id=consultation_id,
            existing=existing.id,
            title=existing.title,
            scheduled_for=existing.scheduled_for,
            tz=existing.timezone,
        )
    )


def confirm_overruns(
    app: GovernanceBase,
    consultation_id: UUID,
    *,
    closes_at: datetime,
    confirmed: bool,
    actor: str,
    reason: str,
    at: datetime,
) -> list[BoardRatification]:
    """The ratifications an extension of the consultation to `closes_at` would leave without
    advice on their date, each with the confirmation recorded (to save with the extension);
    refused unless `confirmed`."""
    overrun = [r for r in ratifications_for(app, consultation_id) if r.overrun_by(closes_at)]
    for r in overrun:
        r.confirm_overrun(
            consultation_closes_at=closes_at,
            confirmed=confirmed,
            actor=actor,
            reason=reason,
            at=at,
        )
    return overrun


def _closes_at(consultation: Consultation) -> datetime | None:
    """When the consultation's advice arrives at the latest; None once it is there (or never
    will be: a cancelled consultation has no advice to wait for)."""
    return None if consultation.closed or consultation.cancelled else consultation.closes_at


class RatificationService(ProcessService):
    def schedule_ratification(
        self,
        *,
        title: str,
        scheduled_for: datetime,
        timezone: str,
        consultation_id: UUID,
        party: str,
        agreements: list[str],
        signing_ids: list[UUID],
        actor: Actor,
        reason: str,
        confirm_conflict: bool = False,
    ) -> UUID:
        actor.require(Role.OFFICER, doing="schedule a ratification")
        consultation = self._load(
            Consultation,
            consultation_id,
            UnknownConsultationError(
                N_("unknown consultation %(consultation_id)s", consultation_id=consultation_id)
            ),
        )
        for sid in signing_ids:
            self._load(ConditionalSigning, sid, unknown_signing(sid))
        for code in agreements:
            self._load(
                Agreement,
                agreement_id(code),
                UnknownAgreementError(N_("unknown agreement %(code)r", code=code)),
            )
        ratification = BoardRatification.schedule(
            title=title,
            scheduled_for=scheduled_for,
            timezone=timezone,
            consultation_id=str(consultation_id),
            party=party,
            agreements=agreements,
            signing_ids=[str(s) for s in signing_ids],
            actor=str(actor),
            reason=reason,
            at=self.clock.now(),
            consultation_closes_at=_closes_at(consultation),
            confirm_conflict=confirm_conflict,
        )
        existing = ratifications_for(self.app, consultation_id)
        if existing:
            raise _exists(consultation_id, existing[0])
        try:
            self.save(ratification)
        except IntegrityError:
            # Someone scheduled it between our look and our write (its id is the same).
            winner = self._find(BoardRatification, ratification.id)
            if winner is None:
                raise
            raise _exists(consultation_id, winner) from None
        return ratification.id

    def reschedule_ratification(
        self,
        ratification_id: UUID,
        *,
        scheduled_for: datetime,
        timezone: str,
        actor: Actor,
        reason: str,
        confirm_conflict: bool = False,
    ) -> None:
        actor.require(Role.OFFICER, doing="reschedule a ratification")
        now = self.clock.now()

        def move(r: BoardRatification) -> None:
            consultation = self._find(Consultation, UUID(r.consultation_id))
            r.reschedule(
                scheduled_for=scheduled_for,
                timezone=timezone,
                actor=str(actor),
                reason=reason,
                at=now,
                consultation_closes_at=None if consultation is None else _closes_at(consultation),
                confirm_conflict=confirm_conflict,
            )

        # No retry: a date someone else just moved is for a person to look at again.
        self._change(
            BoardRatification,
            ratification_id,
            unknown_ratification(ratification_id),
            move,
            retry=False,
        )

    def decide_ratification(
        self,
        ratification_id: UUID,
        *,
        decision: Decision,
        rationale: str,
        actor: Actor,
        reason: str,
        assembly_id: UUID | None = None,
    ) -> bool:
        """Record the decision; returns whether it came after the day it was due (late)."""
        actor.require(Role.BOARD, doing="record the board's decision")
        if assembly_id is not None:
            self._load(
                GeneralAssembly,
                assembly_id,
                UnknownAssemblyError(N_("unknown ALV %(assembly_id)s", assembly_id=assembly_id)),
            )
        now = self.clock.now()

        def decide(r: BoardRatification) -> bool:
            r.decide(
                decision,
                rationale=rationale,
                actor=str(actor),
                reason=reason,
                at=now,
                assembly_id=str(assembly_id) if assembly_id else "",
            )
            return r.late

        return self._change(
            BoardRatification, ratification_id, unknown_ratification(ratification_id), decide
        )

    def communicate_ratification(
        self, ratification_id: UUID, *, to: list[str], reference: str, actor: Actor, reason: str
    ) -> None:
        actor.require(Role.OFFICER, doing="communicate a decision")
        now = self.clock.now()
        self._change(
            BoardRatification,
            ratification_id,
            unknown_ratification(ratification_id),
            lambda r: r.communicate(
                to=to, reference=reference, actor=str(actor), reason=reason, at=now
            ),
        )

    def get_ratification(self, ratification_id: UUID) -> dict[str, Any]:
        return self._load(
            BoardRatification, ratification_id, unknown_ratification(ratification_id)
        ).summary()

    def list_ratifications(self) -> list[dict[str, Any]]:
        return [r.summary() for r in self.aggregates_of(BoardRatification, RATIFICATION_SCHEDULED)]
