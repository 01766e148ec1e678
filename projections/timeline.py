"""The timeline: every step of every decision process, in effective time, in a sentence."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from functools import reduce
from typing import Any

from domain.messages import N_, Text, english
from domain.money import euros
from projections.rows import Rows, time_key
from projections.topics import (
    Agreement,
    BoardRatification,
    Commitment,
    ConditionalSigning,
    Consultation,
    GeneralAssembly,
    GrantScheme,
    ImplementationTest,
    Region,
    Resolution,
    topic,
)

TABLE = "timeline"


def _listed(parts: list[Text], separator: str) -> Text:
    """Parts in a row, each a Text of its own so a reader's language translates every one; the
    separators are the same in every language, so they are no catalogue entries (plain `Text`)."""
    if not parts:
        return Text("")
    template = "%(first)s" + separator + "%(rest)s"
    return reduce(
        lambda rest, first: Text(template, {"first": first, "rest": rest}), parts[-2::-1], parts[-1]
    )


def _lift(d: dict[str, str]) -> Text:
    if d.get("agreement"):
        return N_(
            "condition %(condition)s lifts on its own: %(part)s in %(agreement)s",
            condition=d["condition"],
            part=d["part"],
            agreement=d["agreement"],
        )
    return N_("condition %(condition)s lifts on its own: %(part)s", **d)


def _adopted(e: Any) -> Text:
    if e.yes_pct is None:
        return N_("adopted")
    return N_("adopted with %(yes_pct)s%% in favour", yes_pct=e.yes_pct)


def _rejected(e: Any) -> Text:
    if e.yes_pct is None:
        return N_("rejected")
    return N_("rejected with %(yes_pct)s%% in favour", yes_pct=e.yes_pct)


def _corrected(e: Any) -> Text:
    if e.previous is None:
        return N_(
            "vote corrected to %(yes_pct)s%% in favour: %(reason)s",
            yes_pct=e.yes_pct,
            reason=e.reason,
        )
    return N_(
        "vote corrected to %(yes_pct)s%% in favour (first recorded as %(previous)s%%): %(reason)s",
        yes_pct=e.yes_pct,
        previous=e.previous,
        reason=e.reason,
    )


def _status(e: Any) -> Text:
    # The words are the agreement, the party and its status (a label): nothing to translate
    # but the status, so the layout is no catalogue entry.
    said = {"agreement": e.agreement, "party": e.party, "status": e.status, "detail": e.detail}
    if e.detail:
        return Text("%(agreement)s: %(party)s %(status)s (%(detail)s)", said)
    return Text("%(agreement)s: %(party)s %(status)s", said)


def _scheduled(e: Any) -> Text:
    when = {"scheduled_for": e.scheduled_for, "title": e.title, "tz": e.timezone}
    if e.conflict_confirmed:
        return N_(
            "board ratification scheduled for %(scheduled_for)s: %(title)s"
            " (before the consultation closes, confirmed)",
            **when,
        )
    return N_("board ratification scheduled for %(scheduled_for)s: %(title)s", **when)


def _rescheduled(e: Any) -> Text:
    when = {
        "previous": e.previous_scheduled_for,
        "scheduled_for": e.scheduled_for,
        "tz": e.timezone,
    }
    if e.conflict_confirmed:
        return N_(
            "board ratification moved from %(previous)s to %(scheduled_for)s"
            " (before the consultation closes, confirmed)",
            **when,
        )
    return N_("board ratification moved from %(previous)s to %(scheduled_for)s", **when)


def _advice(e: Any) -> Text:
    if e.yes_pct is None:
        return N_("the members' advice is %(advice)s", advice=e.advice)
    return N_(
        "the members' advice is %(advice)s (%(yes_pct)s%% in favour)",
        advice=e.advice,
        yes_pct=e.yes_pct,
    )


def _decided(e: Any) -> Text:
    said = {"decision": e.decision, "rationale": e.rationale}
    if e.follows_advice and not e.late:
        return N_("the board decides to %(decision)s", **said)
    if e.follows_advice:
        return N_(
            "the board decides to %(decision)s (LATE: after the day it was scheduled)", **said
        )
    if not e.late:
        return N_(
            "the board decides to %(decision)s, departing from the advice: %(rationale)s", **said
        )
    return N_(
        "the board decides to %(decision)s, departing from the advice: %(rationale)s"
        " (LATE: after the day it was scheduled)",
        **said,
    )


def _settled(e: Any) -> Text:
    if e.yes_pct is None:
        return N_("the ALV ratifies") if e.ratified else N_("the ALV rejects")
    if e.ratified:
        return N_("the ALV ratifies with %(yes_pct)s%% in favour", yes_pct=e.yes_pct)
    return N_("the ALV rejects with %(yes_pct)s%% in favour", yes_pct=e.yes_pct)


def _item_decided(e: Any) -> Text:
    if e.yes_pct is None:
        if e.adopted:
            return N_("item %(number)s adopted", number=e.number)
        return N_("item %(number)s rejected", number=e.number)
    if e.adopted:
        return N_(
            "item %(number)s adopted with %(yes_pct)s%% in favour",
            number=e.number,
            yes_pct=e.yes_pct,
        )
    return N_(
        "item %(number)s rejected with %(yes_pct)s%% in favour", number=e.number, yes_pct=e.yes_pct
    )


def _proxy_limit(e: Any) -> Text:
    if e.limit == 1:
        return N_(
            "at most %(limit)s proxy per holder (was %(previous)s)",
            limit=e.limit,
            previous=e.previous,
        )
    return N_(
        "at most %(limit)s proxies per holder (was %(previous)s)",
        limit=e.limit,
        previous=e.previous,
    )


def _attended(e: Any) -> Text:
    present = [
        N_("%(member)s (%(weight)s votes)", member=c, weight=e.weights[c]) for c in e.members
    ]
    return N_(
        "present: %(members)s; weights from the population of %(year)s",
        members=_listed(present, ", "),
        year=e.population_year,
    )


def _voted(e: Any) -> Text:
    vote = {"number": e.number, "member": e.member, "choice": e.choice, "weight": e.weight}
    if e.represents:
        return N_(
            "item %(number)s: %(member)s votes %(choice)s with %(weight)s votes"
            " (also for %(represents)s)",
            represents=", ".join(e.represents),
            **vote,
        )
    return N_("item %(number)s: %(member)s votes %(choice)s with %(weight)s votes", **vote)


def _rule(e: Any) -> Text:
    if e.party:
        return N_(
            "%(year)s: %(kind)s (%(party)s in %(agreement)s), cut %(cut_pct)s%%",
            year=e.year,
            kind=e.kind,
            party=e.party,
            agreement=e.agreement,
            cut_pct=e.cut_pct,
        )
    return N_("%(year)s: %(kind)s, cut %(cut_pct)s%%", year=e.year, kind=e.kind, cut_pct=e.cut_pct)


def _excluded(e: Any) -> Text:
    # The amount keeps the domain's own writing of euros, the same in both languages.
    what = {"year": e.year, "part": e.part, "amount": euros(e.amount_cents)}
    if e.onwards:
        return N_("%(year)s onwards: excludes %(part)s, %(amount)s", **what)
    return N_("%(year)s: excludes %(part)s, %(amount)s", **what)


_SENTENCES: dict[str, Callable[[Any], Text]] = {
    Agreement.Registered: lambda e: N_(
        "%(code)s (%(full_name)s) registered with %(parties)s signing parties",
        code=e.code,
        full_name=e.full_name,
        parties=len(e.signing_parties),
    ),
    Agreement.PartyAdded: lambda e: N_(
        "%(party)s added to %(agreement)s", party=e.party, agreement=e.agreement
    ),
    Agreement.PartyStatusChanged: _status,
    Resolution.Tabled: lambda e: N_(
        "%(kind)s tabled by %(tabled_by)s: %(title)s",
        kind=e.kind,
        tabled_by=e.tabled_by,
        title=e.title,
    ),
    Resolution.Adopted: _adopted,
    Resolution.Rejected: _rejected,
    Resolution.DecisionCorrected: _corrected,
    Resolution.ConditionMet: lambda e: N_(
        "condition %(condition)s met: %(evidence)s", condition=e.condition, evidence=e.evidence
    ),
    Resolution.Fulfilled: lambda e: N_("all conditions met; the resolution is fulfilled"),
    Resolution.ConditionRevoked: lambda e: N_(
        "condition %(condition)s no longer %(previous)s: %(evidence)s",
        condition=e.condition,
        previous=e.previous,
        evidence=e.evidence,
    ),
    Resolution.ConditionFailed: lambda e: N_(
        "condition %(condition)s failed: %(evidence)s", condition=e.condition, evidence=e.evidence
    ),
    Resolution.ConditionEffectsRecorded: lambda e: _listed([_lift(d) for d in e.lifts], "; "),
    ImplementationTest.Commissioned: lambda e: N_(
        "UDO commissioned for %(agreement)s: %(title)s", agreement=e.agreement, title=e.title
    ),
    ImplementationTest.ParticipantsAdded: lambda e: N_(
        "%(count)s municipalities take part", count=len(e.members)
    ),
    ImplementationTest.CriticalPointFound: lambda e: N_(
        "critical point %(number)s: %(title)s", number=e.number, title=e.title
    ),
    ImplementationTest.ProcessAgreementMade: lambda e: N_(
        "process agreement on point %(point)s with %(parties)s",
        point=e.point,
        parties=", ".join(e.parties),
    ),
    ImplementationTest.Completed: lambda e: N_("UDO completed"),
    ImplementationTest.PresentedToMembers: lambda e: N_(
        "UDO presented to the members (%(reference)s)", reference=e.reference
    ),
    ConditionalSigning.Signed: lambda e: N_(
        "%(party)s signs %(agreement)s under conditions", party=e.party, agreement=e.agreement
    ),
    ConditionalSigning.MadeDefinitive: lambda e: N_("signature made definitive"),
    ConditionalSigning.Withdrawn: lambda e: N_("signature withdrawn"),
    Consultation.Opened: lambda e: N_(
        "ledenraadpleging opened: %(title)s (closes %(closes_at)s)",
        title=e.title,
        closes_at=e.closes_at,
        tz=e.timezone,
    ),
    Consultation.Extended: lambda e: N_(
        "deadline extended to %(closes_at)s", closes_at=e.closes_at
    ),
    Consultation.Closed: lambda e: (
        N_("ledenraadpleging closed early") if e.early else N_("ledenraadpleging closed")
    ),
    Consultation.Cancelled: lambda e: N_("ledenraadpleging cancelled"),
    Consultation.BallotsMarkedSynthetic: lambda e: N_(
        "ballots marked SYNTHETIC: %(note)s", note=e.note
    ),
    BoardRatification.Scheduled: _scheduled,
    BoardRatification.AdviceReceived: _advice,
    BoardRatification.Rescheduled: _rescheduled,
    BoardRatification.ConsultationOverrunConfirmed: lambda e: N_(
        "consultation extended to %(closes_at)s, past the ratification on %(scheduled_for)s"
        " (confirmed)",
        closes_at=e.consultation_closes_at,
        scheduled_for=e.scheduled_for,
    ),
    BoardRatification.Decided: _decided,
    BoardRatification.SettledByAssembly: _settled,
    BoardRatification.Communicated: lambda e: N_(
        "decision communicated to %(to)s", to=", ".join(e.to)
    ),
    GeneralAssembly.Convened: lambda e: N_(
        "ALV convened for %(held_on)s: %(title)s", held_on=e.held_on.date(), title=e.title
    ),
    GeneralAssembly.Rescheduled: lambda e: N_(
        "ALV moved from %(previous)s to %(held_on)s",
        previous=e.previous_held_on.date(),
        held_on=e.held_on.date(),
    ),
    GeneralAssembly.ItemAdded: lambda e: N_(
        "agenda item %(number)s (%(kind)s): %(title)s", number=e.number, kind=e.kind, title=e.title
    ),
    GeneralAssembly.ItemDecided: _item_decided,
    GeneralAssembly.Held: lambda e: N_("ALV held"),
    GeneralAssembly.ProxyLimitSet: _proxy_limit,
    GeneralAssembly.Attended: _attended,
    GeneralAssembly.Left: lambda e: N_("%(member)s left the meeting", member=e.member),
    GeneralAssembly.ProxyGiven: lambda e: N_(
        "%(giver)s (%(weight)s votes) authorises %(holder)s to vote on its behalf",
        giver=e.giver,
        weight=e.weight,
        holder=e.holder,
    ),
    GeneralAssembly.MemberVoted: _voted,
    Region.Registered: lambda e: N_(
        "region %(name)s (%(count)s municipalities; %(committee)s;"
        " mandate municipality %(mandate)s)",
        name=e.name,
        count=len(e.members),
        committee=e.committee,
        mandate=e.mandate_municipality,
    ),
    Region.DecisionRecorded: lambda e: N_("%(body)s decides: %(text)s", body=e.body, text=e.text),
    Region.ConditionalDecisionRecorded: lambda e: N_(
        "%(body)s decides, pending %(party)s in %(agreement)s: %(text)s",
        body=e.body,
        party=e.party,
        agreement=e.agreement,
        text=e.text,
    ),
    Region.DecisionReopened: lambda e: N_(
        "decision %(number)s reopened for a new decision", number=e.number
    ),
    Region.DecisionMoot: lambda e: N_("decision %(number)s closed as moot", number=e.number),
    Region.BudgetRecorded: lambda e: N_(
        "budget %(scheme)s %(year)s: %(amount)s",
        scheme=e.scheme,
        year=e.year,
        amount=euros(e.amount_cents),
    ),
    GrantScheme.Registered: lambda e: N_(
        "grant scheme %(code)s: %(name)s", code=e.code, name=e.name
    ),
    GrantScheme.RuleSet: _rule,
    GrantScheme.Allocated: lambda e: N_(
        "%(region)s %(year)s: %(amount)s allocated",
        region=e.region,
        year=e.year,
        amount=euros(e.amount_cents),
    ),
    GrantScheme.Excluded: _excluded,
    Commitment.Registered: lambda e: N_(
        "monitoring commitment: %(title)s (owner %(owner)s, %(forum)s)",
        title=e.title,
        owner=e.owner,
        forum=e.forum,
    ),
    Commitment.ReviewRaised: lambda e: N_("review %(period)s due", period=e.period),
    Commitment.ReviewRecorded: lambda e: N_(
        "review %(period)s: %(finding)s", period=e.period, finding=e.finding
    ),
    GeneralAssembly.Closed: lambda e: N_("ALV closed"),
}
TOPICS = list(_SENTENCES)


def text(event: Any) -> Text:
    """The step as a translatable sentence: its moments kept as moments, for the reader's
    language and zone (adapters/i18n/sentences.py)."""
    describe = _SENTENCES.get(topic(event))
    return describe(event) if describe else Text(type(event).__qualname__)


def sentence(event: Any) -> str:
    """The step in English, as the timeline has always written it (moments in full ISO form):
    the `summary` the API, `--json` and the English CLI show."""
    return _iso(text(event))


def _iso(message: Text) -> str:
    if not message.params:
        return message.template
    return message.template % {key: _iso_param(v) for key, v in message.params.items()}


def _iso_param(value: object) -> object:
    if isinstance(value, Text):
        return _iso(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return english(value)


class TimelineProjection:
    name = "timeline"
    topics = TOPICS

    def process(self, event: Any, rows: Rows, position: int) -> None:
        said = text(event)
        rows.insert(
            TABLE,
            {
                "position": position,
                "aggregate_id": str(event.originator_id),
                "process": type(event).__qualname__.split(".")[0],
                "event": type(event).__qualname__,
                "at": time_key(event.at),
                "actor": event.actor,
                "summary": _iso(said),
                "sentence": said.to_json(),
            },
        )
