"""The reactions that link one decision process to the next, one handler per event kind.

They follow the application's own log. Each reaction is saved together with the tracked position
of the event it reacts to (the library's process recorder), so after a crash it is redone exactly
once; and every command they issue is idempotent, so a repeat would change nothing anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, DomainEventProtocol
from eventsourcing.utils import get_topic

from domain.actor import WORKFLOW
from domain.agreement import Agreement, PartyStatus, agreement_id
from domain.board_ratification import BoardRatification, Decision
from domain.conditional_signing import ConditionalSigning
from domain.consultation import SYNTHETIC_ADVICE, Consultation
from domain.errors import DomainError
from domain.general_assembly import GeneralAssembly, ItemKind
from domain.region import Region
from domain.resolution import Resolution, ResolutionKind
from domain.rules import WeightedResult
from domain.workflow_instance import WorkflowInstance, workflow_id
from workflows.base import GovernanceBase

A = TypeVar("A", bound=Aggregate)

# The definitions a process instance can start under; bump a version when a rule changes, so
# every instance keeps the rules it started with on record.
DEFINITIONS = {"resolution-effects": 1, "ratification": 1, "signing": 1, "regional-decisions": 1}
CONTINUES = "continues participation in"
REGION_REGISTERED = get_topic(Region.Registered)
MAX_CONFLICTS = 20


class Reaction:
    """One reaction to one event: the aggregates it touched, saved together at the end."""

    def __init__(self, app: GovernanceBase, event: DomainEventProtocol[Any], position: int):
        self.app = app
        self.loaded: dict[UUID, Aggregate] = {}
        self.trigger = f"{type(event).__qualname__}@{position}"
        at = getattr(event, "at", None)
        self.at: datetime = at if isinstance(at, datetime) else app.clock.now()
        self.actor = str(WORKFLOW)
        self.reason = f"workflow reaction to {self.trigger}"

    def get(self, kind: type[A], aggregate_id: UUID | str) -> A | None:
        key = aggregate_id if isinstance(aggregate_id, UUID) else UUID(aggregate_id)
        if key in self.loaded:
            cached = self.loaded[key]
            return cached if isinstance(cached, kind) else None
        found = self.app._find(kind, key)
        if found is not None:
            self.loaded[key] = found
        return found

    def workflow(self, definition: str, subject_id: str) -> WorkflowInstance:
        existing = self.get(WorkflowInstance, workflow_id(definition, subject_id))
        if existing is not None:
            return existing
        started = WorkflowInstance(
            definition=definition,
            definition_version=DEFINITIONS[definition],
            subject_id=subject_id,
            actor=self.actor,
            at=self.at,
        )
        self.loaded[started.id] = started
        return started

    def attempt(self, wf: WorkflowInstance, action: str, command: Callable[[], object]) -> None:
        """Run one command; a refusal is recorded on the instance instead of stopping the log."""
        try:
            command()
        except DomainError as e:
            wf.fail(trigger=self.trigger, action=action, error=str(e), actor=self.actor, at=self.at)
        else:
            wf.step(trigger=self.trigger, action=action, actor=self.actor, at=self.at)

    def set_status(
        self, wf: WorkflowInstance, code: str, party: str, status: PartyStatus, detail: str = ""
    ) -> None:
        agreement = self.get(Agreement, agreement_id(code))
        action = f"{party} in {code}: {status.value}"
        if agreement is None:
            wf.fail(
                trigger=self.trigger,
                action=action,
                error=f"unknown agreement {code}",
                actor=self.actor,
                at=self.at,
            )
            return
        self.attempt(
            wf,
            action,
            lambda: agreement.change_status(
                party,
                status,
                actor=self.actor,
                reason=self.reason,
                at=self.at,
                detail=detail,
                cause=self.trigger,
            ),
        )


# Resolutions -------------------------------------------------------------------------------


# Where a resolution's effect holds a party; from anywhere else the party has moved on (talks
# led to a negotiator agreement, say), and a lift leaves it there.
HELD = frozenset({PartyStatus.SUSPENDED, PartyStatus.TALKS_RESUMED})


def _resolution_at(r: Reaction, event: DomainEventProtocol[UUID]) -> Resolution | None:
    """The resolution just after `event`: a reaction that runs late must still describe the
    partial state of its own moment, not a later one."""
    try:
        found: Aggregate = r.app.repository.get(
            event.originator_id, version=event.originator_version
        )
    except AggregateNotFoundError:
        return None
    return found if isinstance(found, Resolution) else None


def _follow(r: Reaction, resolution: Resolution) -> None:
    """Move every party under the effect to where the resolution now leaves it, and why."""
    if resolution.outcome != "adopted" or not resolution.effects:
        return
    wf = r.workflow("resolution-effects", str(resolution.id))
    for eff in resolution.effects:
        code, party = eff["agreement"], eff["party"]
        target, detail = resolution.standing(code)
        agreement = r.get(Agreement, agreement_id(code))
        if agreement is None:
            r.set_status(wf, code, party, target, detail)  # records the unknown agreement
            continue
        current = agreement.statuses.get(party)
        if current is None:
            r.set_status(wf, code, party, target, detail)  # records the unknown party
        elif current == target.value and target in HELD:
            r.attempt(
                wf,
                f"{party} in {code}: {target.value} ({detail})",
                partial(
                    agreement.restate,
                    party,
                    detail=detail,
                    actor=r.actor,
                    reason=r.reason,
                    at=r.at,
                    cause=r.trigger,
                ),
            )
        elif target is not PartyStatus.SUSPENDED and current not in HELD:
            wf.step(
                trigger=r.trigger,
                action=f"{party} in {code}: stays {current}, past the effect ({detail})",
                actor=r.actor,
                at=r.at,
            )
        else:
            r.set_status(wf, code, party, target, detail)


def on_resolution_adopted(r: Reaction, event: Resolution.Adopted) -> None:
    resolution = _resolution_at(r, event)
    if resolution is not None:
        _follow(r, resolution)


def on_condition_changed(
    r: Reaction,
    event: Resolution.ConditionMet | Resolution.ConditionRevoked | Resolution.ConditionFailed,
) -> None:
    resolution = _resolution_at(r, event)
    if resolution is not None and not resolution.all_met():  # the last is Fulfilled's to lift
        _follow(r, resolution)


def on_resolution_fulfilled(r: Reaction, event: Resolution.Fulfilled) -> None:
    resolution = _resolution_at(r, event)
    if resolution is not None:
        _follow(r, resolution)


# Conditional signatures --------------------------------------------------------------------


def _signature(
    r: Reaction, signing_id: UUID, status: PartyStatus, detail: str, related_detail: str
) -> None:
    signing = r.get(ConditionalSigning, signing_id)
    if signing is None:
        return
    wf = r.workflow("signing", str(signing.id))
    r.set_status(wf, signing.agreement, signing.party, status, detail)
    agreement = r.get(Agreement, agreement_id(signing.agreement))
    for related in agreement.related(CONTINUES) if agreement else []:
        r.set_status(wf, related, signing.party, status, related_detail)


def on_signed(r: Reaction, event: ConditionalSigning.Signed) -> None:
    pending = "pending: " + "; ".join(event.conditions)
    _signature(
        r,
        event.originator_id,
        PartyStatus.CONDITIONALLY_SIGNED,
        pending,
        f"participation continuing, subject to the conditions of the {event.agreement} "
        f"signature ({pending})",
    )


def _synthetic(reason: str) -> str:
    """The label a status carries when the ratification's advice came from synthetic ballots
    (`_outcome` puts it in the signature's reason)."""
    return f" ({SYNTHETIC_ADVICE})" if SYNTHETIC_ADVICE in reason else ""


def on_made_definitive(r: Reaction, event: ConditionalSigning.MadeDefinitive) -> None:
    label = _synthetic(event.reason)
    _signature(
        r,
        event.originator_id,
        PartyStatus.DEFINITIVE,
        "conditions fulfilled" + label,
        "participation continued definitively" + label,
    )


def on_withdrawn(r: Reaction, event: ConditionalSigning.Withdrawn) -> None:
    label = _synthetic(event.reason)
    _signature(
        r,
        event.originator_id,
        PartyStatus.WITHDRAWN,
        "a condition failed" + label,
        "participation ended with the withdrawn signature" + label,
    )


# Consultation -> board ratification -> signatures -------------------------------------------


def _advise(
    r: Reaction, wf: WorkflowInstance, ratification: BoardRatification, consultation: Consultation
) -> None:
    r.attempt(
        wf,
        f"advice to ratification {ratification.id}",
        lambda: ratification.receive_advice(
            consultation.result(),
            cause=r.trigger,
            actor=r.actor,
            at=r.at,
            outcome=consultation.outcome(),
        ),
    )


def on_ratification_scheduled(r: Reaction, event: BoardRatification.Scheduled) -> None:
    wf = r.workflow("ratification", event.consultation_id)
    wf.link(str(event.originator_id), actor=r.actor, at=r.at)
    consultation = r.get(Consultation, event.consultation_id)
    ratification = r.get(BoardRatification, event.originator_id)
    if consultation is not None and ratification is not None and consultation.closed:
        _advise(r, wf, ratification, consultation)


def on_consultation_closed(r: Reaction, event: Consultation.Closed) -> None:
    wf = r.get(WorkflowInstance, workflow_id("ratification", str(event.originator_id)))
    consultation = r.get(Consultation, event.originator_id)
    if wf is None or consultation is None:
        return  # no ratification waits for this consultation (yet)
    for ratification_id in wf.links:
        ratification = r.get(BoardRatification, ratification_id)
        if ratification is not None:
            _advise(r, wf, ratification, consultation)


def _outcome(
    r: Reaction, ratification: BoardRatification, ratified: bool, synthetic: bool = False
) -> None:
    """`synthetic`: the board followed advice from synthetic ballots, so every status that
    follows says so."""
    wf = r.workflow("ratification", ratification.consultation_id)
    label = f" ({SYNTHETIC_ADVICE})" if synthetic else ""
    reason = r.reason + label
    signed_agreements: set[str] = set()
    for sid in ratification.signing_ids:
        signing = r.get(ConditionalSigning, sid)
        if signing is None:
            continue
        signed_agreements.add(signing.agreement)
        if ratified:
            r.attempt(
                wf,
                f"make signature {sid} definitive",
                partial(
                    signing.make_definitive,
                    cause=r.trigger,
                    actor=r.actor,
                    reason=reason,
                    at=r.at,
                ),
            )
        else:
            r.attempt(
                wf,
                f"withdraw signature {sid}",
                partial(signing.withdraw, cause=r.trigger, actor=r.actor, reason=reason, at=r.at),
            )
    if ratified:
        for code in ratification.agreements:
            if code not in signed_agreements:
                r.set_status(
                    wf,
                    code,
                    ratification.party,
                    PartyStatus.SIGNED,
                    f"signed after the board's ratification '{ratification.title}'{label}",
                )


def on_ratification_decided(r: Reaction, event: BoardRatification.Decided) -> None:
    ratification = r.get(BoardRatification, event.originator_id)
    if ratification is None:
        return
    if event.decision == Decision.REFER.value:
        assembly = r.get(GeneralAssembly, event.assembly_id)
        wf = r.workflow("ratification", ratification.consultation_id)
        if assembly is None:
            wf.fail(
                trigger=r.trigger,
                action="put the referral on the ALV agenda",
                error=f"unknown ALV {event.assembly_id}",
                actor=r.actor,
                at=r.at,
            )
            return
        r.attempt(
            wf,
            f"put ratification {ratification.id} on the agenda of ALV {assembly.id}",
            lambda: assembly.add_item(
                kind=ItemKind.RATIFICATION,
                title=ratification.title,
                subject_id=str(ratification.id),
                actor=r.actor,
                reason=r.reason,
                at=r.at,
            ),
        )
        return
    consultation = r.get(Consultation, ratification.consultation_id)
    _outcome(
        r,
        ratification,
        ratified=event.decision == Decision.RATIFY.value,
        synthetic=consultation is not None and bool(consultation.synthetic_note),
    )


def on_settled_by_assembly(r: Reaction, event: BoardRatification.SettledByAssembly) -> None:
    ratification = r.get(BoardRatification, event.originator_id)
    if ratification is not None:
        _outcome(r, ratification, ratified=event.ratified)


# ALV votes decide what was put to them -------------------------------------------------------


def on_item_decided(r: Reaction, event: GeneralAssembly.ItemDecided) -> None:
    assembly = r.get(GeneralAssembly, event.originator_id)
    if assembly is None:
        return
    item = assembly.items[str(event.number)]
    if not item["subject_id"]:
        return
    result = WeightedResult(
        yes_pct=event.yes_pct,
        yes_weight=event.yes_weight,
        no_weight=event.no_weight,
        declared=event.adopted,
    )
    if item["kind"] in (ResolutionKind.RESOLUTION.value, ResolutionKind.MOTION.value):
        resolution = r.get(Resolution, item["subject_id"])
        if resolution is not None:
            wf = r.workflow("resolution-effects", str(resolution.id))
            r.attempt(
                wf,
                f"record the ALV vote on resolution {resolution.id}",
                lambda: resolution.decide(result, actor=r.actor, reason=r.reason, at=r.at),
            )
    elif item["kind"] == ItemKind.RATIFICATION.value:
        ratification = r.get(BoardRatification, item["subject_id"])
        if ratification is not None:
            wf = r.workflow("ratification", ratification.consultation_id)
            r.attempt(
                wf,
                f"settle ratification {ratification.id} by the ALV vote",
                lambda: ratification.settle_by_assembly(
                    result, cause=r.trigger, actor=r.actor, at=r.at
                ),
            )


# National outcomes -> regional decisions that waited for them --------------------------------


def on_party_status_changed(r: Reaction, event: Agreement.PartyStatusChanged) -> None:
    for found in r.app.aggregates_of(Region, REGION_REGISTERED):
        region = r.get(Region, found.id)
        if region is None or not region.waiting_on(event.agreement, event.party):
            continue
        wf = r.workflow("regional-decisions", str(region.id))
        r.attempt(
            wf,
            f"decisions of {region.name} waiting on {event.party} in {event.agreement}",
            partial(
                region.react,
                event.agreement,
                event.party,
                event.status,
                cause=r.trigger,
                actor=r.actor,
                at=r.at,
            ),
        )


HANDLERS: dict[type[Any], Callable[[Reaction, Any], None]] = {
    Resolution.Adopted: on_resolution_adopted,
    Resolution.ConditionMet: on_condition_changed,
    Resolution.ConditionRevoked: on_condition_changed,
    Resolution.ConditionFailed: on_condition_changed,
    Resolution.Fulfilled: on_resolution_fulfilled,
    ConditionalSigning.Signed: on_signed,
    ConditionalSigning.MadeDefinitive: on_made_definitive,
    ConditionalSigning.Withdrawn: on_withdrawn,
    BoardRatification.Scheduled: on_ratification_scheduled,
    Consultation.Closed: on_consultation_closed,
    BoardRatification.Decided: on_ratification_decided,
    BoardRatification.SettledByAssembly: on_settled_by_assembly,
    GeneralAssembly.ItemDecided: on_item_decided,
    Agreement.PartyStatusChanged: on_party_status_changed,
}
