"""Commands and queries on ledenraadplegingen (member consultations)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from domain.actor import Actor, Role
from domain.consultation import Consultation, VotesSealedError, build_electorate
from domain.errors import InvalidInputError, UnknownConsultationError, UnknownMemberError
from domain.member import Member, member_id
from domain.messages import N_
from domain.voting_rules import VotingRules
from domain.weights import WeightRule
from workflows.base import CONFLICT_RETRIES, ConcurrentChangeError, GovernanceBase, ProcessService
from workflows.members import MemberService

CONSULTATION_OPENED = get_topic(Consultation.Opened)


def _unknown(consultation_id: UUID) -> UnknownConsultationError:
    return UnknownConsultationError(
        N_("unknown consultation %(consultation_id)s", consultation_id=consultation_id)
    )


class ConsultationService(ProcessService):
    """Ledenraadplegingen; their electorate comes from the members' register."""

    def __init__(self, app: GovernanceBase, *, members: MemberService) -> None:
        super().__init__(app)
        self.members = members

    def open_consultation(
        self,
        *,
        title: str,
        question: str,
        agreements: list[str],
        closes_at: datetime,
        timezone: str,
        actor: Actor,
        reason: str,
        opens_at: datetime | None = None,
        weight_rule: WeightRule = WeightRule.CEIL,
        population_year: int = 2024,
        tally_visibility: str = "officers",
        rules: VotingRules | None = None,
        reminders: Sequence[timedelta] = (),
    ) -> UUID:
        actor.require(Role.OFFICER, doing="open a consultation")
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise InvalidInputError(
                N_("unknown time zone %(timezone)r", timezone=timezone)
            ) from None
        now = self.clock.now()
        # The register as of the opening (mergers after it leave the electorate as it is),
        # with the figures of the reference year.
        electorate = build_electorate(
            self.members.members_for_year(population_year, as_of=opens_at or now), weight_rule
        )
        consultation = Consultation.open(
            title=title,
            question=question,
            agreements=agreements,
            opens_at=opens_at or now.astimezone(zone),
            closes_at=closes_at,
            timezone=timezone,
            weight_rule=weight_rule,
            population_year=population_year,
            electorate=electorate,
            actor=str(actor),
            reason=reason,
            at=now,
            tally_visibility=tally_visibility,
            rules=rules,
            reminders=reminders,
        )
        self.save(consultation)
        return consultation.id

    def cast_ballot(
        self,
        consultation_id: UUID,
        *,
        member: str,
        choice: str,
        actor: Actor,
        explanation: str = "",
    ) -> bool:
        """Cast or re-cast; returns False when the same ballot was standing already."""
        actor.require_may_cast_for(member)
        now = self.clock.now()

        def cast(c: Consultation) -> bool:
            # Only a code outside the electorate needs the members: unknown, or not consulted.
            if member not in c.electorate:
                self._load(
                    Member,
                    member_id(member),
                    UnknownMemberError(N_("unknown member %(member)s", member=member)),
                )
            return c.cast(
                member=member, choice=choice, explanation=explanation, actor=str(actor), at=now
            )

        return self._change(Consultation, consultation_id, _unknown(consultation_id), cast)

    def close_consultation(
        self, consultation_id: UUID, *, actor: Actor, reason: str = "", rule: str = ""
    ) -> bool:
        """Close; returns False when it was closed already."""
        actor.require(Role.OFFICER, Role.SYSTEM, doing="close a consultation")
        now = self.clock.now()
        return self._change(
            Consultation,
            consultation_id,
            _unknown(consultation_id),
            lambda c: c.close(actor=str(actor), reason=reason, at=now, rule=rule),
        )

    def extend_consultation(
        self,
        consultation_id: UUID,
        *,
        closes_at: datetime,
        actor: Actor,
        reason: str,
        confirm_conflict: bool = False,
    ) -> None:
        """Extend; an extension to at or past its ratification's date is refused unless
        `confirm_conflict`, and then the confirmation is saved on the ratification, in the
        extension's commit."""
        actor.require(Role.OFFICER, doing="extend a consultation")
        now = self.clock.now()
        seen: datetime | None = None
        for _ in range(CONFLICT_RETRIES):
            consultation = self._load(Consultation, consultation_id, _unknown(consultation_id))
            # Another write in between (a ballot, the scheduler's reminder) is retried; a
            # deadline someone else moved meanwhile is not: two people want different things.
            if seen is not None and consultation.closes_at != seen:
                break
            seen = consultation.closes_at
            consultation.extend(closes_at=closes_at, actor=str(actor), reason=reason, at=now)
            # Here, not at the top: a ballot (this service's busiest command) needs none of the
            # ratification's events defined.
            from workflows.ratifications import confirm_overruns

            confirmations = confirm_overruns(
                self.app,
                consultation_id,
                closes_at=closes_at,
                confirmed=confirm_conflict,
                actor=str(actor),
                reason=reason,
                at=now,
            )
            try:
                self.save(consultation, *confirmations)
            except IntegrityError:
                continue
            return
        raise ConcurrentChangeError(
            N_(
                "consultation %(consultation_id)s was changed by someone else at the same "
                "moment; look at it again and retry",
                consultation_id=consultation_id,
            )
        )

    def mark_ballots_synthetic(
        self, consultation_id: UUID, *, note: str, actor: Actor, reason: str
    ) -> bool:
        """Label the consultation's ballots synthetic (simulated, not the members' own); False
        when it carries this label already."""
        actor.require(Role.OFFICER, doing="mark ballots synthetic")
        now = self.clock.now()
        return self._change(
            Consultation,
            consultation_id,
            _unknown(consultation_id),
            lambda c: c.mark_ballots_synthetic(note=note, actor=str(actor), reason=reason, at=now),
        )

    def invite_secretaries(
        self,
        consultation_id: UUID,
        *,
        actor: Actor,
        reason: str = "",
        members: Collection[str] | None = None,
    ) -> list[str]:
        """Record that the secretaries of `members` (default: the whole electorate) are invited
        to vote; the caller, who knows the contacts, passes the members it can reach."""
        actor.require(Role.OFFICER, doing="invite secretaries")
        now = self.clock.now()
        return self._change(
            Consultation,
            consultation_id,
            _unknown(consultation_id),
            lambda c: c.invite(
                members=c.electorate if members is None else members,
                actor=str(actor),
                reason=reason.strip() or "invitation to vote",
                at=now,
            ),
        )

    def electorate_codes(self, consultation_id: UUID) -> list[str]:
        """The codes of the members consulted, in order (whom an invitation may reach)."""
        c = self._load(Consultation, consultation_id, _unknown(consultation_id))
        return sorted(c.electorate)

    def remind_non_voters(
        self,
        consultation_id: UUID,
        *,
        actor: Actor,
        reason: str = "",
        occasion: str = "by hand",
    ) -> list[str]:
        """Record a reminder to every member without a ballot; returns whom it reached."""
        actor.require(Role.OFFICER, doing="remind members who have not voted")
        now = self.clock.now()
        return self._change(
            Consultation,
            consultation_id,
            _unknown(consultation_id),
            lambda c: c.remind(
                actor=str(actor),
                reason=reason.strip() or "reminder to vote",
                at=now,
                occasion=occasion,
            ),
        )

    def cancel_consultation(self, consultation_id: UUID, *, actor: Actor, reason: str) -> None:
        actor.require(Role.OFFICER, doing="cancel a consultation")
        now = self.clock.now()
        self._change(
            Consultation,
            consultation_id,
            _unknown(consultation_id),
            lambda c: c.cancel(actor=str(actor), reason=reason, at=now),
            retry=False,
        )

    def get_consultation(self, consultation_id: UUID) -> dict[str, Any]:
        c = self._load(Consultation, consultation_id, _unknown(consultation_id))
        return {
            "id": str(c.id),
            "title": c.title,
            "question": c.question,
            "agreements": list(c.agreements),
            "opens_at": c.opens_at.isoformat(),
            "closes_at": c.closes_at.isoformat(),
            "timezone": c.timezone,
            "weight_rule": c.weight_rule,
            "population_year": c.population_year,
            "tally_visibility": c.tally_visibility,
            **c.rules.as_dict(),
            "phase": c.phase(self.clock.now()).value,
            "electorate_members": len(c.electorate),
            "electorate_weight": c.electorate_weight,
            "ballots_standing": len(c.ballots),
            # Whatever is derived from synthetic ballots must say so (tally, report, status).
            "synthetic": bool(c.synthetic_note),
            "synthetic_note": c.synthetic_note,
            "version": c.version,
        }

    def list_consultations(self) -> list[dict[str, Any]]:
        return [
            self.get_consultation(c.id)
            for c in self.aggregates_of(Consultation, CONSULTATION_OPENED)
        ]

    def ballots_sealed(self, consultation_id: UUID) -> bool:
        """Whether ballots are still secret from other members: until the consultation closed."""
        c = self._load(Consultation, consultation_id, _unknown(consultation_id))
        return not c.closed

    def rules(self, consultation_id: UUID) -> VotingRules:
        """The voting rules recorded at the opening."""
        return self._load(Consultation, consultation_id, _unknown(consultation_id)).rules

    def require_non_voters_readable(self, consultation_id: UUID, actor: Actor) -> None:
        """Who has not voted yet is for officers (to remind them), the board and auditors; a
        secretary learns about other members nothing before the close."""
        actor.require(
            Role.OFFICER, Role.BOARD, Role.AUDITOR, doing="see which members have not voted"
        )
        self._load(Consultation, consultation_id, _unknown(consultation_id))

    def require_votes_published(self, consultation_id: UUID) -> None:
        """Each municipality's vote is published after the close, to every role; before it,
        to none (ballot secrecy)."""
        c = self._load(Consultation, consultation_id, _unknown(consultation_id))
        if not c.closed:
            raise VotesSealedError(
                N_(
                    "consultation %(consultation_id)s is %(phase)s: each "
                    "municipality's vote is published only after the close",
                    consultation_id=consultation_id,
                    phase=c.phase(self.clock.now()).value,
                )
            )

    def tally_sealed(self, consultation_id: UUID) -> bool:
        """Whether a secretary may not see the interim tally yet (the rule set at opening)."""
        c = self._load(Consultation, consultation_id, _unknown(consultation_id))
        return not c.closed and c.tally_visibility != "everyone"

    def standing_ballots(self, consultation_id: UUID) -> dict[str, tuple[str, int]]:
        """member -> (choice, weight) of every standing ballot, straight from the aggregate."""
        c = self._load(Consultation, consultation_id, _unknown(consultation_id))
        return {
            code: (str(data["choice"]), int(c.electorate[code]["weight"]))
            for code, data in c.ballots.items()
        }
