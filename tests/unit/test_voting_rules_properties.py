"""Properties of the voting rules: with blank votes and options of its own the tally equals an
independent recount; quorum and tie decisions follow their stated rule; a replay equals live."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.consultation import Consultation, build_electorate
from domain.voting_rules import BLANK, VotingRules
from domain.weights import WeightRule
from projections.tally import TallyProjection
from tests.conftest import CLOSES, OPENS, shipped_rows
from tests.projections.memory_view import MemoryTallyView

ROWS = shipped_rows()
MEMBERS = [(r["code"], r["name"], r["province"], int(r["inhabitants"])) for r in ROWS][:60]
CODES = [m[0] for m in MEMBERS]
SPAN = int((CLOSES - OPENS).total_seconds())
OPTION_SETS = [("yes", "no", BLANK), ("A", "B", "C"), ("A", "B", BLANK), ("yes", "no")]

rules_strategy = st.builds(
    lambda options, tie, qm, qw, warn: VotingRules.make(
        options=list(options),
        tie_rule=tie,
        quorum_members=qm,
        quorum_weight_pct=qw,
        turnout_warning_pct=warn,
    ),
    st.sampled_from(OPTION_SETS),
    st.sampled_from(["negative", "undecided"]),
    st.integers(0, len(MEMBERS)),
    st.one_of(st.none(), st.integers(1, 100).map(str)),
    st.one_of(st.none(), st.integers(1, 100).map(str)),
)


def fresh(rules: VotingRules) -> Consultation:
    return Consultation.open(
        title="t",
        question="q",
        agreements=["AZWA"],
        opens_at=OPENS,
        closes_at=CLOSES,
        timezone="Europe/Amsterdam",
        weight_rule=WeightRule.CEIL,
        population_year=2024,
        electorate=build_electorate(MEMBERS, WeightRule.CEIL),
        actor="officer:x",
        reason="r",
        at=OPENS,
        rules=rules,
    )


@st.composite
def scenario(draw: st.DrawFn) -> tuple[VotingRules, list[tuple[str, str, int]]]:
    rules = draw(rules_strategy)
    items = draw(
        st.lists(
            st.tuples(
                st.sampled_from(CODES),
                # any case: a ballot names its option case-insensitively
                st.sampled_from(rules.options).flatmap(
                    lambda o: st.sampled_from([o, o.upper(), o.lower()])
                ),
                st.integers(0, SPAN - 1),
            ),
            max_size=80,
        )
    )
    return rules, sorted(items, key=lambda i: i[2])


def cast_all(c: Consultation, items: list[tuple[str, str, int]]) -> None:
    for code, choice, offset in items:
        c.cast(
            member=code,
            choice=choice,
            explanation="",
            actor=f"secretary:{code}",
            at=OPENS + timedelta(seconds=offset),
        )


def recount(c: Consultation, items: list[tuple[str, str, int]]) -> dict[str, tuple[int, int]]:
    """Independently: the last ballot of each member, matched to its option by case."""
    latest = {code: choice.casefold() for code, choice, _ in items}
    by_key = {o.casefold(): o for o in c.rules.options}
    counts: dict[str, tuple[int, int]] = {}
    for code, key in latest.items():
        option = by_key[key]
        m, w = counts.get(option, (0, 0))
        counts[option] = (m + 1, w + int(c.electorate[code]["weight"]))
    return counts


@given(scenario())
@settings(max_examples=80, deadline=None)
def test_the_tally_with_blanks_and_options_equals_a_recount(
    case: tuple[VotingRules, list[tuple[str, str, int]]],
) -> None:
    rules, items = case
    c = fresh(rules)
    cast_all(c, items)
    expected = recount(c, items)
    assert c.counts() == expected
    view = MemoryTallyView()
    for event in c.collect_events():
        TallyProjection().process(event, view)
    t = view.tally(str(c.id))
    assert (t.yes_members, t.yes_weight) == expected.get("yes", (0, 0))
    assert (t.no_members, t.no_weight) == expected.get("no", (0, 0))
    assert (t.blank_members, t.blank_weight) == expected.get(BLANK, (0, 0))
    others = [v for k, v in expected.items() if k not in ("yes", "no", BLANK)]
    assert (t.other_members, t.other_weight) == (
        sum(m for m, _ in others),
        sum(w for _, w in others),
    )
    assert t.voted_members == len({code for code, _, _ in items})
    assert t.counted_weight == t.voted_weight - t.blank_weight
    if t.counted_weight and t.yes_weight + t.no_weight == t.counted_weight:
        assert abs(t.as_dict()["yes_pct"] + t.as_dict()["no_pct"] - 100) < 0.02


@given(scenario())
@settings(max_examples=80, deadline=None)
def test_quorum_and_tie_decisions_follow_their_stated_rule(
    case: tuple[VotingRules, list[tuple[str, str, int]]],
) -> None:
    rules, items = case
    c = fresh(rules)
    cast_all(c, items)
    o = c.outcome()
    counts = recount(c, items)
    voted_members = sum(m for m, _ in counts.values())
    voted_weight = sum(w for _, w in counts.values())
    total = c.electorate_weight
    # quorum: stated in members and in a share of the weight, blank votes included
    if rules.has_quorum:
        met = voted_members >= rules.quorum_members and (
            rules.quorum_weight_pct is None
            or Decimal(voted_weight) / total >= rules.quorum_weight_pct / 100
        )
        assert o.quorum_met is met
        if not met:
            assert o.advice == "no quorum" and o.winner is None
            return
    else:
        assert o.quorum_met is None
    assert o.low_turnout is (
        rules.turnout_warning_pct is not None
        and Decimal(voted_weight) / total < rules.turnout_warning_pct / 100
    )
    counted = {k: w for k, (_, w) in counts.items() if k != BLANK}
    if not counted or max(counted.values()) == 0:
        assert o.advice == "none"
        return
    top = max(counted.values())
    leaders = [k for k, w in counted.items() if w == top]
    if len(leaders) > 1:  # a tie: the stated rule decides, never an arbitrary leader
        assert o.tie and o.winner is None
        if rules.tie_rule == "undecided":
            assert o.advice == "tie"
        else:
            assert o.advice == ("negative" if rules.yes_no else "no option")
        return
    (winner,) = leaders
    assert not o.tie and o.winner == winner
    if rules.yes_no:
        assert o.advice == ("positive" if winner == "yes" else "negative")
        result = c.result()
        assert result is not None and result.adopted is (winner == "yes")
    else:
        assert o.advice == f"option {winner}"


@given(scenario())
@settings(max_examples=40, deadline=None)
def test_a_replay_equals_live(case: tuple[VotingRules, list[tuple[str, str, int]]]) -> None:
    rules, items = case
    c = fresh(rules)
    cast_all(c, items)
    again: Consultation | None = None
    for event in c.collect_events():
        again = event.mutate(again)  # type: ignore[arg-type]
    assert again is not None
    assert again.rules == c.rules == rules
    assert again.ballots == c.ballots
    assert again.outcome() == c.outcome()
