"""The events the read models follow, by the names the log stores them under (their topics).

A projection compares an event's topic with these rather than its class with the domain's, so
importing the projections defines no process's events: a command run as a process of its own
(a ballot cast from the command line) loads the one process it touches, while defining every
process's events (the library makes a dataclass of each) would be most of its start-up. Each
namespace mirrors the aggregate of that name; a test holds every topic here to the class it names.
"""

from __future__ import annotations

from eventsourcing.utils import get_topic


def topic(event: object) -> str:
    """The topic an event is stored under."""
    return get_topic(type(event))


class Agreement:
    PartyAdded = "domain.agreement:Agreement.PartyAdded"
    PartyStatusChanged = "domain.agreement:Agreement.PartyStatusChanged"
    Registered = "domain.agreement:Agreement.Registered"


class BoardRatification:
    AdviceReceived = "domain.board_ratification:BoardRatification.AdviceReceived"
    Communicated = "domain.board_ratification:BoardRatification.Communicated"
    ConsultationOverrunConfirmed = (
        "domain.board_ratification:BoardRatification.ConsultationOverrunConfirmed"
    )
    Decided = "domain.board_ratification:BoardRatification.Decided"
    DueNotified = "domain.board_ratification:BoardRatification.DueNotified"
    Rescheduled = "domain.board_ratification:BoardRatification.Rescheduled"
    Scheduled = "domain.board_ratification:BoardRatification.Scheduled"
    SettledByAssembly = "domain.board_ratification:BoardRatification.SettledByAssembly"


class Commitment:
    Registered = "domain.commitment:Commitment.Registered"
    ReviewRaised = "domain.commitment:Commitment.ReviewRaised"
    ReviewRecorded = "domain.commitment:Commitment.ReviewRecorded"


class ConditionalSigning:
    MadeDefinitive = "domain.conditional_signing:ConditionalSigning.MadeDefinitive"
    Signed = "domain.conditional_signing:ConditionalSigning.Signed"
    Withdrawn = "domain.conditional_signing:ConditionalSigning.Withdrawn"


class Consultation:
    BallotCast = "domain.consultation:Consultation.BallotCast"
    BallotRecast = "domain.consultation:Consultation.BallotRecast"
    BallotsMarkedSynthetic = "domain.consultation:Consultation.BallotsMarkedSynthetic"
    Cancelled = "domain.consultation:Consultation.Cancelled"
    Closed = "domain.consultation:Consultation.Closed"
    ClosingSoonNotified = "domain.consultation:Consultation.ClosingSoonNotified"
    Extended = "domain.consultation:Consultation.Extended"
    NonVotersReminded = "domain.consultation:Consultation.NonVotersReminded"
    Opened = "domain.consultation:Consultation.Opened"


class GeneralAssembly:
    Attended = "domain.general_assembly:GeneralAssembly.Attended"
    Closed = "domain.general_assembly:GeneralAssembly.Closed"
    Convened = "domain.general_assembly:GeneralAssembly.Convened"
    Held = "domain.general_assembly:GeneralAssembly.Held"
    ItemAdded = "domain.general_assembly:GeneralAssembly.ItemAdded"
    ItemDecided = "domain.general_assembly:GeneralAssembly.ItemDecided"
    Left = "domain.general_assembly:GeneralAssembly.Left"
    MemberVoted = "domain.general_assembly:GeneralAssembly.MemberVoted"
    ProxyGiven = "domain.general_assembly:GeneralAssembly.ProxyGiven"
    ProxyLimitSet = "domain.general_assembly:GeneralAssembly.ProxyLimitSet"
    Rescheduled = "domain.general_assembly:GeneralAssembly.Rescheduled"


class GrantScheme:
    Allocated = "domain.funding:GrantScheme.Allocated"
    Excluded = "domain.funding:GrantScheme.Excluded"
    Registered = "domain.funding:GrantScheme.Registered"
    RuleSet = "domain.funding:GrantScheme.RuleSet"


class ImplementationTest:
    Commissioned = "domain.implementation_test:ImplementationTest.Commissioned"
    Completed = "domain.implementation_test:ImplementationTest.Completed"
    CriticalPointFound = "domain.implementation_test:ImplementationTest.CriticalPointFound"
    ParticipantsAdded = "domain.implementation_test:ImplementationTest.ParticipantsAdded"
    PresentedToMembers = "domain.implementation_test:ImplementationTest.PresentedToMembers"
    ProcessAgreementMade = "domain.implementation_test:ImplementationTest.ProcessAgreementMade"


class Region:
    BudgetRecorded = "domain.region:Region.BudgetRecorded"
    ConditionalDecisionRecorded = "domain.region:Region.ConditionalDecisionRecorded"
    DecisionMoot = "domain.region:Region.DecisionMoot"
    DecisionRecorded = "domain.region:Region.DecisionRecorded"
    DecisionReopened = "domain.region:Region.DecisionReopened"
    Registered = "domain.region:Region.Registered"


class Resolution:
    Adopted = "domain.resolution:Resolution.Adopted"
    ConditionEffectsRecorded = "domain.resolution:Resolution.ConditionEffectsRecorded"
    ConditionFailed = "domain.resolution:Resolution.ConditionFailed"
    ConditionMet = "domain.resolution:Resolution.ConditionMet"
    ConditionRevoked = "domain.resolution:Resolution.ConditionRevoked"
    DecisionCorrected = "domain.resolution:Resolution.DecisionCorrected"
    Fulfilled = "domain.resolution:Resolution.Fulfilled"
    Rejected = "domain.resolution:Resolution.Rejected"
    Tabled = "domain.resolution:Resolution.Tabled"
