"""The timeline: every step of every decision process, in effective time, in a sentence."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.utils import get_topic

from domain.agreement import Agreement
from domain.board_ratification import BoardRatification
from domain.commitment import Commitment
from domain.conditional_signing import ConditionalSigning
from domain.consultation import Consultation
from domain.funding import GrantScheme, euros
from domain.general_assembly import GeneralAssembly
from domain.implementation_test import ImplementationTest
from domain.region import Region
from domain.resolution import Resolution
from projections.rows import Rows, time_key

TABLE = "timeline"


def _pct(yes_pct: object) -> str:
    return "" if yes_pct is None else f" with {yes_pct}% in favour"


_SENTENCES: dict[type[Any], Callable[[Any], str]] = {
    Agreement.Registered: lambda e: (
        f"{e.code} ({e.full_name}) registered with {len(e.signing_parties)} signing parties"
    ),
    Agreement.PartyAdded: lambda e: f"{e.party} added to {e.agreement}",
    Agreement.PartyStatusChanged: lambda e: (
        f"{e.agreement}: {e.party} {e.status}" + (f" ({e.detail})" if e.detail else "")
    ),
    Resolution.Tabled: lambda e: f"{e.kind} tabled by {e.tabled_by}: {e.title}",
    Resolution.Adopted: lambda e: "adopted" + _pct(e.yes_pct),
    Resolution.Rejected: lambda e: "rejected" + _pct(e.yes_pct),
    Resolution.DecisionCorrected: lambda e: (
        f"vote corrected to {e.yes_pct}% in favour"
        + ("" if e.previous is None else f" (first recorded as {e.previous}%)")
        + f": {e.reason}"
    ),
    Resolution.ConditionMet: lambda e: f"condition {e.condition} met: {e.evidence}",
    Resolution.Fulfilled: lambda e: "all conditions met; the resolution is fulfilled",
    Resolution.ConditionRevoked: lambda e: (
        f"condition {e.condition} no longer {e.previous}: {e.evidence}"
    ),
    Resolution.ConditionFailed: lambda e: f"condition {e.condition} failed: {e.evidence}",
    Resolution.ConditionEffectsRecorded: lambda e: "; ".join(
        f"condition {d['condition']} lifts on its own: {d['part']}"
        + (f" in {d['agreement']}" if d.get("agreement") else "")
        for d in e.lifts
    ),
    ImplementationTest.Commissioned: lambda e: f"UDO commissioned for {e.agreement}: {e.title}",
    ImplementationTest.ParticipantsAdded: lambda e: f"{len(e.members)} municipalities take part",
    ImplementationTest.CriticalPointFound: lambda e: f"critical point {e.number}: {e.title}",
    ImplementationTest.ProcessAgreementMade: lambda e: (
        f"process agreement on point {e.point} with {', '.join(e.parties)}"
    ),
    ImplementationTest.Completed: lambda e: "UDO completed",
    ImplementationTest.PresentedToMembers: lambda e: (
        f"UDO presented to the members ({e.reference})"
    ),
    ConditionalSigning.Signed: lambda e: f"{e.party} signs {e.agreement} under conditions",
    ConditionalSigning.MadeDefinitive: lambda e: "signature made definitive",
    ConditionalSigning.Withdrawn: lambda e: "signature withdrawn",
    Consultation.Opened: lambda e: (
        f"ledenraadpleging opened: {e.title} (closes {e.closes_at.isoformat()})"
    ),
    Consultation.Extended: lambda e: f"deadline extended to {e.closes_at.isoformat()}",
    Consultation.Closed: lambda e: "ledenraadpleging closed" + (" early" if e.early else ""),
    Consultation.Cancelled: lambda e: "ledenraadpleging cancelled",
    Consultation.BallotsMarkedSynthetic: lambda e: f"ballots marked SYNTHETIC: {e.note}",
    BoardRatification.Scheduled: lambda e: (
        f"board ratification scheduled for {e.scheduled_for.isoformat()}: {e.title}"
        + (" (before the consultation closes, confirmed)" if e.conflict_confirmed else "")
    ),
    BoardRatification.AdviceReceived: lambda e: (
        f"the members' advice is {e.advice}"
        + (f" ({e.yes_pct}% in favour)" if e.yes_pct is not None else "")
    ),
    BoardRatification.Rescheduled: lambda e: (
        f"board ratification moved from {e.previous_scheduled_for.isoformat()} to "
        f"{e.scheduled_for.isoformat()}"
        + (" (before the consultation closes, confirmed)" if e.conflict_confirmed else "")
    ),
    BoardRatification.ConsultationOverrunConfirmed: lambda e: (
        f"consultation extended to {e.consultation_closes_at.isoformat()}, past the ratification"
        f" on {e.scheduled_for.isoformat()} (confirmed)"
    ),
    BoardRatification.Decided: lambda e: (
        f"the board decides to {e.decision}"
        + ("" if e.follows_advice else f", departing from the advice: {e.rationale}")
        + (" (LATE: after the day it was scheduled)" if e.late else "")
    ),
    BoardRatification.SettledByAssembly: lambda e: (
        "the ALV " + ("ratifies" if e.ratified else "rejects") + _pct(e.yes_pct)
    ),
    BoardRatification.Communicated: lambda e: f"decision communicated to {', '.join(e.to)}",
    GeneralAssembly.Convened: lambda e: (
        f"ALV convened for {e.held_on.date().isoformat()}: {e.title}"
    ),
    GeneralAssembly.Rescheduled: lambda e: (
        f"ALV moved from {e.previous_held_on.date().isoformat()} to {e.held_on.date().isoformat()}"
    ),
    GeneralAssembly.ItemAdded: lambda e: f"agenda item {e.number} ({e.kind}): {e.title}",
    GeneralAssembly.ItemDecided: lambda e: (
        f"item {e.number} " + ("adopted" if e.adopted else "rejected") + _pct(e.yes_pct)
    ),
    GeneralAssembly.Held: lambda e: "ALV held",
    GeneralAssembly.ProxyLimitSet: lambda e: (
        f"at most {e.limit} {'proxy' if e.limit == 1 else 'proxies'} per holder"
        + f" (was {e.previous})"
    ),
    GeneralAssembly.Attended: lambda e: (
        "present: "
        + ", ".join(f"{c} ({e.weights[c]} votes)" for c in e.members)
        + f"; weights from the population of {e.population_year}"
    ),
    GeneralAssembly.Left: lambda e: f"{e.member} left the meeting",
    GeneralAssembly.ProxyGiven: lambda e: (
        f"{e.giver} ({e.weight} votes) authorises {e.holder} to vote on its behalf"
    ),
    GeneralAssembly.MemberVoted: lambda e: (
        f"item {e.number}: {e.member} votes {e.choice} with {e.weight} votes"
        + (f" (also for {', '.join(e.represents)})" if e.represents else "")
    ),
    Region.Registered: lambda e: (
        f"region {e.name} ({len(e.members)} municipalities; "
        f"{e.committee}; mandate municipality {e.mandate_municipality})"
    ),
    Region.DecisionRecorded: lambda e: f"{e.body} decides: {e.text}",
    Region.ConditionalDecisionRecorded: lambda e: (
        f"{e.body} decides, pending {e.party} in {e.agreement}: {e.text}"
    ),
    Region.DecisionReopened: lambda e: f"decision {e.number} reopened for a new decision",
    Region.DecisionMoot: lambda e: f"decision {e.number} closed as moot",
    Region.BudgetRecorded: lambda e: f"budget {e.scheme} {e.year}: {euros(e.amount_cents)}",
    GrantScheme.Registered: lambda e: f"grant scheme {e.code}: {e.name}",
    GrantScheme.RuleSet: lambda e: (
        f"{e.year}: {e.kind}"
        + (f" ({e.party} in {e.agreement})" if e.party else "")
        + f", cut {e.cut_pct}%"
    ),
    GrantScheme.Allocated: lambda e: f"{e.region} {e.year}: {euros(e.amount_cents)} allocated",
    GrantScheme.Excluded: lambda e: (
        f"{e.year}{' onwards' if e.onwards else ''}: excludes {e.part}, {euros(e.amount_cents)}"
    ),
    Commitment.Registered: lambda e: (
        f"monitoring commitment: {e.title} (owner {e.owner}, {e.forum})"
    ),
    Commitment.ReviewRaised: lambda e: f"review {e.period} due",
    Commitment.ReviewRecorded: lambda e: f"review {e.period}: {e.finding}",
    GeneralAssembly.Closed: lambda e: "ALV closed",
}
TOPICS = [get_topic(c) for c in _SENTENCES]


def sentence(event: Any) -> str:
    describe = _SENTENCES.get(type(event))
    return describe(event) if describe else type(event).__qualname__


class TimelineProjection:
    name = "timeline"
    topics = TOPICS

    def process(self, event: Any, rows: Rows, position: int) -> None:
        rows.insert(
            TABLE,
            {
                "position": position,
                "aggregate_id": str(event.originator_id),
                "process": type(event).__qualname__.split(".")[0],
                "event": type(event).__qualname__,
                "at": time_key(event.at),
                "actor": event.actor,
                "summary": sentence(event),
            },
        )
