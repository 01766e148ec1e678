"""The ledenraadpleging: members answer one question with a weighted yes or no before a deadline.

The result is advice to the board: closing a consultation never changes a signature by itself.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from eventsourcing.domain import Aggregate, event

from domain.aggregate import GovernanceAggregate
from domain.errors import (
    BallotTooEarlyError,
    BallotTooLateError,
    ConsultationCancelledError,
    ConsultationClosedError,
    InvalidChoiceError,
    InvalidDeadlineError,
    InvalidInputError,
    MissingReasonError,
    NoElectorateError,
    NotAllowedError,
    NotInElectorateError,
)
from domain.messages import N_
from domain.reminders import (
    BY_HAND,
    NobodyToRemindError,
    before_deadline,
    latest_due,
    next_due,
    offsets_seconds,
)
from domain.rules import WeightedResult, require_aware, require_reason
from domain.voting_rules import DEFAULT_OPTIONS, DEFAULT_TIE_RULE, Outcome, VotingRules
from domain.weights import WeightRule, vote_weight


class VotesSealedError(NotAllowedError):
    """Each municipality's vote is published after the close, never before."""

    code = "votes_sealed"


MAX_EXPLANATION = 4000
# Where a status follows a result from synthetic ballots, its detail ends with this.
SYNTHETIC_ADVICE = "advice from synthetic ballots"
MAX_TITLE = 200
MAX_QUESTION = 2000
# Who sees the interim tally while ballots may still be cast (officers, the board and auditors
# always do; after the close everyone does).
TALLY_VISIBILITY = ("officers", "everyone")


class Choice(StrEnum):
    YES = "yes"
    NO = "no"

    @classmethod
    def parse(cls, text: str) -> Choice:
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InvalidChoiceError(
                N_("a ballot says yes or no, not %(text)r", text=text)
            ) from None


class Phase(StrEnum):
    SCHEDULED = "scheduled"
    OPEN = "open"
    DEADLINE_PASSED = "deadline passed"  # time is up but nobody has closed it yet
    CLOSED = "closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Voter:
    """A member as the electorate snapshot holds it when the consultation opens."""

    code: str
    name: str
    province: str
    inhabitants: int
    weight: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "province": self.province,
            "inhabitants": self.inhabitants,
            "weight": self.weight,
        }

    @classmethod
    def from_dict(cls, code: str, data: dict[str, Any]) -> Voter:
        return cls(
            code=code,
            name=str(data["name"]),
            province=str(data["province"]),
            inhabitants=int(data["inhabitants"]),
            weight=int(data["weight"]),
        )


@dataclass(frozen=True)
class Ballot:
    member: str
    choice: str  # one of the consultation's options (a `Choice` for yes/no)
    explanation: str
    cast_by: str
    at: datetime


def build_electorate(
    members: list[tuple[str, str, str, int]], rule: WeightRule
) -> dict[str, dict[str, Any]]:
    """Snapshot (code, name, province, inhabitants) rows with each member's weight under `rule`."""
    electorate: dict[str, dict[str, Any]] = {}
    for code, name, province, inhabitants in sorted(members):
        voter = Voter(code, name, province, inhabitants, vote_weight(inhabitants, rule))
        electorate[code] = voter.as_dict()
    return electorate


class Consultation(GovernanceAggregate):
    class Opened(Aggregate.Created):
        title: str
        question: str
        agreements: list[str]
        opens_at: datetime
        closes_at: datetime
        timezone: str
        weight_rule: str
        population_year: int
        electorate: dict[str, dict[str, Any]]
        actor: str
        reason: str
        at: datetime
        # Added later: events recorded before them load with the defaults, which are what the
        # engine did then (officers see the interim tally; yes or no, a tie is not a majority
        # in favour, no quorum, no turnout warning).
        tally_visibility: str = "officers"
        options: list[str] | None = None
        tie_rule: str = DEFAULT_TIE_RULE
        quorum_members: int = 0
        quorum_weight_pct: Decimal | None = None
        turnout_warning_pct: Decimal | None = None
        # Reminders to the members who have not voted: seconds before the closing time,
        # longest first (None: none, as before they existed).
        reminders: list[int] | None = None

    class BallotCast(Aggregate.Event):
        member: str
        choice: str
        explanation: str
        actor: str
        at: datetime

    class BallotRecast(Aggregate.Event):
        member: str
        choice: str
        previous_choice: str
        explanation: str
        actor: str
        at: datetime

    class Closed(Aggregate.Event):
        actor: str
        reason: str
        at: datetime
        early: bool
        rule: str

    class Extended(Aggregate.Event):
        closes_at: datetime
        previous_closes_at: datetime
        actor: str
        reason: str
        at: datetime
        # The next scheduled reminder under the new closing time (None: none to come).
        reminder_due_at: datetime | None = None

    class Cancelled(Aggregate.Event):
        actor: str
        reason: str
        at: datetime

    class ClosingSoonNotified(Aggregate.Event):
        closes_at: datetime
        actor: str
        at: datetime

    class BallotsMarkedSynthetic(Aggregate.Event):
        """The ballots are simulated, not cast by the members: every result derived from them
        must say so."""

        note: str
        actor: str
        reason: str
        at: datetime

    class SecretariesInvited(Aggregate.Event):
        """Who was asked to vote (municipality codes); their addresses stay out of the log."""

        members: list[str]
        actor: str
        reason: str
        at: datetime

    class NonVotersReminded(Aggregate.Event):
        """Who was reminded (codes of members without a ballot then), and on what occasion:
        "7 days before" and the like from the schedule, "by hand" from an officer."""

        members: list[str]
        actor: str
        reason: str
        at: datetime
        occasion: str
        # A scheduled reminder: the moment it was due, and the next one (None: no more).
        due_at: datetime | None = None
        next_due_at: datetime | None = None

    title: str
    question: str
    agreements: list[str]
    opens_at: datetime
    closes_at: datetime
    timezone: str
    weight_rule: str
    population_year: int
    electorate: dict[str, dict[str, Any]]
    ballots: dict[str, dict[str, Any]]  # plain data, so snapshots round-trip through JSON
    closed: bool
    cancelled: bool
    reminded_for: datetime | None
    tally_visibility: str = "officers"  # the default also for snapshots taken before it existed
    synthetic_note: str = ""  # why the ballots are synthetic; empty for real ballots
    # The voting rules (defaults also for snapshots taken before they existed).
    options: tuple[str, ...] | list[str] = DEFAULT_OPTIONS
    tie_rule: str = DEFAULT_TIE_RULE
    quorum_members: int = 0
    quorum_weight_pct: Decimal | None = None
    turnout_warning_pct: Decimal | None = None
    # The reminder schedule (defaults also for snapshots taken before it existed): offsets
    # in seconds, no reminder due at or before `reminders_from`, the last one sent due when.
    reminders: tuple[int, ...] | list[int] = ()
    reminders_from: datetime | None = None
    reminded_until: datetime | None = None

    @classmethod
    def open(
        cls,
        *,
        title: str,
        question: str,
        agreements: list[str],
        opens_at: datetime,
        closes_at: datetime,
        timezone: str,
        weight_rule: WeightRule,
        population_year: int,
        electorate: dict[str, dict[str, Any]],
        actor: str,
        reason: str,
        at: datetime,
        tally_visibility: str = "officers",
        rules: VotingRules | None = None,
        reminders: Sequence[timedelta] = (),
    ) -> Consultation:
        reminder_offsets = offsets_seconds(reminders)
        title, question = title.strip(), question.strip()
        rules = rules or VotingRules()
        if rules.quorum_members > len(electorate):
            raise InvalidInputError(
                N_(
                    "a quorum of %(quorum_members)s members is more than the electorate's "
                    "%(n_electorate)s",
                    quorum_members=rules.quorum_members,
                    n_electorate=len(electorate),
                )
            )
        if tally_visibility not in TALLY_VISIBILITY:
            raise InvalidInputError(
                N_(
                    "the interim tally is visible to officers or everyone, not "
                    "%(tally_visibility)r",
                    tally_visibility=tally_visibility,
                )
            )
        if not title or len(title) > MAX_TITLE:
            raise InvalidInputError(
                N_(
                    "a consultation needs a title of 1..%(max_title)s characters",
                    max_title=MAX_TITLE,
                )
            )
        if not question or len(question) > MAX_QUESTION:
            raise InvalidInputError(
                N_(
                    "a consultation needs a question of 1..%(max_question)s characters",
                    max_question=MAX_QUESTION,
                )
            )
        for moment, what in (
            (opens_at, "the opening time"),
            (closes_at, "the closing time"),
            (at, "now"),
        ):
            require_aware(moment, what)
        if closes_at <= at:
            raise InvalidDeadlineError(
                N_(
                    "the closing time %(closes_at)s has already passed",
                    closes_at=closes_at,
                    tz=timezone,
                )
            )
        if closes_at <= opens_at:
            raise InvalidDeadlineError(
                N_(
                    "the closing time %(closes_at)s is not after the opening time %(opens_at)s",
                    closes_at=closes_at,
                    opens_at=opens_at,
                    tz=timezone,
                )
            )
        if not electorate:
            raise NoElectorateError(N_("there are no members to consult: load the members first"))
        return cls(
            title=title,
            question=question,
            agreements=sorted({a.strip().upper() for a in agreements if a.strip()}),
            opens_at=opens_at,
            closes_at=closes_at,
            timezone=timezone,
            weight_rule=weight_rule.value,
            population_year=population_year,
            electorate=electorate,
            actor=actor,
            reason=require_reason(reason, "open a consultation"),
            at=at,
            tally_visibility=tally_visibility,
            # Recorded only when they differ from the old defaults, so an opening under the
            # old rules stores the event it always did.
            options=None if rules.options == DEFAULT_OPTIONS else list(rules.options),
            tie_rule=rules.tie_rule,
            quorum_members=rules.quorum_members,
            quorum_weight_pct=rules.quorum_weight_pct,
            turnout_warning_pct=rules.turnout_warning_pct,
            reminders=reminder_offsets or None,
        )

    @event(Opened)
    def __init__(
        self,
        title: str,
        question: str,
        agreements: list[str],
        opens_at: datetime,
        closes_at: datetime,
        timezone: str,
        weight_rule: str,
        population_year: int,
        electorate: dict[str, dict[str, Any]],
        actor: str,
        reason: str,
        at: datetime,
        tally_visibility: str = "officers",
        options: list[str] | None = None,
        tie_rule: str = DEFAULT_TIE_RULE,
        quorum_members: int = 0,
        quorum_weight_pct: Decimal | None = None,
        turnout_warning_pct: Decimal | None = None,
        reminders: list[int] | None = None,
    ) -> None:
        self.reminders = tuple(reminders or ())
        # Before the opening nobody can vote, so nobody is reminded to.
        self.reminders_from = max(opens_at, at)
        self.reminded_until = None
        self.title = title
        self.tally_visibility = tally_visibility
        self.options = tuple(options) if options else DEFAULT_OPTIONS
        self.tie_rule = tie_rule
        self.quorum_members = quorum_members
        self.quorum_weight_pct = quorum_weight_pct
        self.turnout_warning_pct = turnout_warning_pct
        self.question = question
        self.agreements = agreements
        self.opens_at = opens_at
        self.closes_at = closes_at
        self.timezone = timezone
        self.weight_rule = weight_rule
        self.population_year = population_year
        self.electorate = electorate
        self.ballots = {}
        self.closed = False
        self.cancelled = False
        self.reminded_for = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Consultation:
        """The repository's cache hands out deep copies; the electorate never changes after
        opening, and a ballot's record is replaced, never changed in place, so copies share
        both and copy only the mapping a command can change (a command on an electorate of
        100,000 with 20,000 ballots copied every record before)."""
        copied = copy.copy(self)
        copied.ballots = dict(self.ballots)
        copied.agreements = list(self.agreements)
        copied.__dict__["_pending_events"] = []
        return copied

    # Queries -------------------------------------------------------------------------------

    def phase(self, now: datetime) -> Phase:
        """Time-based status is computed on read, so a passed deadline counts before any close."""
        if self.cancelled:
            return Phase.CANCELLED
        if self.closed:
            return Phase.CLOSED
        if now < self.opens_at:
            return Phase.SCHEDULED
        if now >= self.closes_at:
            return Phase.DEADLINE_PASSED
        return Phase.OPEN

    def voter(self, code: str) -> Voter | None:
        data = self.electorate.get(code)
        return None if data is None else Voter.from_dict(code, data)

    def ballot(self, member: str) -> Ballot | None:
        data = self.ballots.get(member)
        if data is None:
            return None
        choice = str(data["choice"])
        # A yes or no stays a `Choice`, as it always was; other options are their names.
        option: str = Choice(choice) if choice in (Choice.YES, Choice.NO) else choice
        return Ballot(member, option, data["explanation"], data["cast_by"], data["at"])

    @property
    def rules(self) -> VotingRules:
        return VotingRules(
            options=tuple(self.options),
            tie_rule=self.tie_rule,
            quorum_members=self.quorum_members,
            quorum_weight_pct=self.quorum_weight_pct,
            turnout_warning_pct=self.turnout_warning_pct,
        )

    def counts(self) -> dict[str, tuple[int, int]]:
        """option -> (members, weight) of the standing ballots."""
        found: dict[str, tuple[int, int]] = {}
        for member, b in self.ballots.items():
            m, w = found.get(b["choice"], (0, 0))
            found[b["choice"]] = (m + 1, w + int(self.electorate[member]["weight"]))
        return found

    def outcome(self) -> Outcome:
        """What the voting rules make of the standing ballots (advice, turnout, quorum)."""
        return self.rules.decide(self.counts(), len(self.electorate), self.electorate_weight)

    def result(self) -> WeightedResult | None:
        """The weighted yes/no outcome of the standing ballots (blank votes are not in it);
        None when nobody voted yes or no."""
        yes = sum(
            int(self.electorate[m]["weight"])
            for m, b in self.ballots.items()
            if b["choice"] == Choice.YES.value
        )
        no = sum(
            int(self.electorate[m]["weight"])
            for m, b in self.ballots.items()
            if b["choice"] == Choice.NO.value
        )
        return WeightedResult.from_weights(yes, no) if yes + no else None

    @property
    def electorate_weight(self) -> int:
        return sum(int(v["weight"]) for v in self.electorate.values())

    # Commands ------------------------------------------------------------------------------

    def cast(
        self, *, member: str, choice: Choice | str, explanation: str, actor: str, at: datetime
    ) -> bool:
        """Record a ballot; returns False when it repeats the member's standing ballot exactly."""
        require_aware(at, "the time of a ballot")
        option = self.rules.choice(str(choice))
        if self.cancelled:
            raise ConsultationCancelledError(N_("consultation %(id)s was cancelled", id=self.id))
        if self.closed:
            raise ConsultationClosedError(N_("consultation %(id)s is closed", id=self.id))
        if at < self.opens_at:
            raise BallotTooEarlyError(
                N_(
                    "consultation %(id)s opens at %(opens_at)s; too early to cast",
                    id=self.id,
                    opens_at=self.opens_at,
                    tz=self.timezone,
                )
            )
        if at >= self.closes_at:
            raise BallotTooLateError(
                N_(
                    "consultation %(id)s closed at %(closes_at)s; a ballot at %(at)s is too late",
                    id=self.id,
                    closes_at=self.closes_at,
                    at=at,
                    tz=self.timezone,
                )
            )
        if member not in self.electorate:
            raise NotInElectorateError(
                N_(
                    "%(member)s is not in the electorate of consultation %(id)s",
                    member=member,
                    id=self.id,
                )
            )
        explanation = explanation.strip()
        if len(explanation) > MAX_EXPLANATION:
            raise InvalidInputError(
                N_(
                    "an explanation has at most %(max_explanation)s characters, got "
                    "%(n_explanation)s",
                    max_explanation=MAX_EXPLANATION,
                    n_explanation=len(explanation),
                )
            )
        standing = self.ballot(member)
        if standing is not None and (standing.choice, standing.explanation) == (
            option,
            explanation,
        ):
            return False
        if standing is None:
            self._ballot_cast(
                member=member, choice=option, explanation=explanation, actor=actor, at=at
            )
        else:
            self._ballot_recast(
                member=member,
                choice=option,
                previous_choice=standing.choice,
                explanation=explanation,
                actor=actor,
                at=at,
            )
        return True

    def close(self, *, actor: str, reason: str, at: datetime, rule: str = "") -> bool:
        """Close; returns False when it was closed already (closing is idempotent)."""
        require_aware(at, "the time of closing")
        if self.cancelled:
            raise ConsultationCancelledError(N_("consultation %(id)s was cancelled", id=self.id))
        if self.closed:
            return False
        early = at < self.closes_at
        if early and not reason.strip():
            raise MissingReasonError(
                N_(
                    "consultation %(id)s is open until %(closes_at)s: "
                    "give a reason to close it early",
                    id=self.id,
                    closes_at=self.closes_at,
                    tz=self.timezone,
                )
            )
        self._closed(
            actor=actor,
            reason=reason.strip() or "closing time reached",
            at=at,
            early=early,
            rule=rule,
        )
        return True

    def extend(self, *, closes_at: datetime, actor: str, reason: str, at: datetime) -> None:
        require_aware(closes_at, "the new closing time")
        phase = self.phase(at)
        if phase not in (Phase.OPEN, Phase.SCHEDULED):
            raise ConsultationClosedError(
                N_(
                    "consultation %(id)s is %(phase)s: only an open consultation can be extended",
                    id=self.id,
                    phase=phase.value,
                )
            )
        if closes_at <= self.closes_at:
            raise InvalidDeadlineError(
                N_(
                    "an extension must move the closing time later than %(closes_at)s",
                    closes_at=self.closes_at,
                    tz=self.timezone,
                )
            )
        self._extended(
            closes_at=closes_at,
            previous_closes_at=self.closes_at,
            actor=actor,
            reason=require_reason(reason, "extend a consultation"),
            at=at,
            reminder_due_at=self._reminder_after(closes_at),
        )

    def cancel(self, *, actor: str, reason: str, at: datetime) -> None:
        phase = self.phase(at)
        if phase is Phase.CANCELLED:
            raise ConsultationCancelledError(
                N_("consultation %(id)s was cancelled already", id=self.id)
            )
        if phase in (Phase.CLOSED, Phase.DEADLINE_PASSED):
            raise ConsultationClosedError(
                N_(
                    "consultation %(id)s is %(phase)s: its result stands and cannot be cancelled",
                    id=self.id,
                    phase=phase.value,
                )
            )
        self._cancelled(actor=actor, reason=require_reason(reason, "cancel a consultation"), at=at)

    def notify_closing_soon(self, *, actor: str, at: datetime) -> bool:
        """Record the "closing soon" reminder once per deadline; False when nothing is due."""
        if self.phase(at) not in (Phase.OPEN, Phase.SCHEDULED):
            return False
        if self.reminded_for == self.closes_at:
            return False
        self._closing_soon_notified(closes_at=self.closes_at, actor=actor, at=at)
        return True

    def mark_ballots_synthetic(self, *, note: str, actor: str, reason: str, at: datetime) -> bool:
        """Label the ballots synthetic; False when they carry this very label already."""
        require_aware(at, "the time of marking")
        note = note.strip()
        if not note or len(note) > MAX_EXPLANATION:
            raise InvalidInputError(
                N_(
                    "say why the ballots are synthetic in 1..%(max_explanation)s characters",
                    max_explanation=MAX_EXPLANATION,
                )
            )
        if note == self.synthetic_note:
            return False
        self._ballots_marked_synthetic(
            note=note, actor=actor, reason=require_reason(reason, "mark ballots synthetic"), at=at
        )
        return True

    # Invitations and reminders -------------------------------------------------------------

    def non_voters(self) -> list[str]:
        """The members of the electorate without a standing ballot, in code order."""
        return sorted(code for code in self.electorate if code not in self.ballots)

    def _require_members(self, members: Collection[str], doing: str) -> list[str]:
        wanted = sorted({m.strip().upper() for m in members})
        if not wanted:
            raise InvalidInputError(N_("name at least one member to %(doing)s", doing=doing))
        outside = [m for m in wanted if m not in self.electorate]
        if outside:
            raise NotInElectorateError(
                N_(
                    "not in the electorate of consultation %(id)s: %(outside)s",
                    id=self.id,
                    outside=", ".join(outside),
                )
            )
        return wanted

    def invite(
        self, *, members: Collection[str], actor: str, reason: str, at: datetime
    ) -> list[str]:
        """Invite the secretaries of `members` to vote, while open or before the opening."""
        require_aware(at, "the time of the invitation")
        phase = self.phase(at)
        if phase not in (Phase.OPEN, Phase.SCHEDULED):
            raise ConsultationClosedError(
                N_(
                    "consultation %(id)s is %(phase)s: invitations go out only before "
                    "the opening or while it is open",
                    id=self.id,
                    phase=phase.value,
                )
            )
        invited = self._require_members(members, "invite")
        self._secretaries_invited(
            members=invited,
            actor=actor,
            reason=require_reason(reason, "invite secretaries"),
            at=at,
        )
        return invited

    def remind(
        self,
        *,
        actor: str,
        reason: str,
        at: datetime,
        members: Collection[str] | None = None,
        occasion: str = BY_HAND,
    ) -> list[str]:
        """Remind members who have not voted yet (all of them unless `members` names some);
        refused when nobody is left to remind, so an officer is told rather than left guessing."""
        require_aware(at, "the time of the reminder")
        phase = self.phase(at)
        if phase is not Phase.OPEN:
            raise ConsultationClosedError(
                N_(
                    "consultation %(id)s is %(phase)s: only an open consultation's "
                    "non-voters can be reminded",
                    id=self.id,
                    phase=phase.value,
                )
            )
        waiting = self.non_voters()
        if members is not None:
            asked = self._require_members(members, "remind")
            waiting = [m for m in asked if m not in self.ballots]
        if not waiting:
            raise NobodyToRemindError(
                N_(
                    "every member asked has voted in consultation %(id)s: nobody to remind",
                    id=self.id,
                )
            )
        self._non_voters_reminded(
            members=waiting,
            actor=actor,
            reason=require_reason(reason, "remind members"),
            at=at,
            occasion=occasion.strip() or BY_HAND,
            due_at=None,
            next_due_at=None,
        )
        return waiting

    def remind_as_scheduled(self, *, actor: str, at: datetime) -> bool:
        """Send the reminder the schedule has due (one, however many were missed); recorded
        also when everyone has voted, so the schedule moves on. False when none is due."""
        if self.phase(at) is not Phase.OPEN or self.reminders_from is None:
            return False
        after = max(self.reminders_from, self.reminded_until or self.reminders_from)
        due = latest_due(self.closes_at, self.reminders, after, at)
        if due is None:
            return False
        due_at, offset = due
        following = next_due(self.closes_at, self.reminders, due_at)
        waiting = self.non_voters()
        self._non_voters_reminded(
            members=waiting,
            actor=actor,
            reason="scheduled reminder" if waiting else "scheduled reminder: everyone has voted",
            at=at,
            occasion=before_deadline(offset),
            due_at=due_at,
            next_due_at=None if following is None else following[0],
        )
        return True

    def _reminder_after(self, closes_at: datetime) -> datetime | None:
        """The next scheduled reminder were the consultation to close at `closes_at`."""
        if not self.reminders or self.reminders_from is None:
            return None
        after = max(self.reminders_from, self.reminded_until or self.reminders_from)
        found = next_due(closes_at, self.reminders, after)
        return None if found is None else found[0]

    # Events: they only change state, because they re-run on every replay -------------------

    @event(BallotCast)
    def _ballot_cast(
        self, member: str, choice: str, explanation: str, actor: str, at: datetime
    ) -> None:
        self.ballots[member] = {
            "choice": choice,
            "explanation": explanation,
            "cast_by": actor,
            "at": at,
        }

    @event(BallotRecast)
    def _ballot_recast(
        self,
        member: str,
        choice: str,
        previous_choice: str,
        explanation: str,
        actor: str,
        at: datetime,
    ) -> None:
        self.ballots[member] = {
            "choice": choice,
            "explanation": explanation,
            "cast_by": actor,
            "at": at,
        }

    @event(Closed)
    def _closed(self, actor: str, reason: str, at: datetime, early: bool, rule: str) -> None:
        self.closed = True

    @event(Extended)
    def _extended(
        self,
        closes_at: datetime,
        previous_closes_at: datetime,
        actor: str,
        reason: str,
        at: datetime,
        reminder_due_at: datetime | None = None,
    ) -> None:
        self.closes_at = closes_at

    @event(ClosingSoonNotified)
    def _closing_soon_notified(self, closes_at: datetime, actor: str, at: datetime) -> None:
        self.reminded_for = closes_at

    @event(Cancelled)
    def _cancelled(self, actor: str, reason: str, at: datetime) -> None:
        self.cancelled = True

    @event(BallotsMarkedSynthetic)
    def _ballots_marked_synthetic(self, note: str, actor: str, reason: str, at: datetime) -> None:
        self.synthetic_note = note

    @event(SecretariesInvited)
    def _secretaries_invited(
        self, members: list[str], actor: str, reason: str, at: datetime
    ) -> None:
        pass  # a record of who was asked; the mailer reads it, the state does not change

    @event(NonVotersReminded)
    def _non_voters_reminded(
        self,
        members: list[str],
        actor: str,
        reason: str,
        at: datetime,
        occasion: str,
        due_at: datetime | None,
        next_due_at: datetime | None,
    ) -> None:
        if due_at is not None:
            self.reminded_until = due_at
