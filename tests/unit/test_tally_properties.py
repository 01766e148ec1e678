"""Property tests of the tally rules: any ballots, any order, any deadline."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.consultation import Choice, Consultation, build_electorate
from domain.errors import BallotTooLateError
from domain.weights import WeightRule
from projections.tally import TallyProjection
from tests.conftest import CLOSES, OPENS, shipped_rows
from tests.projections.memory_view import MemoryTallyView

ROWS = shipped_rows()
MEMBERS = [(r["code"], r["name"], r["province"], int(r["inhabitants"])) for r in ROWS]
CODES = [m[0] for m in MEMBERS]
SPAN = int((CLOSES - OPENS).total_seconds())

ballots = st.lists(
    st.tuples(
        st.sampled_from(CODES),
        st.sampled_from(["yes", "no"]),
        st.integers(0, SPAN - 1),
        st.sampled_from(["", "zorgen over gelijkwaardigheid", "financiering"]),
    ),
    max_size=120,
)


def fresh(rule: WeightRule = WeightRule.CEIL) -> Consultation:
    return Consultation.open(
        title="t",
        question="q",
        agreements=["AZWA"],
        opens_at=OPENS,
        closes_at=CLOSES,
        timezone="Europe/Amsterdam",
        weight_rule=rule,
        population_year=2024,
        electorate=build_electorate(MEMBERS, rule),
        actor="officer:x",
        reason="r",
        at=OPENS,
    )


def run(c: Consultation, items: list[tuple[str, str, int, str]]) -> MemoryTallyView:
    for code, choice, offset, explanation in items:
        c.cast(
            member=code,
            choice=Choice(choice),
            explanation=explanation,
            actor=f"secretary:{code}",
            at=OPENS + timedelta(seconds=offset),
        )
    view = MemoryTallyView()
    projection = TallyProjection()
    for event in c.collect_events():
        projection.process(event, view)
    return view


def independent(c: Consultation, items: list[tuple[str, str, int, str]]) -> dict[str, int]:
    latest: dict[str, str] = {}
    for code, choice, _, _ in items:
        latest[code] = choice
    weight = {code: int(c.electorate[code]["weight"]) for code in latest}
    return {
        "yes_weight": sum(weight[m] for m, ch in latest.items() if ch == "yes"),
        "no_weight": sum(weight[m] for m, ch in latest.items() if ch == "no"),
        "voted_members": len(latest),
    }


@given(ballots, st.sampled_from(list(WeightRule)))
@settings(max_examples=60, deadline=None)
def test_tally_equals_a_recount_of_the_latest_ballots(items, rule) -> None:
    c = fresh(rule)
    tally = run(c, items).tally(str(c.id)).as_dict()
    expected = independent(c, items)
    assert {k: tally[k] for k in expected} == expected
    assert tally["voted_weight"] == expected["yes_weight"] + expected["no_weight"]
    assert tally["electorate_members"] == 342
    if tally["voted_weight"]:
        assert abs(tally["yes_pct"] + tally["no_pct"] - 100) < 0.02


@given(ballots, st.randoms())
@settings(max_examples=60, deadline=None)
def test_order_of_different_members_ballots_does_not_matter(items, rnd) -> None:
    # Keep one ballot per member (the latest), so reordering cannot change which one counts.
    last = list({code: (code, ch, off, ex) for code, ch, off, ex in items}.values())
    shuffled = list(last)
    rnd.shuffle(shuffled)
    a, b = fresh(), fresh()
    assert run(a, last).tally(str(a.id)) == run(b, shuffled).tally(str(b.id))


@given(st.sampled_from(CODES), st.integers(0, 10**8), st.sampled_from(["yes", "no"]))
@settings(max_examples=80, deadline=None)
def test_nothing_is_accepted_at_or_after_the_deadline(code, late_by_us, choice) -> None:
    c = fresh()
    c.collect_events()
    try:
        c.cast(
            member=code,
            choice=Choice(choice),
            explanation="",
            actor=f"secretary:{code}",
            at=CLOSES + timedelta(microseconds=late_by_us),
        )
    except BallotTooLateError:
        pass
    else:
        raise AssertionError("a late ballot was accepted")
    assert c.collect_events() == []
    assert c.ballots == {}


@given(ballots)
@settings(max_examples=40, deadline=None)
def test_province_breakdown_adds_up_to_the_total(items) -> None:
    c = fresh()
    view = run(c, items)
    total = view.tally(str(c.id))
    per_province = [row for (cid, _), row in view.provinces.items() if cid == str(c.id)]
    assert sum(r[0] for r in per_province) == total.yes_weight
    assert sum(r[1] for r in per_province) == total.no_weight
    assert sum(r[2] + r[3] for r in per_province) == total.voted_members
