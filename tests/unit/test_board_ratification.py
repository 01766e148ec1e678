"""The board ratifies a consultation's outcome, on the aggregate alone (no store)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.board_ratification import (
    BoardRatification,
    Decision,
    RatificationStateError,
)
from domain.errors import InvalidDeadlineError, InvalidInputError, MissingReasonError
from domain.rules import WeightedResult

AMS = ZoneInfo("Europe/Amsterdam")
AT = datetime(2025, 9, 1, 9, 0, tzinfo=AMS)
BOARD_MEETS = datetime(2025, 11, 6, 13, 0, tzinfo=AMS)
CLOSED = datetime(2025, 10, 22, 16, 0, tzinfo=AMS)
POSITIVE = WeightedResult.from_weights(80, 12)
NEGATIVE = WeightedResult.from_weights(12, 80)
ADVICE = {"positive": POSITIVE, "negative": NEGATIVE, "none": None}


def scheduled(**overrides: Any) -> BoardRatification:
    args: dict[str, Any] = {
        "title": "Bekrachtiging AZWA",
        "scheduled_for": BOARD_MEETS,
        "timezone": "Europe/Amsterdam",
        "consultation_id": "c-1",
        "party": "  VNG ",
        "agreements": ["azwa", "hlo"],
        "signing_ids": ["s-1"],
        "actor": "officer:x",
        "reason": "na de ledenraadpleging",
        "at": AT,
    }
    args.update(overrides)
    return BoardRatification.schedule(**args)


def advise(r: BoardRatification, result: WeightedResult | None) -> bool:
    return r.receive_advice(result, cause="consultation:c-1", actor="system:workflow", at=CLOSED)


def with_advice(advice: str) -> BoardRatification:
    r = scheduled()
    assert advise(r, ADVICE[advice])
    r.collect_events()
    return r


def decide(r: BoardRatification, decision: Decision, **kw: Any) -> None:
    kw.setdefault("rationale", "")
    kw.setdefault("actor", "board:x")
    kw.setdefault("reason", "bestuursvergadering")
    kw.setdefault("at", BOARD_MEETS)
    r.decide(decision, **kw)


def settle(r: BoardRatification, result: WeightedResult) -> bool:
    return r.settle_by_assembly(
        result, cause="assembly:alv-1", actor="system:workflow", at=BOARD_MEETS + timedelta(days=30)
    )


def communicate(r: BoardRatification, **kw: Any) -> None:
    kw.setdefault("to", ["members", "Rijk"])
    kw.setdefault("reference", "Lbr. 25/090")
    kw.setdefault("actor", "officer:x")
    kw.setdefault("reason", "ledenbrief")
    kw.setdefault("at", BOARD_MEETS + timedelta(days=1))
    r.communicate(**kw)


def names(r: BoardRatification) -> list[str]:
    return [type(e).__name__ for e in r.collect_events()]


# --- scheduling ----------------------------------------------------------------------------


def test_scheduling_records_a_pending_ratification() -> None:
    r = scheduled()
    assert r.party == "VNG"
    assert r.agreements == ["AZWA", "HLO"]
    assert (r.advice, r.decision, r.outcome, r.communicated) == ("", "", "", False)
    summary = r.summary()
    assert (summary["advice"], summary["decision"], summary["outcome"]) == ("pending",) * 3
    assert summary["scheduled_for"] == "2025-11-06T13:00:00+01:00"
    assert names(r) == ["Scheduled"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"scheduled_for": BOARD_MEETS.replace(tzinfo=None)}, InvalidDeadlineError),
        ({"agreements": []}, InvalidInputError),
        ({"agreements": ["AZWA", "h l o"]}, InvalidInputError),
        ({"title": " "}, InvalidInputError),
        ({"party": ""}, InvalidInputError),
        ({"reason": ""}, MissingReasonError),
    ],
)
def test_scheduling_refuses_bad_input(overrides: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        scheduled(**overrides)


def test_decision_parse() -> None:
    assert Decision.parse(" Ratify ") is Decision.RATIFY
    assert Decision.parse("REFER") is Decision.REFER
    with pytest.raises(InvalidInputError):
        Decision.parse("approve")


# --- advice --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("result", "advice", "pct"),
    [
        (POSITIVE, "positive", Decimal("86.96")),
        (NEGATIVE, "negative", Decimal("13.04")),
        (WeightedResult.from_weights(46, 46), "negative", Decimal("50.00")),
        (WeightedResult.published("93.4%"), "positive", Decimal("93.4")),
        (None, "none", None),
    ],
)
def test_advice_follows_the_consultation(
    result: WeightedResult | None, advice: str, pct: Decimal | None
) -> None:
    r = scheduled()
    r.collect_events()
    assert advise(r, result)
    assert r.advice == advice
    [e] = r.collect_events()
    assert isinstance(e, BoardRatification.AdviceReceived)
    assert (e.advice, e.yes_pct) == (advice, pct)


def test_advice_is_received_once() -> None:
    r = with_advice("positive")
    assert not advise(r, NEGATIVE)
    assert r.advice == "positive"
    assert r.collect_events() == []


# --- deciding ------------------------------------------------------------------------------


@pytest.mark.parametrize("decision", list(Decision))
def test_deciding_before_the_advice_is_refused(decision: Decision) -> None:
    r = scheduled()
    r.collect_events()
    with pytest.raises(RatificationStateError, match="no advice"):
        decide(r, decision, rationale="toch", assembly_id="alv-1")
    assert r.decision == ""
    assert r.collect_events() == []


@pytest.mark.parametrize(
    ("advice", "decision", "follows"),
    [
        ("positive", Decision.RATIFY, True),
        ("negative", Decision.REJECT, True),
        ("positive", Decision.REJECT, False),
        ("negative", Decision.RATIFY, False),
        ("positive", Decision.REFER, False),
        ("negative", Decision.REFER, False),
        ("none", Decision.RATIFY, False),
        ("none", Decision.REJECT, False),
        ("none", Decision.REFER, False),
    ],
)
def test_follows_advice_is_computed(advice: str, decision: Decision, follows: bool) -> None:
    r = with_advice(advice)
    decide(r, decision, rationale="  afweging  ", assembly_id="alv-1")
    [e] = r.collect_events()
    assert isinstance(e, BoardRatification.Decided)
    assert e.follows_advice is follows
    assert e.decision == decision.value
    assert e.rationale == "afweging"
    assert r.decision == decision.value


@pytest.mark.parametrize(
    ("advice", "decision"),
    [
        ("positive", Decision.REJECT),
        ("negative", Decision.RATIFY),
        ("positive", Decision.REFER),
        ("none", Decision.RATIFY),
        ("none", Decision.REJECT),
    ],
)
def test_departing_from_the_advice_needs_a_rationale(advice: str, decision: Decision) -> None:
    r = with_advice(advice)
    with pytest.raises(InvalidInputError, match="needs a rationale"):
        decide(r, decision, rationale="   ", assembly_id="alv-1")
    assert r.decision == ""
    assert r.collect_events() == []


@pytest.mark.parametrize(("advice", "decision"), [("positive", "ratify"), ("negative", "reject")])
def test_following_the_advice_needs_no_rationale(advice: str, decision: str) -> None:
    r = with_advice(advice)
    decide(r, Decision(decision), rationale="")
    assert r.outcome == {"ratify": "ratified", "reject": "rejected"}[decision]


def test_a_referral_names_the_assembly() -> None:
    r = with_advice("positive")
    with pytest.raises(InvalidInputError, match="names the ALV"):
        decide(r, Decision.REFER, rationale="de leden beslissen")
    assert r.decision == ""
    decide(r, Decision.REFER, rationale="de leden beslissen", assembly_id="alv-1")
    [e] = r.collect_events()
    assert isinstance(e, BoardRatification.Decided)
    assert e.assembly_id == "alv-1"
    assert r.decision == "refer"
    assert r.outcome == ""  # the ALV decides


def test_only_a_referral_keeps_the_assembly_id() -> None:
    r = with_advice("positive")
    decide(r, Decision.RATIFY, assembly_id="alv-1")
    [e] = r.collect_events()
    assert isinstance(e, BoardRatification.Decided)
    assert e.assembly_id == ""


def test_deciding_twice_is_refused() -> None:
    r = with_advice("positive")
    decide(r, Decision.RATIFY)
    r.collect_events()
    with pytest.raises(RatificationStateError, match="decided already"):
        decide(r, Decision.REJECT, rationale="toch niet")
    with pytest.raises(RatificationStateError):
        decide(r, Decision.RATIFY)
    assert (r.decision, r.outcome) == ("ratify", "ratified")
    assert r.collect_events() == []


def test_deciding_needs_an_aware_time_and_a_reason() -> None:
    r = with_advice("positive")
    with pytest.raises(InvalidDeadlineError):
        decide(r, Decision.RATIFY, at=BOARD_MEETS.replace(tzinfo=None))
    with pytest.raises(MissingReasonError):
        decide(r, Decision.RATIFY, reason=" ")
    assert r.decision == ""
    assert r.collect_events() == []


# --- settling by the ALV -------------------------------------------------------------------


@pytest.mark.parametrize("decision", [None, Decision.RATIFY, Decision.REJECT])
def test_settling_by_the_assembly_only_after_a_referral(decision: Decision | None) -> None:
    r = with_advice("negative")
    if decision is not None:
        decide(r, decision, rationale="afweging")
    outcome = r.outcome
    r.collect_events()
    with pytest.raises(RatificationStateError, match="not referred"):
        settle(r, POSITIVE)
    assert r.outcome == outcome
    assert r.collect_events() == []


@pytest.mark.parametrize(
    ("result", "outcome"),
    [
        (WeightedResult.published("93.4%"), "ratified"),
        (WeightedResult.published("50"), "rejected"),
        (WeightedResult.from_weights(6700, 6699), "ratified"),
    ],
)
def test_the_assembly_settles_a_referral(result: WeightedResult, outcome: str) -> None:
    r = with_advice("positive")
    decide(r, Decision.REFER, rationale="de leden beslissen", assembly_id="alv-1")
    r.collect_events()
    assert settle(r, result)
    assert r.outcome == outcome
    [e] = r.collect_events()
    assert isinstance(e, BoardRatification.SettledByAssembly)
    assert (e.ratified, e.yes_pct) == (outcome == "ratified", result.yes_pct)
    assert not settle(r, result)
    assert r.collect_events() == []


# --- communicating -------------------------------------------------------------------------


def test_communicating_needs_an_outcome() -> None:
    r = scheduled()
    with pytest.raises(RatificationStateError, match="no outcome"):
        communicate(r)
    advise(r, POSITIVE)
    with pytest.raises(RatificationStateError):
        communicate(r)
    decide(r, Decision.REFER, rationale="de leden beslissen", assembly_id="alv-1")
    with pytest.raises(RatificationStateError):
        communicate(r)  # referred, but the ALV has not voted yet
    settle(r, POSITIVE)
    r.collect_events()
    communicate(r, to=["  members  ", "Rijk"])
    assert r.communicated
    [e] = r.collect_events()
    assert isinstance(e, BoardRatification.Communicated)
    assert e.to == ["members", "Rijk"]
    assert e.reference == "Lbr. 25/090"


def test_communicating_twice_is_refused() -> None:
    r = with_advice("negative")
    decide(r, Decision.REJECT)
    communicate(r)
    r.collect_events()
    with pytest.raises(RatificationStateError, match="communicated already"):
        communicate(r)
    assert r.collect_events() == []


def test_communicating_to_nobody_in_particular_goes_to_the_members() -> None:
    r = with_advice("positive")
    decide(r, Decision.RATIFY)
    r.collect_events()
    communicate(r, to=[])
    [e] = r.collect_events()
    assert isinstance(e, BoardRatification.Communicated)
    assert e.to == ["members"]


@pytest.mark.parametrize(
    ("kw", "error"),
    [
        ({"to": ["members", " "]}, InvalidInputError),
        ({"reference": ""}, InvalidInputError),
        ({"reason": ""}, MissingReasonError),
    ],
)
def test_communicating_refuses_bad_input(kw: dict[str, Any], error: type[Exception]) -> None:
    r = with_advice("positive")
    decide(r, Decision.RATIFY)
    with pytest.raises(error):
        communicate(r, **kw)
    assert not r.communicated


def test_the_ratification_is_replayable_from_its_events() -> None:
    r = scheduled()
    advise(r, NEGATIVE)
    decide(r, Decision.REFER, rationale="de leden beslissen", assembly_id="alv-1")
    settle(r, POSITIVE)
    communicate(r)
    copy = None
    for e in r.collect_events():
        copy = e.mutate(copy)
    assert isinstance(copy, BoardRatification)
    assert copy.summary() == r.summary()
    assert copy.summary()["outcome"] == "ratified"


@given(
    advice=st.sampled_from(sorted(ADVICE)),
    decision=st.sampled_from(list(Decision)),
    rationale=st.sampled_from(["", "  ", "afweging"]),
)
@settings(max_examples=60, deadline=None)
def test_a_decision_without_rationale_stands_only_when_it_follows_the_advice(
    advice: str, decision: Decision, rationale: str
) -> None:
    r = with_advice(advice)
    follows = (advice, decision) in {("positive", Decision.RATIFY), ("negative", Decision.REJECT)}
    if not follows and not rationale.strip():
        with pytest.raises(InvalidInputError):
            decide(r, decision, rationale=rationale, assembly_id="alv-1")
        assert r.decision == ""
        return
    decide(r, decision, rationale=rationale, assembly_id="alv-1")
    [e] = r.collect_events()
    assert isinstance(e, BoardRatification.Decided)
    assert e.follows_advice is follows
    expected = {Decision.RATIFY: "ratified", Decision.REJECT: "rejected", Decision.REFER: ""}
    assert r.outcome == expected[decision]
