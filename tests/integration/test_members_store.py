"""Loading members into a real SQLite store: idempotent, all-or-nothing, one event per change."""

from __future__ import annotations

import dataclasses

import pytest

from adapters.bootstrap import Engine
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from domain.actor import Actor, Role
from domain.errors import InvalidInputError, NotAllowedError
from domain.member import MemberFacts
from projections.event_log import describe
from tests.conftest import OFFICER


def facts() -> list[MemberFacts]:
    return read_members_csv(shipped_members_path())


def test_loading_twice_writes_nothing_the_second_time(engine: Engine) -> None:
    first = engine.app.members.load_members(facts(), actor=OFFICER, reason="CBS 2024")
    assert len(first.added) == 342
    head = engine.app.head()
    assert head == 342
    second = engine.app.members.load_members(facts(), actor=OFFICER, reason="CBS 2024")
    assert not second.events_written and second.unchanged == 342
    assert engine.app.head() == head


def test_a_changed_population_adds_exactly_one_event(engine: Engine) -> None:
    engine.app.members.load_members(facts(), actor=OFFICER, reason="CBS 2024")
    changed = [
        dataclasses.replace(f, inhabitants=f.inhabitants + 1) if f.code == "GM0034" else f
        for f in facts()
    ]
    report = engine.app.members.load_members(changed, actor=OFFICER, reason="correctie CBS")
    assert report.updated == ["GM0034"]
    assert engine.app.head() == 343
    [last] = list(engine.app.notifications(start=343))
    entry = describe(last.id, engine.app.mapper.to_domain_event(last))
    assert entry.event == "Member.PopulationRecorded"
    assert entry.actor == str(OFFICER)
    assert entry.data == {"year": 2024, "inhabitants": 226_501, "reason": "correctie CBS"}
    assert engine.app.members.get_member("GM0034")["populations"] == {"2024": 226_501}


def test_a_population_for_another_year_is_kept_beside_the_first(engine: Engine) -> None:
    engine.app.members.load_members(facts(), actor=OFFICER, reason="CBS 2024")
    next_year = [dataclasses.replace(f, year=2025) for f in facts()[:3]]
    engine.app.members.load_members(next_year, actor=OFFICER, reason="CBS 2025")
    populations = engine.app.members.get_member(next_year[0].code)["populations"]
    assert set(populations) == {"2024", "2025"}


def test_duplicates_or_a_wrong_role_write_nothing(engine: Engine) -> None:
    rows = facts()
    with pytest.raises(InvalidInputError, match="duplicate"):
        engine.app.members.load_members([*rows, rows[0]], actor=OFFICER, reason="x")
    with pytest.raises(NotAllowedError):
        engine.app.members.load_members(rows, actor=Actor(Role.AUDITOR, "a"), reason="x")
    assert engine.app.head() == 0
