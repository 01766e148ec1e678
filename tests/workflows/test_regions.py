"""A regional decision that waits for the national outcome, through the real workflow."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.bootstrap import Engine
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.readmodels.queries import actions_for, entitlement
from domain.agreement import PartyStatus
from domain.funding import RuleKind
from tests.conftest import OFFICER
from workflows.clock import SimulatedClock

FRISIAN = [f for f in read_members_csv(shipped_members_path()) if f.province == "Friesland"]


@pytest.fixture
def world(engine: Engine, clock: SimulatedClock) -> Engine:
    app = engine.app
    app.members.load_members(FRISIAN, actor=OFFICER, reason="CBS")
    app.agreements.register_agreement(
        code="AZWA",
        name="AZWA",
        full_name="Aanvullend",
        term="",
        signing_parties=["VNG", "ZN"],
        involved_parties=[],
        relations=[],
        actor=OFFICER,
        reason="r",
    )
    app.regions.register_region(
        name="Friesland",
        committee="BC FrIZA+",
        mandate_municipality="GM0090",
        members=[f.code for f in FRISIAN],
        actor=OFFICER,
        reason="r",
    )
    app.regions.record_conditional_decision(
        "Friesland",
        body="BC FrIZA+",
        text="opnieuw bekijken",
        decided_on=clock.now(),
        agreement="AZWA",
        party="VNG",
        reopen_on=[PartyStatus.WITHDRAWN],
        moot_on=[PartyStatus.DEFINITIVE],
        actor=OFFICER,
        reason="3 dec",
    )
    app.funding.register_scheme(code="SPUK-IZA", name="SPUK IZA", actor=OFFICER, reason="r")
    app.funding.set_funding_rule(
        "SPUK-IZA",
        year=2026,
        kind=RuleKind.DEPENDS,
        cut_pct=10,
        actor=OFFICER,
        reason="r",
        agreement="AZWA",
        party="VNG",
        keeps_on=[PartyStatus.DEFINITIVE],
    )
    app.funding.allocate(
        "SPUK-IZA",
        region="Friesland",
        year=2026,
        amount_cents=123_456_789,
        reference="beschikking",
        actor=OFFICER,
        reason="r",
    )
    app.regions.record_region_budget(
        "Friesland",
        scheme="SPUK-IZA",
        year=2026,
        amount_cents=100_000_000,
        actor=OFFICER,
        reason="r",
    )
    engine.catch_up()
    return engine


def decision_state(e: Engine) -> str:
    e.catch_up()
    return str(e.app.regions.get_region("Friesland")["decisions"][0]["state"])


@pytest.mark.parametrize(
    ("outcome", "state", "entitled"),
    [
        (PartyStatus.WITHDRAWN, "reopened", 0),
        (PartyStatus.DEFINITIVE, "moot", 111_111_110),  # 123,456,789 cents minus 10%, rounded down
    ],
)
def test_the_outcome_reopens_or_moots_the_decision_and_sets_the_funding(
    world: Engine, clock: SimulatedClock, outcome: PartyStatus, state: str, entitled: int
) -> None:
    before = clock.now()
    clock.advance(timedelta(days=1))
    world.app.agreements.change_party_status(
        "AZWA", parties=["ZN"], status=PartyStatus.WITHDRAWN, actor=OFFICER, reason="other party"
    )
    world.app.agreements.change_party_status(
        "AZWA",
        parties=["VNG"],
        status=PartyStatus.CONDITIONALLY_SIGNED,
        actor=OFFICER,
        reason="8 sep",
    )
    assert decision_state(world) == "waiting"
    clock.advance(timedelta(days=1))
    world.app.agreements.change_party_status(
        "AZWA", parties=["VNG"], status=outcome, actor=OFFICER, reason="the national outcome"
    )
    assert decision_state(world) == state
    after = clock.now() + timedelta(seconds=1)
    then = entitlement(world.views, "SPUK-IZA", "Friesland", 2026, before + timedelta(seconds=1))
    now = entitlement(world.views, "SPUK-IZA", "Friesland", 2026, after)
    assert then["status"] == "pending" and then["entitled_cents"] is None
    assert now["entitled_cents"] == entitled
    assert now["difference_cents"] == entitled - 100_000_000
    if outcome is PartyStatus.WITHDRAWN:
        actions = actions_for(world.views, "officer")
        assert any("decide again" in a["action"] for a in actions)
