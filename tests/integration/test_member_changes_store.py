"""The register through time on a real store (SQLite, or PostgreSQL with AKKOORD_DATABASE_URL):
mergers recorded through the service, a consultation opened after them, one opened before a
merger keeping its electorate, population files per reference year, and refusals that write
nothing. Codes and dates are CBS's; population figures before 2024 are made up for the tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest

from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from domain.errors import (
    InvalidDeadlineError,
    InvalidInputError,
    NotInElectorateError,
    UnknownMemberError,
)
from domain.member import Member, MemberEndedError, MemberFacts
from domain.weights import vote_weight
from projections.event_log import describe
from tests.conftest import AMS, OFFICER, secretary
from tests.stores import store_fingerprint
from workflows.clock import SimulatedClock
from workflows.members import MEMBER_CREATED

SHIPPED = read_members_csv(shipped_members_path())
# The municipalities the 2025 division no longer has, as a file of their time would list them.
BEFORE = [
    MemberFacts("GM0501", "Brielle", "Zuid-Holland", 2021, 17_400),
    MemberFacts("GM0530", "Hellevoetsluis", "Zuid-Holland", 2021, 40_300),
    MemberFacts("GM0614", "Westvoorne", "Zuid-Holland", 2021, 14_500),
    MemberFacts("GM0398", "Heerhugowaard", "Noord-Holland", 2021, 56_800),
    MemberFacts("GM0416", "Langedijk", "Noord-Holland", 2021, 28_300),
    MemberFacts("GM0457", "Weesp", "Noord-Holland", 2021, 20_900),
]


def day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=AMS)


def record_the_real_mergers(e: Engine) -> None:
    members = e.app.members
    members.merge_members(
        predecessors=["GM0398", "GM0416"],
        successor="GM1980",
        name="Dijk en Waard",
        effective=day(2022, 1, 1),
        actor=OFFICER,
        reason="herindeling Dijk en Waard",
    )
    members.merge_members(
        predecessors=["GM0363", "GM0457"],
        successor="GM0363",
        effective=day(2022, 3, 24),
        actor=OFFICER,
        reason="Weesp bij Amsterdam",
    )
    members.merge_members(
        predecessors=["GM0501", "GM0530", "GM0614"],
        successor="GM1992",
        name="Voorne aan Zee",
        effective=day(2023, 1, 1),
        actor=OFFICER,
        reason="herindeling Voorne aan Zee",
    )


def open_consultation(e: Engine, year: int = 2024, opens: datetime | None = None) -> UUID:
    return e.app.consultations.open_consultation(
        title="AZWA/HLO",
        question="Stemt u in?",
        agreements=["AZWA"],
        opens_at=opens,
        closes_at=(opens or e.app.clock.now()) + timedelta(days=120),
        timezone="Europe/Amsterdam",
        population_year=year,
        actor=OFFICER,
        reason="Lbr. 25/041",
    )


def test_the_register_with_old_and_new_municipalities_opens_once_the_mergers_are_recorded(
    engine: Engine,
) -> None:
    members = engine.app.members
    members.load_members(SHIPPED, actor=OFFICER, reason="CBS 2024")
    members.load_members(BEFORE, actor=OFFICER, reason="CBS 2021")
    # Today's problem: old and new side by side, and the old ones have no 2024 figures.
    with pytest.raises(InvalidInputError, match="6 members have no population for 2024"):
        open_consultation(engine)
    record_the_real_mergers(engine)
    cid = open_consultation(engine)
    engine.catch_up()
    opened = engine.app.consultations.get_consultation(cid)
    assert opened["electorate_members"] == 342
    assert opened["electorate_weight"] == sum(vote_weight(f.inhabitants) for f in SHIPPED)
    with pytest.raises(NotInElectorateError, match="GM0457"):
        engine.app.consultations.cast_ballot(
            cid, member="GM0457", choice="yes", actor=secretary("GM0457")
        )
    as_2021 = [m["code"] for m in members.list_members(as_of=day(2021, 12, 31))]
    assert {"GM0398", "GM0416", "GM0457", "GM0501"} <= set(as_2021)
    assert not {"GM1980", "GM1992"} & set(as_2021)
    assert len(as_2021) == 342 - 2 + 6
    assert len(members.list_members(as_of=day(2025, 1, 1))) == 342
    assert len(members.list_members()) == 342  # the register now
    assert len(members.list_members(everyone=True)) == 348  # every member ever registered
    # The log names municipalities and the officer, nothing personal beyond the actor.
    ended = [
        describe(n.id, engine.app.mapper.to_domain_event(n))
        for n in engine.app.notifications()
        if "Member.Ended" in n.topic or "Member.Succeeded" in n.topic
    ]
    assert {e.event for e in ended} == {"Member.Ended", "Member.Succeeded"}
    assert all(e.actor == str(OFFICER) for e in ended)
    weesp = next(e for e in ended if e.event == "Member.Ended" and "GM0363" in str(e.data))
    assert weesp.data == {
        "effective": "2022-03-24T00:00:00+01:00",
        "how": "merged",
        "successors": ["GM0363"],
        "reason": "Weesp bij Amsterdam",
    }
    live = engine.views.dump()
    engine.rebuild()
    assert engine.views.dump() == live


@pytest.fixture
def early_clock() -> SimulatedClock:
    return SimulatedClock(day(2022, 1, 10))


@pytest.fixture
def early_engine(store_dir: Path, early_clock: SimulatedClock) -> Iterator[Engine]:
    with build(Settings(store_dir), create=True, clock=early_clock) as e:
        yield e


def test_a_consultation_opened_before_a_merger_keeps_its_electorate(
    early_engine: Engine, early_clock: SimulatedClock
) -> None:
    engine, clock = early_engine, early_clock
    members = engine.app.members
    amsterdam = MemberFacts("GM0363", "Amsterdam", "Noord-Holland", 2021, 872_800)
    weesp = MemberFacts("GM0457", "Weesp", "Noord-Holland", 2021, 20_900)
    zaanstad = MemberFacts("GM0479", "Zaanstad", "Noord-Holland", 2021, 156_800)
    members.load_members([amsterdam, weesp, zaanstad], actor=OFFICER, reason="CBS 2021")
    before = open_consultation(engine, year=2021)
    clock.set(day(2022, 3, 1))
    members.merge_members(
        predecessors=["GM0363", "GM0457"],
        successor="GM0363",
        effective=day(2022, 3, 24),
        actor=OFFICER,
        reason="Weesp bij Amsterdam",
    )
    clock.set(day(2022, 3, 30))
    after = open_consultation(engine, year=2021)
    engine.catch_up()
    old = engine.app.consultations.get_consultation(before)
    new = engine.app.consultations.get_consultation(after)
    assert old["electorate_members"] == 3
    assert old["electorate_weight"] == sum(
        vote_weight(f.inhabitants) for f in (amsterdam, weesp, zaanstad)
    )
    assert new["electorate_members"] == 2
    # Amsterdam counts Weesp's 2021 figure: that file listed Weesp apart.
    assert new["electorate_weight"] == vote_weight(
        amsterdam.inhabitants + weesp.inhabitants
    ) + vote_weight(zaanstad.inhabitants)
    # Weesp's secretary still votes in the consultation that opened before the merger.
    assert engine.app.consultations.cast_ballot(
        before, member="GM0457", choice="yes", actor=secretary("GM0457")
    )
    with pytest.raises(NotInElectorateError):
        engine.app.consultations.cast_ballot(
            after, member="GM0457", choice="yes", actor=secretary("GM0457")
        )
    engine.catch_up()
    tally = engine.views.tally(str(before))
    assert tally is not None and tally.voted_members == 1


def test_populations_load_per_reference_year_without_touching_the_history(
    engine: Engine, store_dir: Path
) -> None:
    members = engine.app.members
    members.load_members(SHIPPED, actor=OFFICER, reason="CBS 2024")
    members.load_members(BEFORE, actor=OFFICER, reason="CBS 2021")
    record_the_real_mergers(engine)
    head = engine.app.head()
    figures_2022 = [
        MemberFacts("GM0501", "Brielle (other spelling)", "Zuid-Holland", 2022, 17_500),
        MemberFacts("GM0530", "Hellevoetsluis", "Zuid-Holland", 2022, 40_500),
    ]
    report = members.load_populations(figures_2022, year=2022, actor=OFFICER, reason="CBS 2022")
    assert report.updated == ["GM0501", "GM0530"]
    assert engine.app.head() == head + 2
    brielle = members.get_member("GM0501")
    assert brielle["name"] == "Brielle" and brielle["ended"] == "2023-01-01T00:00:00+01:00"
    assert brielle["populations"] == {"2021": 17_400, "2022": 17_500}
    again = members.load_populations(figures_2022, year=2022, actor=OFFICER, reason="CBS 2022")
    assert not again.events_written
    # Refusals: another year in the file, a code the register does not hold.
    fingerprint = store_fingerprint(store_dir)
    with pytest.raises(InvalidInputError, match="one reference year"):
        members.load_populations(figures_2022, year=2023, actor=OFFICER, reason="CBS")
    unknown = [*figures_2022, MemberFacts("GM9999", "Nergens", "Utrecht", 2022, 1)]
    with pytest.raises(UnknownMemberError, match="GM9999"):
        members.load_populations(unknown, year=2022, actor=OFFICER, reason="CBS")
    assert store_fingerprint(store_dir) == fingerprint


def test_bad_changes_are_refused_and_write_nothing(engine: Engine, store_dir: Path) -> None:
    members = engine.app.members
    members.load_members(SHIPPED, actor=OFFICER, reason="CBS 2024")
    members.load_members(BEFORE, actor=OFFICER, reason="CBS 2021")
    record_the_real_mergers(engine)
    engine.catch_up()
    fingerprint = store_fingerprint(store_dir)
    with pytest.raises(UnknownMemberError, match="GM9999"):
        members.merge_members(
            predecessors=["GM0363", "GM9999"],
            successor="GM0363",
            effective=day(2026, 1, 1),
            actor=OFFICER,
            reason="x",
        )
    with pytest.raises(MemberEndedError, match="GM0457 Weesp ended on 2022-03-24"):
        members.merge_members(
            predecessors=["GM0363", "GM0457"],
            successor="GM0363",
            effective=day(2026, 1, 1),
            actor=OFFICER,
            reason="twice",
        )
    with pytest.raises(InvalidDeadlineError, match="time zone"):
        members.rename_member(
            code="GM0014",
            successor="GM1999",
            name="Grunn",
            effective=datetime(2026, 1, 1),  # naive: the point of the test
            actor=OFFICER,
            reason="x",
        )
    with pytest.raises(InvalidInputError, match="own successor"):
        members.split_member(
            predecessor="GM0014",
            successors=["GM0014", "GM0037"],
            effective=day(2026, 1, 1),
            actor=OFFICER,
            reason="x",
        )
    assert store_fingerprint(store_dir) == fingerprint


def test_the_register_read_in_one_pass_equals_a_get_per_member(engine: Engine) -> None:
    # `many_small` rebuilds all members from one pass over their events (a query a page, where a
    # get each cost a query each); it must give what the repository gives, in the same order.
    members = engine.app.members
    members.load_members(SHIPPED, actor=OFFICER, reason="CBS 2024")
    members.load_members(BEFORE, actor=OFFICER, reason="CBS 2021")
    record_the_real_mergers(engine)
    app = engine.app
    by_get: list[Member] = [
        app.repository.get(UUID(str(n.originator_id)))
        for topic in MEMBER_CREATED
        for n in app.notifications(topics=[topic])
    ]
    in_one_pass = app.many_small(Member, MEMBER_CREATED)
    assert [vars(m) for m in in_one_pass] == [vars(m) for m in by_get]
    assert {"GM1980", "GM1992", "GM0457"} <= {m.code for m in in_one_pass}  # merged ones too
