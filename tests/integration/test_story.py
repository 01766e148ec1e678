"""The story of the letters, run from the shipped scenario into a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.readmodels.queries import deadline_rows, entitlement, status_as_of, timeline_rows
from adapters.scenario import Run, default_scenario_path, load_scenario, run_scenario
from domain.agreement import agreement_id
from tests.conftest import AMS
from workflows.clock import SimulatedClock
from workflows.history import UnknownAggregateError


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Run]]:
    scenario = load_scenario(default_scenario_path())
    clock = SimulatedClock(scenario.steps[0].at)
    with build(Settings(tmp_path_factory.mktemp("story")), create=True, clock=clock) as e:
        run = Run(engine=e, clock=clock, timezone=scenario.timezone)
        run_scenario(run, scenario)
        yield e, run


def status(e: Engine, day: str, agreement: str, party: str) -> str:
    moment = datetime.fromisoformat(f"{day}T23:59:59").replace(tzinfo=AMS)
    [row] = status_as_of(e.views, moment, agreement, party)
    return row.status


@pytest.mark.parametrize(
    ("day", "agreement", "party", "expected"),
    [
        ("2024-11-28", "IZA", "VNG", "signed"),
        ("2024-11-29", "IZA", "VNG", "participation suspended"),
        ("2025-01-01", "IZA", "VNG", "participation suspended"),
        ("2025-01-01", "AZWA", "VNG", "participation suspended"),
        ("2025-01-20", "AZWA", "VNG", "talks resumed"),
        ("2025-01-20", "IZA", "VNG", "participation suspended"),
        ("2025-07-01", "AZWA", "VNG", "talks resumed"),
        ("2025-07-02", "IZA", "VNG", "resumed"),
        ("2025-07-02", "AZWA", "VNG", "negotiator agreement"),
        ("2025-10-01", "AZWA", "VNG", "conditionally signed"),
        ("2025-10-01", "AZWA", "ZN", "signed"),
        ("2025-10-01", "IZA", "VNG", "conditionally signed"),
        ("2025-10-28", "AZWA", "VNG", "conditionally signed"),
        ("2025-10-30", "AZWA", "VNG", "definitive"),
        ("2025-10-30", "IZA", "VNG", "definitive"),
        ("2025-10-30", "HLO", "VNG", "signed"),
        ("2025-10-30", "HLO", "ZN", "negotiator agreement"),
        ("2025-12-31", "HLO", "ZN", "signed"),
        ("2025-10-01", "AZWA", "IGJ", "involved, not signing"),
    ],
)
def test_status_as_of_the_dates_of_the_letters(
    story: tuple[Engine, Run], day: str, agreement: str, party: str, expected: str
) -> None:
    assert status(story[0], day, agreement, party) == expected


def test_each_status_names_the_events_that_caused_it(story: tuple[Engine, Run]) -> None:
    e, _ = story
    moment = datetime(2025, 10, 30, tzinfo=AMS)
    [azwa] = status_as_of(e.views, moment, "AZWA", "VNG")
    assert azwa.because[0].startswith("Agreement.PartyStatusChanged@")
    assert azwa.because[1].startswith("ConditionalSigning.MadeDefinitive@")
    [iza] = status_as_of(e.views, datetime(2025, 1, 1, tzinfo=AMS), "IZA", "VNG")
    assert iza.because[1].startswith("Resolution.Adopted@")
    assert iza.since.startswith("2024-11-29T10:00")  # 11:00 Amsterdam is 10:00 UTC


def test_the_equality_condition_resumes_the_azwa_talks_and_both_resume_participation(
    story: tuple[Engine, Run],
) -> None:
    """The Frisian letter: once equality is agreed VNG goes back to the AZWA table; IZA
    participation waits for the second condition (met on 2 July 2025)."""
    e, _ = story
    january = datetime(2025, 1, 20, 23, 0, tzinfo=AMS)
    [azwa] = status_as_of(e.views, january, "AZWA", "VNG")
    assert (azwa.status, azwa.since[:10]) == ("talks resumed", "2025-01-20")
    assert azwa.detail.startswith("1 of 2 conditions met; participation still suspended")
    assert azwa.because[1].startswith("Resolution.ConditionMet@")
    [iza] = status_as_of(e.views, january, "IZA", "VNG")
    assert iza.status == "participation suspended"
    assert iza.detail.startswith("1 of 2 conditions met; until all conditions")
    assert iza.because[1].startswith("Resolution.ConditionMet@")
    [resumed] = status_as_of(e.views, datetime(2025, 7, 2, 9, 5, tzinfo=AMS), "IZA", "VNG")
    assert resumed.status == "resumed"
    assert resumed.because[1].startswith("Resolution.Fulfilled@")


def test_nothing_existed_before_it_was_registered(story: tuple[Engine, Run]) -> None:
    assert status_as_of(story[0].views, datetime(2025, 6, 1, tzinfo=AMS), "HLO") == []


def test_the_deadline_closed_the_consultation_and_the_board_followed_the_advice(
    story: tuple[Engine, Run],
) -> None:
    e, run = story
    # closing soon, the close itself, the ratification due, and four monitoring reviews
    assert run.fired == 7
    ratification = e.app.ratifications.get_ratification(UUID(run.ids["ratification"]))
    assert ratification["advice"] == "positive"
    assert ratification["outcome"] == "ratified" and ratification["communicated"]
    states = {(d["kind"], d["state"]) for d in deadline_rows(e.views, ("pending", "fired", "done"))}
    assert ("consultation closes", "fired") in states
    assert ("closing soon", "fired") in states
    assert ("ratification due", "fired") in states
    assert ("ALV meets", "done") in states


def test_workflow_instances_record_their_definition_version(story: tuple[Engine, Run]) -> None:
    e, _ = story
    started = [
        e.app.mapper.to_domain_event(n)
        for n in e.app.notifications(topics=["domain.workflow_instance:WorkflowInstance.Started"])
    ]
    assert {s.definition for s in started} == {
        "resolution-effects",
        "signing",
        "ratification",
        "regional-decisions",
    }
    assert all(s.definition_version == 1 for s in started)
    failed = list(
        e.app.notifications(topics=["domain.workflow_instance:WorkflowInstance.StepFailed"])
    )
    assert failed == []


def test_the_timeline_runs_in_effective_time(story: tuple[Engine, Run]) -> None:
    rows = timeline_rows(story[0].views)
    assert [r["at"] for r in rows] == sorted(r["at"] for r in rows)
    summaries = [r["summary"] for r in rows]
    assert any("adopted with 93.4% in favour" in s for s in summaries)
    assert any("the board decides to ratify" in s for s in summaries)


def test_rebuilt_read_models_equal_the_live_ones(story: tuple[Engine, Run]) -> None:
    e, _ = story
    live = e.views.dump()
    e.rebuild()
    assert e.views.dump() == live


START = datetime(2022, 9, 1, tzinfo=AMS)
END = datetime(2026, 1, 31, tzinfo=AMS)


@given(st.integers(0, int((END - START).total_seconds())))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_status_as_of_any_moment_equals_replaying_the_events_up_to_it(
    story: tuple[Engine, Run], offset: int
) -> None:
    e, _ = story
    moment = START + timedelta(seconds=offset)
    projected = {(r.agreement, r.party): r.status for r in status_as_of(e.views, moment)}
    replayed: dict[tuple[str, str], str] = {}
    for code in ("IZA", "AZWA", "HLO", "GALA"):
        try:
            then = e.app.history.of(agreement_id(code), as_of=moment)
        except UnknownAggregateError:  # not registered yet at that moment
            continue
        for party, party_status in then["state"]["statuses"].items():
            replayed[(code, party)] = party_status
    assert projected == replayed


def test_the_generic_spuk_cut_is_known_from_the_members_letter_of_10_september_2025(
    story: tuple[Engine, Run],
) -> None:
    """Footnote 3 of the members' letter announces the 10% cut; before it, the 2026 rule of
    17 Dec 2024 (Frisian letter) only ties SPUK IZA to VNG's AZWA participation."""
    e, _ = story
    before = entitlement(e.views, "SPUK-IZA", "Friesland", 2026, datetime(2025, 9, 9, tzinfo=AMS))
    after = entitlement(e.views, "SPUK-IZA", "Friesland", 2026, datetime(2025, 9, 11, tzinfo=AMS))
    assert (before["cut_pct"], after["cut_pct"]) == (0, 10)
    gala_then = entitlement(
        e.views, "SPUK-GALA", "Friesland", 2026, datetime(2025, 9, 9, tzinfo=AMS)
    )
    assert gala_then["entitled_cents"] is None  # GALA's figures come with the same letter
    gala = e.app.funding.get_scheme("SPUK-GALA")
    assert gala["rules"]["2026"]["cut_pct"] == 10
    assert gala["excluded"] == {
        "2026": {"part": "sportakkoord en BRC", "amount_cents": 87_000_000_00},
        "2027+": {"part": "sportakkoord en BRC", "amount_cents": 78_000_000_00},
    }
    rows = [r for r in timeline_rows(e.views) if "excludes sportakkoord en BRC" in r["summary"]]
    assert [r["summary"] for r in rows] == [
        "2026: excludes sportakkoord en BRC, € 87.000.000,00",
        "2027 onwards: excludes sportakkoord en BRC, € 78.000.000,00",
    ]
    assert all(r["at"].startswith("2025-09-10") for r in rows)


def test_every_recorded_reason_carries_the_steps_provenance(story: tuple[Engine, Run]) -> None:
    e, run = story
    events = e.app.repository.event_store.get(UUID(run.ids["ratification"]))
    reasons = [str(getattr(ev, "reason", "")) for ev in events]
    assert any(
        "[bron: 000_70b60bb9e58defff.txt, 'Het VNG-bestuur bekrachtigt naar verwachting" in r
        and "[aanname: the hour 10:00" in r
        for r in reasons
    )
    decided = [r for r in reasons if "bekrachtigt naar verwachting op 29 oktober 2025'" in r]
    assert any("[aanname: that the board did ratify" in r for r in decided)


def test_results_from_the_synthetic_ballots_say_so(story: tuple[Engine, Run]) -> None:
    e, run = story
    info = e.app.consultations.get_consultation(UUID(run.ids["consultation"]))
    assert info["synthetic"] is True
    assert "not cast by the members" in info["synthetic_note"]
    moment = datetime(2025, 10, 30, tzinfo=AMS)
    for agreement, party in (("AZWA", "VNG"), ("IZA", "VNG"), ("HLO", "VNG")):
        [row] = status_as_of(e.views, moment, agreement, party)
        assert row.detail.endswith("(advice from synthetic ballots)"), row
    [zn] = status_as_of(e.views, moment, "AZWA", "ZN")
    assert "synthetic" not in zn.detail  # signed on 8 Sep, before any ballot
    summaries = [r["summary"] for r in timeline_rows(e.views, run.ids["consultation"])]
    assert any(s.startswith("ballots marked SYNTHETIC: ") for s in summaries)


def test_the_scenario_file_is_shipped() -> None:
    assert default_scenario_path().is_file()
    assert Path(default_scenario_path()).read_text(encoding="utf-8").count("[[step]]") > 40
