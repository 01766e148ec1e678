"""Conditions with effects of their own: met, revoked or declared failed, each with evidence and
a reason; a condition may lift part of the effect (talks resume) before all are met."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.agreement import PartyStatus
from domain.errors import InvalidInputError, MissingReasonError
from domain.resolution import (
    ConditionState,
    ConditionStateError,
    Lift,
    PartialLift,
    Resolution,
    ResolutionKind,
    ResolutionStateError,
    effect,
    parse_lifts,
)
from domain.rules import WeightedResult

AMS = ZoneInfo("Europe/Amsterdam")
AT = datetime(2024, 11, 29, 11, 0, tzinfo=AMS)
EQUALITY, FINANCING = 1, 2


def resolution(lifts: list[PartialLift] | None = None, conditions: int = 2) -> Resolution:
    r = Resolution.table(
        kind=ResolutionKind.RESOLUTION,
        title="Stop met gesprekken",
        text="",
        tabled_by="leden",
        conditions=[f"voorwaarde {n}" for n in range(1, conditions + 1)],
        effects=[effect("VNG", "IZA"), effect("VNG", "AZWA")],
        actor="officer:x",
        reason="ALV 29 november 2024",
        at=AT,
        lifts=lifts,
    )
    r.decide(WeightedResult.published("93.4"), actor="officer:x", reason="ALV", at=AT)
    return r


def talks_in_azwa() -> Resolution:
    return resolution(parse_lifts(["1:talks:AZWA"]))


def act(r: Resolution, what: str, number: int, evidence: str = "", **kw: Any) -> bool:
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "brief ontvangen")
    kw.setdefault("at", AT + timedelta(days=50))
    command = {
        "meet": r.meet_condition,
        "revoke": r.revoke_condition,
        "fail": r.declare_failed,
    }[what]
    return command(number, evidence=evidence or f"{what} {number}.pdf", **kw)


def names(r: Resolution) -> list[str]:
    return [type(e).__name__ for e in r.collect_events()]


# --- tabling the per-condition effects ----------------------------------------------------


def test_lifts_are_recorded_with_the_tabling_and_replay() -> None:
    r = talks_in_azwa()
    events = r.collect_events()
    assert [type(e).__name__ for e in events] == ["Tabled", "ConditionEffectsRecorded", "Adopted"]
    copy = None
    for e in events:
        copy = e.mutate(copy)
    assert isinstance(copy, Resolution)
    assert copy.partial_lifts() == [PartialLift(1, Lift.TALKS, "AZWA")]


def test_without_lifts_nothing_new_is_recorded_and_every_condition_lifts_the_one_effect() -> None:
    r = resolution()
    assert names(r) == ["Tabled", "Adopted"]
    act(r, "meet", EQUALITY)
    assert r.standing("AZWA")[0] is PartyStatus.SUSPENDED
    act(r, "meet", FINANCING)
    assert r.standing("AZWA")[0] is PartyStatus.RESUMED


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        (["talks"], "CONDITION:PART"),
        (["x:talks"], "CONDITION:PART"),
        (["1:signing"], "unknown part 'signing'"),
        (["1:talks:AZWA:VNG"], "CONDITION:PART"),
        (["1:talks:?"], "malformed agreement code"),
    ],
)
def test_malformed_lifts_are_refused(texts: list[str], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_lifts(texts)


@pytest.mark.parametrize(
    ("lifts", "message"),
    [
        (["3:talks"], r"conditions are 1\.\.2"),
        (["1:talks:HLO"], "suspends only AZWA, IZA"),
        (["1:talks", "1:talks"], "twice"),
    ],
)
def test_a_lift_must_name_a_condition_and_an_agreement_of_the_resolution(
    lifts: list[str], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        resolution(parse_lifts(lifts))


def test_a_lift_needs_an_effect_to_lift() -> None:
    with pytest.raises(InvalidInputError, match="name the effect"):
        Resolution.table(
            kind=ResolutionKind.MOTION,
            title="Motie",
            text="",
            tabled_by="leden",
            conditions=["c"],
            effects=[],
            actor="officer:x",
            reason="r",
            at=AT,
            lifts=parse_lifts(["1:talks"]),
        )


# --- the partial state --------------------------------------------------------------------


def test_the_equality_condition_resumes_the_azwa_talks_only() -> None:
    r = talks_in_azwa()
    assert r.standing("AZWA") == (
        PartyStatus.SUSPENDED,
        "0 of 2 conditions met; until all conditions of 'Stop met gesprekken' are met",
    )
    act(r, "meet", EQUALITY, "004_6d089373693b9d06.txt")
    status, detail = r.standing("AZWA")
    assert status is PartyStatus.TALKS_RESUMED
    assert detail == (
        "1 of 2 conditions met; participation still suspended until all conditions of "
        "'Stop met gesprekken' are met"
    )
    assert r.standing("IZA")[0] is PartyStatus.SUSPENDED
    assert r.summary()["lifted"] == ["talks in AZWA"]
    assert r.summary()["conditions"][0]["lifts"] == ["talks in AZWA"]
    assert r.summary()["conditions"][0]["evidence"] == "004_6d089373693b9d06.txt"
    act(r, "meet", FINANCING)
    assert names(r)[-2:] == ["ConditionMet", "Fulfilled"]
    assert r.standing("AZWA") == (
        PartyStatus.RESUMED,
        "all 2 conditions of 'Stop met gesprekken' met",
    )
    assert r.summary()["lifted"] == []


def test_a_lift_without_an_agreement_applies_to_every_suspended_agreement() -> None:
    r = resolution(parse_lifts(["1:talks"]))
    act(r, "meet", EQUALITY)
    assert r.standing("IZA")[0] is r.standing("AZWA")[0] is PartyStatus.TALKS_RESUMED


def test_a_condition_met_without_a_lift_of_its_own_only_counts() -> None:
    r = talks_in_azwa()
    act(r, "meet", FINANCING)
    assert r.standing("AZWA") == (
        PartyStatus.SUSPENDED,
        "1 of 2 conditions met; until all conditions of 'Stop met gesprekken' are met",
    )


def test_a_failed_condition_is_visible_and_keeps_the_effect() -> None:
    r = talks_in_azwa()
    act(r, "meet", EQUALITY)
    assert act(r, "fail", FINANCING, "brief VWS: geen structurele middelen")
    assert r.state_of(FINANCING) is ConditionState.FAILED
    status, detail = r.standing("AZWA")
    assert status is PartyStatus.TALKS_RESUMED
    assert "1 of 2 conditions met; condition 2 failed;" in detail
    summary = r.summary()["conditions"][1]
    assert (summary["state"], summary["met"], summary["evidence"]) == (
        "failed",
        False,
        "brief VWS: geen structurele middelen",
    )
    assert not r.fulfilled


def test_revoking_the_equality_condition_suspends_the_talks_again() -> None:
    r = talks_in_azwa()
    act(r, "meet", EQUALITY)
    r.collect_events()
    assert act(r, "revoke", EQUALITY, "brief VWS: afspraak ingetrokken")
    [revoked] = r.collect_events()
    assert isinstance(revoked, Resolution.ConditionRevoked)
    assert (revoked.condition, revoked.previous, revoked.evidence) == (
        1,
        "met",
        "brief VWS: afspraak ingetrokken",
    )
    assert r.state_of(EQUALITY) is ConditionState.OPEN
    assert r.standing("AZWA")[0] is PartyStatus.SUSPENDED


def test_a_revoked_failure_lets_the_condition_be_met() -> None:
    r = talks_in_azwa()
    act(r, "fail", FINANCING)
    with pytest.raises(ConditionStateError, match="declared failed"):
        act(r, "meet", FINANCING)
    act(r, "revoke", FINANCING)
    assert act(r, "meet", FINANCING)


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setup", "what", "error", "message"),
    [
        ([], "revoke", ConditionStateError, "is open"),
        ([("fail", 2)], "meet", ConditionStateError, "revoke that first"),
        ([("meet", 2)], "fail", ConditionStateError, "revoke it first"),
        ([("meet", 2)], "meet", ConditionStateError, "met already"),
        ([("fail", 2)], "fail", ConditionStateError, "declared failed already"),
        ([("meet", 1), ("meet", 2)], "revoke", ResolutionStateError, "fulfilled"),
        ([("meet", 1), ("meet", 2)], "fail", ResolutionStateError, "fulfilled"),
    ],
)
def test_an_invalid_change_is_refused_and_writes_nothing(
    setup: list[tuple[str, int]], what: str, error: type[Exception], message: str
) -> None:
    r = talks_in_azwa()
    for step, number in setup:
        act(r, step, number)
    r.collect_events()
    before = r.summary()
    with pytest.raises(error, match=message):
        act(r, what, 2, "andere brief.pdf")
    assert r.collect_events() == []
    assert r.summary() == before


@pytest.mark.parametrize("what", ["meet", "revoke", "fail"])
@pytest.mark.parametrize("number", [0, 3, -1])
def test_an_unknown_condition_is_refused(what: str, number: int) -> None:
    r = talks_in_azwa()
    with pytest.raises(InvalidInputError, match=r"conditions 1\.\.2, not"):
        act(r, what, number)


@pytest.mark.parametrize("what", ["revoke", "fail"])
def test_revoking_or_failing_needs_evidence_and_a_reason(what: str) -> None:
    r = talks_in_azwa()
    act(r, "meet", EQUALITY)
    number = EQUALITY if what == "revoke" else FINANCING
    r.collect_events()
    with pytest.raises(InvalidInputError):
        act(r, what, number, evidence="  ")
    with pytest.raises(MissingReasonError):
        act(r, what, number, reason=" ")
    assert r.collect_events() == []


@pytest.mark.parametrize("what", ["revoke", "fail"])
def test_conditions_of_a_rejected_resolution_cannot_change(what: str) -> None:
    r = Resolution.table(
        kind=ResolutionKind.RESOLUTION,
        title="Stop",
        text="",
        tabled_by="leden",
        conditions=["c"],
        effects=[effect("VNG", "IZA")],
        actor="officer:x",
        reason="r",
        at=AT,
    )
    r.decide(WeightedResult.published("20"), actor="officer:x", reason="ALV", at=AT)
    with pytest.raises(ResolutionStateError, match="rejected"):
        act(r, what, 1)


# --- any order keeps the count honest ------------------------------------------------------

MOVES = st.lists(
    st.tuples(st.sampled_from(["meet", "revoke", "fail"]), st.integers(1, 4)), max_size=30
)


@given(size=st.integers(1, 4), moves=MOVES, talks=st.integers(1, 4))
@settings(max_examples=200, deadline=None)
def test_any_order_of_meet_revoke_and_fail_keeps_the_count_equal_to_a_recount(
    size: int, moves: list[tuple[str, int]], talks: int
) -> None:
    lifts = parse_lifts([f"{talks}:talks:AZWA"]) if talks <= size else []
    r = resolution(lifts, conditions=size)
    history: list[Any] = list(r.collect_events())
    expected: dict[int, ConditionState] = dict.fromkeys(range(1, size + 1), ConditionState.OPEN)
    for what, number in moves:
        if number > size:
            with pytest.raises(InvalidInputError):
                act(r, what, number)
            continue
        try:
            act(r, what, number)
        except (ConditionStateError, ResolutionStateError):
            history += r.collect_events()
            assert r.collect_events() == []
            continue
        history += r.collect_events()
        if not r.fulfilled:
            expected[number] = {
                "meet": ConditionState.MET,
                "fail": ConditionState.FAILED,
                "revoke": ConditionState.OPEN,
            }[what]
        else:
            expected[number] = ConditionState.MET
    recount = sum(1 for e in history if isinstance(e, Resolution.ConditionMet)) - sum(
        1 for e in history if isinstance(e, Resolution.ConditionRevoked) and e.previous == "met"
    )
    met = sum(1 for s in expected.values() if s is ConditionState.MET)
    assert len(r.met) == met == recount == r.summary()["conditions_met"]
    assert {n: r.state_of(n) for n in expected} == expected
    status, detail = r.standing("AZWA")
    if r.fulfilled:
        assert status is PartyStatus.RESUMED and met == size
        assert sum(isinstance(e, Resolution.Fulfilled) for e in history) == 1
    else:
        assert detail.startswith(f"{met} of {size} condition")
        talks_met = bool(lifts) and expected[talks] is ConditionState.MET
        assert (status is PartyStatus.TALKS_RESUMED) == talks_met
        assert r.standing("IZA")[0] is PartyStatus.SUSPENDED
    replayed = None
    for e in history:
        replayed = e.mutate(replayed)
    assert isinstance(replayed, Resolution)
    assert replayed.summary() == r.summary()
