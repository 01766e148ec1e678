"""A resolution's conditions lift its effect in steps, through the process managers, on a real
store (SQLite, or PostgreSQL when AKKOORD_DATABASE_URL is set) and a simulated clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

import pytest

from adapters.bootstrap import Engine
from adapters.readmodels.queries import StatusRow, status_as_of, timeline_rows
from domain.agreement import InvalidTransitionError, PartyStatus
from domain.resolution import ConditionStateError, ResolutionKind, parse_lifts
from domain.rules import WeightedResult
from tests.conftest import AMS, OFFICER
from workflows.clock import SimulatedClock

T0 = datetime(2025, 11, 15, 9, 0, tzinfo=AMS)
FAILED = "domain.workflow_instance:WorkflowInstance.StepFailed"


class Story:
    """IZA signed by VNG, AZWA under negotiation, and the resolution of 29 November 2024."""

    def __init__(self, e: Engine, clock: SimulatedClock, lifts: list[str]) -> None:
        self.e, self.clock, self.app = e, clock, e.app
        for code in ("IZA", "AZWA"):
            self.app.agreements.register_agreement(
                code=code,
                name=code,
                full_name=f"{code} akkoord",
                term="",
                signing_parties=["VNG", "VWS", "ZN"],
                involved_parties=[],
                relations=[],
                actor=OFFICER,
                reason="r",
            )
        self.app.agreements.change_party_status(
            "IZA", parties=["VNG"], status=PartyStatus.SIGNED, actor=OFFICER, reason="2022"
        )
        self.resolution = self.app.resolutions.table_resolution(
            kind=ResolutionKind.RESOLUTION,
            title="Stop met gesprekken",
            text="",
            tabled_by="leden",
            conditions=["gelijkwaardigheid", "structurele financiering"],
            suspends=[("VNG", "IZA"), ("VNG", "AZWA")],
            lifts=parse_lifts(lifts),
            actor=OFFICER,
            reason="agenda ALV",
        )
        self.later()
        self.app.resolutions.decide_resolution(
            self.resolution, result=WeightedResult.published("93.4"), actor=OFFICER, reason="ALV"
        )
        self.e.catch_up()

    def later(self, days: int = 1) -> None:
        self.clock.advance(timedelta(days=days))

    def condition(self, what: str, number: int, evidence: str) -> None:
        self.later()
        command = {
            "meet": self.app.resolutions.meet_condition,
            "revoke": self.app.resolutions.revoke_condition,
            "fail": self.app.resolutions.declare_condition_failed,
        }[what]
        command(self.resolution, number=number, evidence=evidence, actor=OFFICER, reason="r")
        self.e.catch_up()

    def row(self, agreement: str) -> StatusRow:
        [row] = status_as_of(
            self.e.views, self.clock.now() + timedelta(seconds=1), agreement, "VNG"
        )
        return row

    def failed_steps(self) -> list[str]:
        return [
            self.app.mapper.to_domain_event(n).error
            for n in self.app.notifications(topics=[FAILED])
        ]


@pytest.fixture
def story(engine: Engine, clock: SimulatedClock) -> Story:
    clock.set(T0)
    return Story(engine, clock, ["1:talks:AZWA"])


def test_equality_resumes_the_azwa_talks_and_both_conditions_resume_participation(
    story: Story,
) -> None:
    assert story.row("AZWA").status == "participation suspended"
    assert story.row("AZWA").detail.startswith("0 of 2 conditions met")
    story.condition("meet", 1, "004_6d089373693b9d06.txt")
    azwa, iza = story.row("AZWA"), story.row("IZA")
    assert (azwa.status, iza.status) == ("talks resumed", "participation suspended")
    assert azwa.detail.startswith("1 of 2 conditions met; participation still suspended")
    assert iza.detail.startswith("1 of 2 conditions met; until all conditions")
    assert azwa.because[1].startswith("Resolution.ConditionMet@")
    assert iza.because[1].startswith("Resolution.ConditionMet@")
    story.condition("meet", 2, "besluit VNG-bestuur 2 juli 2025")
    assert (story.row("AZWA").status, story.row("IZA").status) == ("resumed", "resumed")
    assert story.row("IZA").because[1].startswith("Resolution.Fulfilled@")
    assert story.failed_steps() == []


def test_the_resumed_talks_can_reach_a_negotiator_agreement_and_fulfilment_leaves_it(
    story: Story,
) -> None:
    """The refusal reported: 'cannot go from participation suspended to negotiator agreement'."""
    with pytest.raises(InvalidTransitionError, match="participation suspended"):
        story.app.agreements.change_party_status(
            "AZWA",
            parties=["VNG"],
            status=PartyStatus.NEGOTIATOR_AGREEMENT,
            actor=OFFICER,
            reason="r",
        )
    story.condition("meet", 1, "004_6d089373693b9d06.txt")
    story.later()
    story.app.agreements.change_party_status(
        "AZWA",
        parties=["VNG"],
        status=PartyStatus.NEGOTIATOR_AGREEMENT,
        actor=OFFICER,
        reason="onderhandelaarsakkoord",
    )
    story.e.catch_up()
    story.condition("meet", 2, "besluit VNG-bestuur")
    assert story.row("AZWA").status == "negotiator agreement"  # past the effect: left there
    assert story.row("IZA").status == "resumed"
    assert story.failed_steps() == []


def test_a_failed_condition_shows_and_a_revoked_one_suspends_the_talks_again(
    story: Story,
) -> None:
    story.condition("meet", 1, "004_6d089373693b9d06.txt")
    story.condition("fail", 2, "brief VWS: geen structurele middelen")
    azwa = story.row("AZWA")
    assert azwa.status == "talks resumed"
    assert "1 of 2 conditions met; condition 2 failed" in azwa.detail
    assert azwa.because[1].startswith("Resolution.ConditionFailed@")
    assert "condition 2 failed" in story.row("IZA").detail
    story.condition("revoke", 1, "brief VWS: afspraak ingetrokken")
    azwa = story.row("AZWA")
    assert azwa.status == "participation suspended"
    assert azwa.detail.startswith("0 of 2 conditions met; condition 2 failed")
    assert azwa.because[1].startswith("Resolution.ConditionRevoked@")
    summaries = [r["summary"] for r in timeline_rows(story.e.views)]
    assert "condition 2 failed: brief VWS: geen structurele middelen" in summaries
    assert "condition 1 no longer met: brief VWS: afspraak ingetrokken" in summaries
    assert story.failed_steps() == []


def test_the_partial_state_as_of_each_moment_stays_on_record(story: Story) -> None:
    story.condition("meet", 1, "004_6d089373693b9d06.txt")
    talks = story.clock.now()
    story.condition("revoke", 1, "ingetrokken")
    story.condition("meet", 2, "middelen")
    then = status_as_of(story.e.views, talks + timedelta(seconds=1), "AZWA", "VNG")[0]
    assert (then.status, then.detail[:21]) == ("talks resumed", "1 of 2 conditions met")
    now = story.row("AZWA")
    assert (now.status, now.detail[:21]) == ("participation suspended", "1 of 2 conditions met")
    live = story.e.views.dump()
    story.e.rebuild()
    assert story.e.views.dump() == live


def test_a_refused_change_writes_nothing(story: Story) -> None:
    before = story.e.views.dump()
    with pytest.raises(ConditionStateError, match="is open"):
        story.app.resolutions.revoke_condition(
            story.resolution, number=1, evidence="e", actor=OFFICER, reason="r"
        )
    story.e.catch_up()
    assert story.e.views.dump() == before


def test_without_lifts_the_effect_lifts_whole_as_before(
    engine: Engine, clock: SimulatedClock
) -> None:
    clock.set(T0)
    story = Story(engine, clock, [])
    story.condition("meet", 1, "akkoord")
    assert story.row("AZWA").status == "participation suspended"
    assert story.row("AZWA").detail.startswith("1 of 2 conditions met")
    story.condition("meet", 2, "middelen")
    assert story.row("AZWA").status == "resumed"
    assert UUID(str(story.resolution))
