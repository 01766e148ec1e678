"""Regions, grants and monitoring commitments: their rules, on the aggregates alone."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_FLOOR, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.agreement import PartyStatus
from domain.commitment import Commitment, CommitmentStateError, Finding
from domain.errors import InvalidInputError
from domain.funding import GrantScheme, RuleKind, YearRule
from domain.money import euros, parse_euros
from domain.region import Region
from tests.conftest import OPENS

FRISIAN = ["GM0090", "GM0098", "GM0080"]


def friesland() -> Region:
    return Region.register(
        name="Friesland",
        committee="BC FrIZA+",
        mandate_municipality="GM0090",
        members=FRISIAN,
        actor="officer:x",
        reason="r",
        at=OPENS,
    )


def waiting(region: Region) -> int:
    return region.decide_conditionally(
        body="BC FrIZA+",
        text="opnieuw bekijken",
        decided_on=OPENS,
        agreement="AZWA",
        party="VNG",
        reopen_on=[PartyStatus.WITHDRAWN],
        moot_on=[PartyStatus.DEFINITIVE, PartyStatus.SIGNED],
        actor="officer:x",
        reason="r",
        at=OPENS,
    )


def test_a_region_needs_its_mandate_municipality_among_its_members() -> None:
    with pytest.raises(InvalidInputError, match="mandate"):
        Region.register(
            name="Friesland",
            committee="BC",
            mandate_municipality="GM0363",
            members=FRISIAN,
            actor="officer:x",
            reason="r",
            at=OPENS,
        )


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([PartyStatus.CONDITIONALLY_SIGNED], "waiting"),
        ([PartyStatus.CONDITIONALLY_SIGNED, PartyStatus.WITHDRAWN], "reopened"),
        ([PartyStatus.CONDITIONALLY_SIGNED, PartyStatus.DEFINITIVE], "moot"),
        ([PartyStatus.DEFINITIVE, PartyStatus.WITHDRAWN], "moot"),  # settled: it stays moot
    ],
)
def test_a_conditional_decision_follows_the_national_outcome(
    statuses: list[PartyStatus], expected: str
) -> None:
    region = friesland()
    number = waiting(region)
    for status in statuses:
        region.react("AZWA", "VNG", status.value, cause="test", actor="system:workflow", at=OPENS)
    assert region.decisions[str(number)]["state"] == expected


def test_other_parties_and_agreements_leave_it_waiting() -> None:
    region = friesland()
    number = waiting(region)
    assert region.react("AZWA", "ZN", "withdrawn", cause="t", actor="a", at=OPENS) == []
    assert region.react("IZA", "VNG", "withdrawn", cause="t", actor="a", at=OPENS) == []
    assert region.decisions[str(number)]["state"] == "waiting"


@given(st.integers(0, 10**13), st.integers(0, 100))
def test_the_cut_is_exact_in_cents_and_never_rounds_up(cents: int, cut: int) -> None:
    rule = YearRule(2026, RuleKind.CONTINUES, cut, "", "", (), "")
    expected = (Decimal(cents) * (100 - cut) / 100).to_integral_value(rounding=ROUND_FLOOR)
    assert rule.apply(cents) == int(expected)
    assert 0 <= rule.apply(cents) <= cents


@given(st.integers(0, 10**13))
def test_euro_amounts_round_trip_exactly(cents: int) -> None:
    assert parse_euros(euros(cents)) == cents
    assert parse_euros(f"{cents // 100}.{cents % 100:02d}") == cents


@pytest.mark.parametrize("bad", ["1.234,567", "-5", "12,3,4", "abc", "1e6", ""])
def test_malformed_amounts_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        parse_euros(bad)


def test_allocations_are_whole_cents() -> None:
    scheme = GrantScheme.register(
        code="spuk-iza", name="SPUK IZA", actor="officer:x", reason="r", at=OPENS
    )
    assert scheme.code == "SPUK-IZA"
    with pytest.raises(InvalidInputError, match="cents"):
        scheme.allocate(
            region="Friesland",
            year=2026,
            amount_cents=12.5,  # type: ignore[arg-type]
            reference="x",
            actor="officer:x",
            reason="r",
            at=OPENS,
        )
    with pytest.raises(InvalidInputError, match="names the agreement"):
        scheme.set_rule(
            year=2026, kind=RuleKind.DEPENDS, cut_pct=10, actor="officer:x", reason="r", at=OPENS
        )


def commitment(cadence: timedelta = timedelta(days=91)) -> Commitment:
    return Commitment.register(
        title="Financiën",
        owner="VNG",
        forum="tripartiet overleg",
        cadence=cadence,
        first_review_at=OPENS + timedelta(days=10),
        source="UDO punt 1",
        actor="officer:x",
        reason="r",
        at=OPENS,
    )


def test_reviews_are_raised_once_per_period_and_only_when_due() -> None:
    c = commitment()
    assert not c.raise_due_review(actor="system:scheduler", at=OPENS)
    due = OPENS + timedelta(days=10)
    assert c.raise_due_review(actor="system:scheduler", at=due)
    assert not c.raise_due_review(actor="system:scheduler", at=due + timedelta(days=1))
    assert c.raise_due_review(actor="system:scheduler", at=due + timedelta(days=200))
    assert c.raise_due_review(actor="system:scheduler", at=due + timedelta(days=200))
    assert not c.raise_due_review(actor="system:scheduler", at=due + timedelta(days=200))
    periods = [e.period for e in c.collect_events() if isinstance(e, Commitment.ReviewRaised)]
    assert periods == [1, 2, 3]


def test_a_finding_needs_a_raised_review_and_is_recorded_once() -> None:
    c = commitment()
    with pytest.raises(CommitmentStateError, match="not been raised"):
        c.record_review(
            1, finding=Finding.ON_TRACK, evidence="e", actor="officer:x", reason="r", at=OPENS
        )
    c.raise_due_review(actor="system:scheduler", at=OPENS + timedelta(days=10))
    c.record_review(
        1,
        finding=Finding.parse("On track"),
        evidence="verslag",
        actor="officer:x",
        reason="r",
        at=OPENS + timedelta(days=11),
    )
    with pytest.raises(CommitmentStateError, match="already"):
        c.record_review(
            1,
            finding=Finding.ADJUSTED,
            evidence="e",
            actor="officer:x",
            reason="r",
            at=OPENS + timedelta(days=12),
        )
    with pytest.raises(InvalidInputError):
        Finding.parse("fine")
