"""The vote-weight rule: one vote per 1,000 inhabitants or part thereof, at least 1, at most 75."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInputError
from domain.weights import WeightRule, vote_weight
from tests.conftest import shipped_rows


@pytest.mark.parametrize(
    ("inhabitants", "ceil", "floor", "nearest"),
    [
        (0, 1, 1, 1),
        (1, 1, 1, 1),
        (972, 1, 1, 1),  # Schiermonnikoog: a rounding-down rule would give it no vote at all
        (1000, 1, 1, 1),
        (1001, 2, 1, 1),
        (1499, 2, 1, 1),
        (1500, 2, 1, 2),
        (74_001, 75, 74, 74),
        (75_000, 75, 75, 75),
        (931_298, 75, 75, 75),  # Amsterdam: capped
    ],
)
def test_rules_on_edges(inhabitants: int, ceil: int, floor: int, nearest: int) -> None:
    assert vote_weight(inhabitants) == ceil
    assert vote_weight(inhabitants, WeightRule.FLOOR) == floor
    assert vote_weight(inhabitants, WeightRule.NEAREST) == nearest


def _independent(inhabitants: int, rule: str) -> int:
    thousands = Decimal(inhabitants) / 1000
    if rule == "ceil":
        votes = math.ceil(thousands)
    elif rule == "floor":
        votes = math.floor(thousands)
    else:
        votes = int(thousands.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return min(75, max(1, votes))


@pytest.mark.parametrize("rule", list(WeightRule))
def test_totals_on_shipped_data_match_an_independent_computation(rule: WeightRule) -> None:
    rows = shipped_rows()
    assert len(rows) == 342
    ours = sum(vote_weight(int(r["inhabitants"]), rule) for r in rows)
    theirs = sum(_independent(int(r["inhabitants"]), rule.value) for r in rows)
    assert ours == theirs
    capped = sum(1 for r in rows if vote_weight(int(r["inhabitants"]), rule) == 75)
    assert capped >= 1  # Amsterdam, Rotterdam, ... hit the cap


def test_default_rule_gives_the_smallest_member_one_vote() -> None:
    smallest = min(shipped_rows(), key=lambda r: int(r["inhabitants"]))
    assert smallest["name"] == "Schiermonnikoog"
    assert vote_weight(int(smallest["inhabitants"])) == 1


@given(st.integers(0, 10_000_000), st.integers(0, 10_000_000), st.sampled_from(list(WeightRule)))
def test_weights_are_monotone_and_bounded(a: int, b: int, rule: WeightRule) -> None:
    low, high = sorted((a, b))
    assert 1 <= vote_weight(low, rule) <= vote_weight(high, rule) <= 75


@given(st.integers(0, 10_000_000), st.sampled_from(list(WeightRule)))
def test_weights_agree_with_the_independent_rule(n: int, rule: WeightRule) -> None:
    assert vote_weight(n, rule) == _independent(n, rule.value)


@pytest.mark.parametrize("bad", [-1, 1.5, "1000", True])
def test_nonsense_population_is_refused(bad: object) -> None:
    with pytest.raises(InvalidInputError):
        vote_weight(bad)  # type: ignore[arg-type]


def test_unknown_rule_is_refused_with_the_options() -> None:
    with pytest.raises(InvalidInputError, match=r"ceil\|floor\|nearest"):
        WeightRule.parse("banker")
