"""The small shared rules: aware times, codes, names and weighted results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from domain.errors import InvalidDeadlineError, InvalidInputError, MissingReasonError
from domain.rules import (
    WeightedResult,
    agreement_code,
    party_name,
    require_aware,
    require_reason,
    require_text,
)

AMS = ZoneInfo("Europe/Amsterdam")


class _NoOffset(tzinfo):
    """A time zone that does not know its offset: not enough to place a moment."""

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        return None

    def tzname(self, dt: datetime | None) -> str | None:
        return None

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None


# --- WeightedResult.from_weights -----------------------------------------------------------


@pytest.mark.parametrize(
    ("yes", "no", "pct", "adopted"),
    [
        (1, 2, Decimal("33.33"), False),
        (2, 1, Decimal("66.67"), True),
        (1, 1, Decimal("50.00"), False),
        (0, 5, Decimal("0.00"), False),
        (5, 0, Decimal("100.00"), True),
        (86, 6, Decimal("93.48"), True),
        (46, 46, Decimal("50.00"), False),
        (47, 46, Decimal("50.54"), True),
    ],
)
def test_from_weights_gives_the_percentage_to_two_decimals(
    yes: int, no: int, pct: Decimal, adopted: bool
) -> None:
    result = WeightedResult.from_weights(yes, no)
    assert result.yes_pct == pct
    assert result.yes_pct.as_tuple().exponent == -2
    assert result.yes_weight == yes
    assert result.no_weight == no
    assert result.adopted is adopted


@pytest.mark.parametrize(("yes", "no"), [(0, 0), (-1, 5), (5, -1), (-3, -3)])
def test_from_weights_refuses_negative_or_empty_weights(yes: int, no: int) -> None:
    with pytest.raises(InvalidInputError):
        WeightedResult.from_weights(yes, no)


@given(st.integers(0, 20_000), st.integers(0, 20_000))
def test_from_weights_percentage_is_within_bounds_and_close_to_exact(yes: int, no: int) -> None:
    if yes + no == 0:
        with pytest.raises(InvalidInputError):
            WeightedResult.from_weights(yes, no)
        return
    result = WeightedResult.from_weights(yes, no)
    assert Decimal(0) <= result.yes_pct <= Decimal(100)
    exact = Decimal(100) * yes / (yes + no)
    assert abs(result.yes_pct - exact) <= Decimal("0.005")


@given(st.integers(0, 40_000), st.integers(0, 40_000))
@example(6700, 6699)  # full turnout of the shipped members (ceil rule: 13,399 votes)
@example(50_001, 50_000)
@example(6699, 6700)
def test_from_weights_is_adopted_iff_yes_outweighs_no(yes: int, no: int) -> None:
    if yes + no == 0:
        return
    assert WeightedResult.from_weights(yes, no).adopted is (yes > no)


def test_a_majority_of_one_vote_is_adopted_though_the_percentage_rounds_to_fifty() -> None:
    result = WeightedResult.from_weights(6700, 6699)
    assert result.yes_pct == Decimal("50.00")
    assert result.adopted
    assert not WeightedResult.from_weights(6699, 6700).adopted
    assert not WeightedResult.published(result.yes_pct).adopted  # without weights: rejected


# --- WeightedResult.published --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pct"),
    [
        ("93.4", Decimal("93.4")),
        ("93.4%", Decimal("93.4")),
        (" 93.4% ", Decimal("93.4")),
        ("  71  ", Decimal("71")),
        ("0", Decimal("0")),
        ("100%", Decimal("100")),
        (Decimal("50.01"), Decimal("50.01")),
        (12.5, Decimal("12.5")),
        (100, Decimal("100")),
    ],
)
def test_published_parses_a_percentage(text: str | Decimal | float, pct: Decimal) -> None:
    result = WeightedResult.published(text)
    assert result.yes_pct == pct
    assert result.yes_weight is None
    assert result.no_weight is None


@pytest.mark.parametrize(
    "text",
    ["", "abc", "93,4", "100.01", "-0.01", "101%", "NaN", "sNaN", "Infinity", "-Infinity", 150.0],
)
def test_published_refuses_what_is_not_a_percentage(text: str | float) -> None:
    with pytest.raises(InvalidInputError):
        WeightedResult.published(text)


@pytest.mark.parametrize(
    ("text", "adopted"),
    [("50", False), ("50.00", False), ("50.000001", True), ("49.99", False), ("93.4%", True)],
)
def test_adopted_is_strictly_more_than_half(text: str, adopted: bool) -> None:
    assert WeightedResult.published(text).adopted is adopted


@given(st.decimals(min_value=0, max_value=100, allow_nan=False, allow_infinity=False, places=3))
def test_published_is_adopted_iff_strictly_above_fifty(pct: Decimal) -> None:
    result = WeightedResult.published(pct)
    assert result.yes_pct == pct
    assert result.adopted is (pct > 50)


@given(st.decimals(min_value=0, max_value=100, allow_nan=False, allow_infinity=False, places=2))
def test_published_accepts_a_trailing_percent_sign(pct: Decimal) -> None:
    assert WeightedResult.published(f"{pct}%") == WeightedResult.published(pct)


# --- require_aware, require_reason, require_text -------------------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 9, 1, 9, 0, tzinfo=AMS),
        datetime(2025, 3, 30, 2, 30, tzinfo=AMS),  # in the spring-forward gap, still aware
        datetime(2025, 9, 1, 7, 0, tzinfo=UTC),
    ],
)
def test_require_aware_accepts_aware_moments(moment: datetime) -> None:
    require_aware(moment, "now")  # raises otherwise


@pytest.mark.parametrize(
    "moment",
    [datetime(2025, 9, 1, 9, 0), datetime(2025, 9, 1, 9, 0, tzinfo=_NoOffset())],
)
def test_require_aware_refuses_naive_moments(moment: datetime) -> None:
    with pytest.raises(InvalidDeadlineError, match="the deadline must carry a time zone"):
        require_aware(moment, "the deadline")


def test_require_reason_strips_and_refuses_blank() -> None:
    assert require_reason("  besluit 12  ", "close") == "besluit 12"
    with pytest.raises(MissingReasonError, match="give a reason to close"):
        require_reason(" \t\n", "close")


def test_require_text_bounds_length_after_stripping() -> None:
    assert require_text("  ab  ", "x", limit=2) == "ab"
    with pytest.raises(InvalidInputError):
        require_text("abc", "x", limit=2)
    with pytest.raises(InvalidInputError):
        require_text("   ", "x")


# --- agreement_code and party_name ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("AZWA", "AZWA"),
        (" azwa ", "AZWA"),
        ("iza", "IZA"),
        ("GALA", "GALA"),
        ("HLO-2", "HLO-2"),
        ("R&D+", "R&D+"),
        ("A", "A"),
        ("A" * 16, "A" * 16),
    ],
)
def test_agreement_code_normalises_to_upper_case(text: str, code: str) -> None:
    assert agreement_code(text) == code


@pytest.mark.parametrize("text", ["", "  ", "1AZWA", "-AZWA", "AZ WA", "AZ_WA", "A" * 17, "AZWA."])
def test_agreement_code_refuses_malformed_codes(text: str) -> None:
    with pytest.raises(InvalidInputError):
        agreement_code(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("VNG", "VNG"),
        ("  Rijk  ", "Rijk"),
        ("Zorgverzekeraars\t  Nederland", "Zorgverzekeraars Nederland"),
        ("x" * 80, "x" * 80),
    ],
)
def test_party_name_collapses_whitespace(text: str, name: str) -> None:
    assert party_name(text) == name


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "x" * 81])
def test_party_name_refuses_empty_or_long_names(text: str) -> None:
    with pytest.raises(InvalidInputError):
        party_name(text)


@given(st.text(max_size=120))
def test_party_name_is_idempotent_and_has_no_stray_whitespace(text: str) -> None:
    try:
        name = party_name(text)
    except InvalidInputError:
        assert not text.split() or len(" ".join(text.split())) > 80
        return
    assert party_name(name) == name
    assert name == name.strip()
    assert "  " not in name
    assert 1 <= len(name) <= 80
