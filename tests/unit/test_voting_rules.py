"""A consultation's voting rules: options, blank votes, the tie rule, a quorum, the turnout
warning; and the board's advice that carries them (on the aggregates alone, no store)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.consultation import Consultation, build_electorate
from domain.errors import InvalidChoiceError, InvalidInputError
from domain.voting_rules import DEFAULT_OPTIONS, VotingRules, parse_options
from domain.weights import WeightRule
from tests.conftest import CLOSES, OPENS

MEMBERS = [
    ("GM0090", "Harlingen", "Friesland", 16_000),  # 16
    ("GM0363", "Amsterdam", "Noord-Holland", 931_298),  # 75
    ("GM0088", "Schiermonnikoog", "Friesland", 972),  # 1
    ("GM0014", "Groningen", "Groningen", 75_000),  # 75
]
DAY = OPENS + timedelta(days=1)


def opened(rules: VotingRules | None = None) -> Consultation:
    return Consultation.open(
        title="Ledenraadpleging",
        question="Stemt u in?",
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


def vote(c: Consultation, member: str, choice: str) -> bool:
    return c.cast(member=member, choice=choice, explanation="", actor=f"secretary:{member}", at=DAY)


def replayed(c: Consultation) -> Consultation:
    """The aggregate rebuilt from its own events, as a store would load it."""
    events = c.collect_events()
    again: Consultation | None = None
    for e in events:
        again = e.mutate(again)  # type: ignore[arg-type]
    assert again is not None
    return again


def test_a_consultation_of_before_the_rules_is_yes_no_with_a_negative_tie_and_no_quorum() -> None:
    c = opened()
    opened_event = c.pending_events[0]
    assert isinstance(opened_event, Consultation.Opened)
    assert opened_event.options is None  # the old event, unchanged
    assert c.rules == VotingRules()
    assert c.rules.options == DEFAULT_OPTIONS
    with pytest.raises(InvalidChoiceError, match="yes or no"):
        vote(c, "GM0090", "blank")
    vote(c, "GM0363", "yes")
    vote(c, "GM0014", "no")
    outcome = c.outcome()
    # 75-75: a tie is not a majority in favour, as WeightedResult.adopted always said
    assert outcome.tie and outcome.advice == "negative" and outcome.tie_rule == "negative"
    assert c.result() is not None and not c.result().adopted  # type: ignore[union-attr]
    assert outcome.quorum_met is None and not outcome.low_turnout


def test_a_blank_vote_counts_for_turnout_but_not_in_the_percentage() -> None:
    c = opened(VotingRules.make(options="yes,no,blank"))
    vote(c, "GM0363", "Blank")  # case does not matter
    vote(c, "GM0090", "yes")
    vote(c, "GM0088", "no")
    assert c.ballot("GM0363").choice == "blank"  # type: ignore[union-attr]
    result = c.result()
    assert result is not None and result.yes_weight == 16 and result.no_weight == 1
    outcome = c.outcome()
    assert outcome.advice == "positive"
    assert outcome.voted_members == 3 and outcome.voted_weight == 92
    assert outcome.counts["blank"] == (1, 75)


def test_only_blank_votes_give_no_advice() -> None:
    c = opened(VotingRules.make(options=["yes", "no", "blank"]))
    vote(c, "GM0363", "blank")
    assert c.result() is None
    assert c.outcome().advice == "none"


def test_options_of_its_own_choose_the_heaviest_and_a_tie_chooses_none() -> None:
    c = opened(VotingRules.make(options="A,B,C"))
    with pytest.raises(InvalidChoiceError, match="A, B, C"):
        vote(c, "GM0363", "yes")
    vote(c, "GM0363", "a")
    vote(c, "GM0014", "B")
    assert c.ballot("GM0363").choice == "A"  # type: ignore[union-attr]
    assert c.outcome().advice == "no option" and c.outcome().winner is None
    vote(c, "GM0088", "B")
    assert c.outcome().advice == "option B" and c.outcome().winner == "B"


def test_the_undecided_tie_rule_says_it_tied() -> None:
    c = opened(VotingRules.make(tie_rule="undecided"))
    vote(c, "GM0363", "yes")
    vote(c, "GM0014", "no")
    assert c.outcome().advice == "tie"


def test_a_quorum_in_members_and_in_weight() -> None:
    c = opened(VotingRules.make(quorum_members=2, quorum_weight_pct="50"))
    vote(c, "GM0363", "yes")  # 75 of 167: 1 member, 44.9%
    assert c.outcome().quorum_met is False and c.outcome().advice == "no quorum"
    vote(c, "GM0088", "yes")  # 2 members, 76 of 167 = 45.5%
    assert c.outcome().quorum_met is False
    vote(c, "GM0090", "no")  # 92 of 167 = 55.1%
    assert c.outcome().quorum_met is True and c.outcome().advice == "positive"


def test_a_quorum_with_nobody_voting_is_not_met() -> None:
    c = opened(VotingRules.make(quorum_members=1))
    assert c.outcome().advice == "no quorum"


def test_a_low_turnout_is_warned_below_the_threshold_of_the_weight() -> None:
    c = opened(VotingRules.make(turnout_warning_pct=Decimal(50)))
    vote(c, "GM0363", "yes")  # 44.91%
    assert c.outcome().low_turnout
    assert "low turnout" in c.outcome().summary()
    vote(c, "GM0090", "yes")  # 91 of 167 = 54.5%
    assert not c.outcome().low_turnout


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"options": "yes,yes"}, "twice"),
        ({"options": "Yes,yes,no"}, "twice"),
        ({"options": "yes"}, "at least two"),
        ({"options": "yes,blank"}, "at least two"),
        ({"options": "yes,,no"}, "option"),
        ({"options": "yes,no;drop"}, "option"),
        ({"options": ",".join(f"o{i}" for i in range(21))}, "at most"),
        ({"options": ["x" * 41, "y"]}, "option"),
        ({"tie_rule": "chair"}, "tie rule"),
        ({"quorum_members": -1}, "quorum"),
        ({"quorum_weight_pct": "0"}, "quorum in weight"),
        ({"quorum_weight_pct": "101"}, "quorum in weight"),
        ({"quorum_weight_pct": "NaN"}, "quorum in weight"),
        ({"quorum_weight_pct": "lots"}, "quorum in weight"),
        ({"turnout_warning_pct": "-5"}, "turnout warning"),
    ],
)
def test_bad_rules_are_refused_in_one_line(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as caught:
        VotingRules.make(**kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value)


def test_a_quorum_above_the_electorate_is_refused_at_opening() -> None:
    with pytest.raises(InvalidInputError, match="more than the electorate"):
        opened(VotingRules.make(quorum_members=5))


def test_yes_no_and_blank_are_stored_in_lower_case() -> None:
    assert parse_options("YES, No ,BLANK") == ("yes", "no", "blank")
    assert parse_options("Ja,Nee") == ("Ja", "Nee")


def test_the_rules_and_the_ballots_replay_identically() -> None:
    c = opened(
        VotingRules.make(
            options="A,B,blank",
            tie_rule="undecided",
            quorum_members=2,
            quorum_weight_pct="12.5",
            turnout_warning_pct="50",
        )
    )
    vote(c, "GM0363", "A")
    vote(c, "GM0088", "blank")
    vote(c, "GM0088", "B")  # a recast from blank to B
    again = replayed(c)
    assert again.rules == c.rules
    assert again.ballots == c.ballots
    assert again.outcome() == c.outcome()
