"""An ALV resolution: tabled, decided by a weighted vote, its conditions met one by one."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.agreement import PartyStatus
from domain.errors import InvalidDeadlineError, InvalidInputError, MissingReasonError
from domain.resolution import (
    ConditionStateError,
    Resolution,
    ResolutionKind,
    ResolutionStateError,
    effect,
)
from domain.rules import WeightedResult

AMS = ZoneInfo("Europe/Amsterdam")
TABLED = datetime(2025, 11, 1, 10, 0, tzinfo=AMS)
VOTED = datetime(2025, 12, 11, 15, 30, tzinfo=AMS)
CONDITIONS = [
    "Het Rijk compenseert de uitvoeringskosten",
    "De monitor wordt jaarlijks gedeeld",
    "Een UDO is uitgevoerd",
]


def tabled(**overrides: Any) -> Resolution:
    args: dict[str, Any] = {
        "kind": ResolutionKind.RESOLUTION,
        "title": "Voorwaardelijke instemming AZWA",
        "text": "  De ALV besluit ...  ",
        "tabled_by": "Bestuur",
        "conditions": list(CONDITIONS),
        "effects": [effect("VNG", "azwa")],
        "actor": "officer:x",
        "reason": "ALV december",
        "at": TABLED,
        "assembly_id": "alv-2025-12",
    }
    args.update(overrides)
    return Resolution.table(**args)


def decide(r: Resolution, result: WeightedResult, **kw: Any) -> bool:
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "stemming ALV")
    kw.setdefault("at", VOTED)
    return r.decide(result, **kw)


def meet(r: Resolution, number: int, **kw: Any) -> bool:
    kw.setdefault("evidence", f"brief {number}")
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "bewijs ontvangen")
    kw.setdefault("at", VOTED + timedelta(days=number))
    return r.meet_condition(number, **kw)


def adopted(conditions: list[str] | None = None) -> Resolution:
    r = tabled(conditions=list(CONDITIONS if conditions is None else conditions))
    assert decide(r, WeightedResult.published("93.4%"))
    r.collect_events()
    return r


def names(r: Resolution) -> list[str]:
    return [type(e).__name__ for e in r.collect_events()]


def replay(events: list[Any]) -> Resolution:
    aggregate = None
    for e in events:
        aggregate = e.mutate(aggregate)
    assert isinstance(aggregate, Resolution)
    return aggregate


# --- tabling -------------------------------------------------------------------------------


def test_tabling_records_the_resolution_pending() -> None:
    r = tabled()
    assert r.kind == "resolution"
    assert r.outcome == ""
    assert r.yes_pct is None
    assert r.met == {}
    assert r.fulfilled is False
    assert r.conditions == CONDITIONS
    assert r.effects == [{"party": "VNG", "agreement": "AZWA", "status": "participation suspended"}]
    assert r.assembly_id == "alv-2025-12"
    summary = r.summary()
    assert summary["outcome"] == "pending"
    assert summary["yes_pct"] is None
    assert [c["met"] for c in summary["conditions"]] == [False, False, False]
    assert [c["number"] for c in summary["conditions"]] == [1, 2, 3]
    assert names(r) == ["Tabled"]


def test_effect_is_a_suspension_with_normalised_names() -> None:
    assert effect("  Zorgverzekeraars   Nederland ", " hlo ") == {
        "party": "Zorgverzekeraars Nederland",
        "agreement": "HLO",
        "status": PartyStatus.SUSPENDED.value,
    }
    with pytest.raises(InvalidInputError):
        effect("VNG", "not a code")
    with pytest.raises(InvalidInputError):
        effect(" ", "AZWA")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"at": TABLED.replace(tzinfo=None)}, InvalidDeadlineError),
        ({"title": "  "}, InvalidInputError),
        ({"title": "x" * 301}, InvalidInputError),
        ({"tabled_by": ""}, InvalidInputError),
        ({"tabled_by": "x" * 81}, InvalidInputError),
        ({"conditions": ["ok", "  "]}, InvalidInputError),
        ({"conditions": ["x" * 501]}, InvalidInputError),
        ({"reason": " "}, MissingReasonError),
        ({"conditions": []}, InvalidInputError),  # an effect with nothing to end it
    ],
)
def test_tabling_refuses_bad_input(overrides: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        tabled(**overrides)


def test_a_motion_may_have_effects_without_conditions() -> None:
    r = tabled(kind=ResolutionKind.MOTION, conditions=[])
    assert r.kind == "motion"
    assert r.conditions == []
    assert len(r.effects) == 1


def test_a_resolution_without_effects_needs_no_conditions() -> None:
    r = tabled(conditions=[], effects=[])
    assert r.conditions == []


# --- deciding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "outcome", "event"),
    [
        (WeightedResult.published("93.4%"), "adopted", "Adopted"),
        (WeightedResult.published("50"), "rejected", "Rejected"),
        (WeightedResult.published("50.01"), "adopted", "Adopted"),
        (WeightedResult.from_weights(60, 32), "adopted", "Adopted"),
        (WeightedResult.from_weights(46, 46), "rejected", "Rejected"),
        (WeightedResult.from_weights(10, 82), "rejected", "Rejected"),
    ],
)
def test_the_vote_decides_the_outcome(result: WeightedResult, outcome: str, event: str) -> None:
    r = tabled()
    r.collect_events()
    assert decide(r, result)
    assert r.outcome == outcome
    assert r.yes_pct == result.yes_pct
    assert r.summary()["outcome"] == outcome
    [e] = r.collect_events()
    assert type(e).__name__ == event
    assert (e.yes_pct, e.yes_weight, e.no_weight) == (
        result.yes_pct,
        result.yes_weight,
        result.no_weight,
    )


def test_a_published_result_carries_no_weights() -> None:
    r = tabled()
    decide(r, WeightedResult.published("93.4%"))
    e = r.collect_events()[-1]
    assert isinstance(e, Resolution.Adopted)
    assert e.yes_pct == Decimal("93.4")
    assert e.yes_weight is None
    assert e.no_weight is None


def test_deciding_the_same_result_twice_records_it_once() -> None:
    r = tabled()
    assert decide(r, WeightedResult.from_weights(60, 32))
    assert not decide(r, WeightedResult.from_weights(60, 32), reason="nogmaals")
    assert not decide(r, WeightedResult.published(str(r.yes_pct)))  # the same percentage
    assert names(r) == ["Tabled", "Adopted"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (WeightedResult.published("93.4"), WeightedResult.published("20")),
        (WeightedResult.published("20"), WeightedResult.published("93.4")),
        (WeightedResult.published("93.4"), WeightedResult.published("93.5")),
        (WeightedResult.published("20"), WeightedResult.published("21")),
    ],
    ids=["adopted-then-rejected", "rejected-then-adopted", "other-pct", "other-pct-rejected"],
)
def test_deciding_again_with_another_result_is_refused(
    first: WeightedResult, second: WeightedResult
) -> None:
    r = tabled()
    decide(r, first)
    before = (r.outcome, r.yes_pct)
    with pytest.raises(ResolutionStateError):
        decide(r, second)
    assert (r.outcome, r.yes_pct) == before
    assert len(r.collect_events()) == 2


def test_deciding_needs_an_aware_time_and_a_reason() -> None:
    r = tabled()
    r.collect_events()
    with pytest.raises(InvalidDeadlineError):
        decide(r, WeightedResult.published("70"), at=VOTED.replace(tzinfo=None))
    with pytest.raises(MissingReasonError):
        decide(r, WeightedResult.published("70"), reason="  ")
    assert r.outcome == ""
    assert r.collect_events() == []


# --- conditions ----------------------------------------------------------------------------


def test_conditions_met_one_by_one_fulfil_with_the_last() -> None:
    r = adopted()
    assert meet(r, 2)
    assert names(r) == ["ConditionMet"]
    assert not r.fulfilled
    assert meet(r, 1)
    assert names(r) == ["ConditionMet"]
    assert not r.fulfilled
    assert meet(r, 3, evidence="  UDO-rapport  ")
    events = r.collect_events()
    assert [type(e).__name__ for e in events] == ["ConditionMet", "Fulfilled"]
    met, fulfilled = events
    assert isinstance(met, Resolution.ConditionMet)
    assert (met.condition, met.evidence) == (3, "UDO-rapport")
    assert isinstance(fulfilled, Resolution.Fulfilled)
    assert fulfilled.at == met.at
    assert r.fulfilled
    assert r.met == {"1": "brief 1", "2": "brief 2", "3": "UDO-rapport"}
    summary = r.summary()
    assert summary["fulfilled"] is True
    assert [c["evidence"] for c in summary["conditions"]] == ["brief 1", "brief 2", "UDO-rapport"]


def test_meeting_a_condition_again_changes_nothing() -> None:
    r = adopted()
    assert meet(r, 1, evidence="eerste brief")
    assert not meet(r, 1, evidence="eerste brief")  # a retry
    with pytest.raises(ConditionStateError, match="met already"):
        meet(r, 1, evidence="tweede brief")  # other evidence: revoke first
    assert r.met["1"] == "eerste brief"
    for n in (2, 3):
        meet(r, n)
    r.collect_events()
    assert not meet(r, 3)
    assert r.collect_events() == []


def test_a_single_condition_fulfils_at_once() -> None:
    r = adopted(conditions=["Het Rijk compenseert"])
    assert meet(r, 1)
    assert names(r) == ["ConditionMet", "Fulfilled"]


@pytest.mark.parametrize(
    "result", [None, WeightedResult.published("20")], ids=["undecided", "rejected"]
)
def test_conditions_of_an_undecided_or_rejected_resolution_do_not_apply(
    result: WeightedResult | None,
) -> None:
    r = tabled()
    if result is not None:
        decide(r, result)
    r.collect_events()
    with pytest.raises(ResolutionStateError, match="rejected" if result else "not voted yet"):
        meet(r, 1)
    assert r.met == {}
    assert r.collect_events() == []


@pytest.mark.parametrize("number", [0, -1, 4, 99])
def test_a_condition_number_outside_the_list_is_refused(number: int) -> None:
    r = adopted()
    with pytest.raises(InvalidInputError, match=r"1\.\.3"):
        meet(r, number)
    assert r.collect_events() == []


def test_an_adopted_resolution_without_conditions_has_none_to_meet() -> None:
    r = tabled(conditions=[], effects=[])
    decide(r, WeightedResult.published("80"))
    with pytest.raises(InvalidInputError):
        meet(r, 1)


def test_meeting_a_condition_needs_evidence_an_aware_time_and_a_reason() -> None:
    r = adopted()
    with pytest.raises(InvalidInputError):
        meet(r, 1, evidence="  ")
    with pytest.raises(MissingReasonError):
        meet(r, 1, reason="")
    with pytest.raises(InvalidDeadlineError):
        meet(r, 1, at=VOTED.replace(tzinfo=None))
    assert r.met == {}
    assert r.collect_events() == []


def test_the_resolution_is_replayable_from_its_events() -> None:
    r = tabled()
    events = r.collect_events()
    decide(r, WeightedResult.from_weights(70, 22))
    for n in (3, 1, 2):
        meet(r, n)
    events += r.collect_events()
    copy = replay(events)
    assert copy.summary() == r.summary()
    assert copy.fulfilled


@given(
    size=st.integers(1, 6),
    numbers=st.lists(st.integers(1, 6), max_size=20),
)
@settings(max_examples=150, deadline=None)
def test_fulfilled_appears_once_and_only_when_every_condition_is_met(
    size: int, numbers: list[int]
) -> None:
    r = adopted(conditions=[f"voorwaarde {i}" for i in range(1, size + 1)])
    seen: set[int] = set()
    fulfilled_after: int | None = None
    for step, number in enumerate(numbers):
        if number > size:
            with pytest.raises(InvalidInputError):
                meet(r, number)
            continue
        first_time = number not in seen
        assert meet(r, number) is first_time
        seen.add(number)
        events = [type(e).__name__ for e in r.collect_events()]
        if not first_time:
            assert events == []
        elif len(seen) == size:
            assert events == ["ConditionMet", "Fulfilled"]
            assert fulfilled_after is None
            fulfilled_after = step
        else:
            assert events == ["ConditionMet"]
        assert r.fulfilled is (len(seen) == size)
    assert (fulfilled_after is not None) is (seen == set(range(1, size + 1)))
