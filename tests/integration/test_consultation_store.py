"""The consultation on a real SQLite store: commands, tally read model, rebuild, concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import adapters.readmodels.projector as projector_module
from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from domain.actor import SCHEDULER, Actor, Role
from domain.errors import (
    BallotTooLateError,
    InvalidInputError,
    NotAllowedError,
    UnknownConsultationError,
    UnknownMemberError,
)
from domain.weights import vote_weight
from tests.conftest import CLOSES, OFFICER, OPENS, START, secretary
from workflows.clock import SimulatedClock

FACTS = read_members_csv(shipped_members_path())


def open_consultation(e: Engine, clock: SimulatedClock, members=FACTS) -> str:
    e.app.members.load_members(list(members), actor=OFFICER, reason="CBS 2024")
    clock.set(OPENS)
    cid = e.app.consultations.open_consultation(
        title="AZWA/HLO",
        question="Stemt u in?",
        agreements=["AZWA", "HLO"],
        closes_at=CLOSES,
        timezone="Europe/Amsterdam",
        actor=OFFICER,
        reason="Lbr. 25/041",
    )
    e.catch_up()
    return str(cid)


def independent_tally(e: Engine, cid: str) -> dict[str, int]:
    standing = e.app.consultations.standing_ballots(UUID(cid))
    return {
        "yes_weight": sum(w for ch, w in standing.values() if ch == "yes"),
        "no_weight": sum(w for ch, w in standing.values() if ch == "no"),
        "voted_members": len(standing),
    }


def test_tally_read_model_follows_ballots_and_rebuilds_identically(
    engine: Engine, clock: SimulatedClock
) -> None:
    cid = open_consultation(engine, clock)
    uid = UUID(cid)
    for i, fact in enumerate(FACTS[:40]):
        clock.advance(timedelta(minutes=5))
        engine.app.consultations.cast_ballot(
            uid,
            member=fact.code,
            choice="yes" if i % 4 else "no",
            explanation="toelichting" if i % 7 == 0 else "",
            actor=secretary(fact.code),
        )
    engine.app.consultations.cast_ballot(
        uid, member=FACTS[0].code, choice="yes", actor=secretary(FACTS[0].code)
    )
    engine.catch_up()
    tally = engine.views.tally(cid)
    assert tally is not None
    expected = independent_tally(engine, cid)
    assert {k: tally.as_dict()[k] for k in expected} == expected
    assert tally.electorate_members == 342
    assert tally.electorate_weight == sum(vote_weight(f.inhabitants) for f in FACTS)
    provinces = engine.views.tally_by_province(cid)
    assert sum(p.voted_members for p in provinces.values()) == 40
    live = engine.views.dump()
    engine.rebuild()
    assert engine.views.dump() == live


def test_late_ballot_is_refused_before_any_close_and_nothing_is_written(
    engine: Engine, clock: SimulatedClock
) -> None:
    uid = UUID(open_consultation(engine, clock))
    head = engine.app.head()
    clock.set(CLOSES)
    with pytest.raises(BallotTooLateError):
        engine.app.consultations.cast_ballot(
            uid, member="GM0090", choice="yes", actor=secretary("GM0090")
        )
    assert engine.app.head() == head
    assert engine.app.consultations.get_consultation(uid)["phase"] == "deadline passed"
    assert engine.app.consultations.close_consultation(uid, actor=SCHEDULER, rule="closes_at")
    assert not engine.app.consultations.close_consultation(uid, actor=SCHEDULER, rule="closes_at")
    assert engine.app.head() == head + 1


def test_roles_and_unknowns_are_refused_and_nothing_is_written(
    engine: Engine, clock: SimulatedClock
) -> None:
    uid = UUID(open_consultation(engine, clock))
    clock.advance(timedelta(days=1))
    head = engine.app.head()
    refusals = [
        (
            NotAllowedError,
            lambda: engine.app.consultations.cast_ballot(
                uid, member="GM0363", choice="yes", actor=secretary("GM0090")
            ),
        ),
        (
            NotAllowedError,
            lambda: engine.app.consultations.close_consultation(
                uid, actor=Actor(Role.AUDITOR, "a"), reason="x"
            ),
        ),
        (
            NotAllowedError,
            lambda: engine.app.consultations.open_consultation(
                title="t",
                question="q",
                agreements=[],
                closes_at=CLOSES,
                timezone="Europe/Amsterdam",
                actor=secretary("GM0090"),
                reason="r",
            ),
        ),
        (
            UnknownMemberError,
            lambda: engine.app.consultations.cast_ballot(
                uid, member="GM9999", choice="yes", actor=secretary("GM9999")
            ),
        ),
        (
            UnknownConsultationError,
            lambda: engine.app.consultations.cast_ballot(
                uuid4(), member="GM0090", choice="yes", actor=secretary("GM0090")
            ),
        ),
        (
            InvalidInputError,
            lambda: engine.app.consultations.open_consultation(
                title="t",
                question="q",
                agreements=[],
                closes_at=CLOSES,
                timezone="Mars/Base",
                actor=OFFICER,
                reason="r",
            ),
        ),
        (
            InvalidInputError,
            lambda: engine.app.consultations.open_consultation(
                title="t",
                question="q",
                agreements=[],
                closes_at=CLOSES,
                timezone="Europe/Amsterdam",
                actor=OFFICER,
                reason="r",
                population_year=2031,
            ),
        ),
    ]
    for error, command in refusals:
        with pytest.raises(error):
            command()
    assert engine.app.head() == head


def test_two_processes_catching_up_at_once_count_every_ballot_once(
    store_dir: Path, engine: Engine, clock: SimulatedClock
) -> None:
    cid = open_consultation(engine, clock)
    # Commands keep the read models current themselves; with the tally reset they cannot (it is
    # behind), so three other processes find 150 ballots to catch up on, all at once.
    engine.projectors[0].reset(engine.writing)
    for fact in FACTS[:150]:
        clock.advance(timedelta(minutes=1))
        engine.app.consultations.cast_ballot(
            UUID(cid), member=fact.code, choice="yes", actor=secretary(fact.code)
        )
    others = [build(Settings(store_dir)) for _ in range(3)]
    threads = [
        threading.Thread(target=lambda o=o: o.projectors[0].catch_up(o.app, o.writing, batch=7))
        for o in others
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for o in others:
        o.close()
    tally = engine.views.tally(cid)
    assert tally is not None and tally.voted_members == 150
    assert tally.as_dict()["yes_weight"] == independent_tally(engine, cid)["yes_weight"]


SMALL = FACTS[:25]
MANY = FACTS[:100]
casts = st.lists(
    st.tuples(
        st.sampled_from([f.code for f in SMALL]),
        st.sampled_from(["yes", "no"]),
        st.integers(1, 600),
    ),
    max_size=80,  # past 32 ballots in a batch the tally reads the whole electorate at once
)


@given(items=casts, rebuild_batch=st.integers(1, 100))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_rebuild_from_the_log_equals_live_updates(tmp_path_factory, items, rebuild_batch) -> None:
    clock = SimulatedClock(START)
    with build(Settings(tmp_path_factory.mktemp("s")), create=True, clock=clock) as e:
        cid = open_consultation(e, clock, SMALL)
        for code, choice, minutes in items:
            clock.advance(timedelta(minutes=minutes))
            e.app.consultations.cast_ballot(
                UUID(cid), member=code, choice=choice, actor=secretary(code)
            )
            e.catch_up()  # live: one small step at a time
        live = e.views.dump()
        for projector in e.projectors:
            projector.reset(e.writing)
            projector.catch_up(e.app, e.writing, batch=rebuild_batch)
        assert e.views.dump() == live
        tally = e.views.tally(cid)
        assert tally is not None
        expected = independent_tally(e, cid)
        assert {k: tally.as_dict()[k] for k in expected} == expected


def test_a_batch_of_many_recasts_counts_each_member_once(tmp_path: Path) -> None:
    """Past 32 ballots in one batch the tally reads the whole electorate at once instead of a
    voter at a time; both ways must count every re-cast against the member's previous choice."""
    clock = SimulatedClock(START)
    with build(Settings(tmp_path / "s"), create=True, clock=clock) as e:
        cid = open_consultation(e, clock, MANY)
        for i in range(300):  # every member casts, then changes its mind, twice
            member = MANY[i % len(MANY)].code
            clock.advance(timedelta(minutes=1))
            choice = "yes" if (i // len(MANY)) % 2 == 0 else "no"
            e.app.consultations.cast_ballot(
                UUID(cid), member=member, choice=choice, actor=secretary(member)
            )
            if i < 150:
                e.catch_up()  # one ballot per batch: a voter at a time
        e.catch_up()  # the last 150 in one batch: the whole electorate at once
        live = e.views.dump()
        e.rebuild()  # all 300 in one batch
        assert e.views.dump() == live
        tally = e.views.tally(cid)
        assert tally is not None
        expected = independent_tally(e, cid)
        assert {k: tally.as_dict()[k] for k in expected} == expected
        assert tally.voted_members == len(MANY)


def _fail_once_moving(monkeypatch: pytest.MonkeyPatch, engine: Engine, name: str) -> list[str]:
    """Make the next write of read-model positions that moves `name` die after the rows."""
    original = projector_module.set_positions
    failures: list[str] = []

    def fail_once_after_writing(conn, moved, known):  # type: ignore[no-untyped-def]
        if not failures and name in moved:
            failures.append(name)
            raise RuntimeError("the process died here, every row of the batch written")
        original(conn, moved, known)

    monkeypatch.setattr(projector_module, "set_positions", fail_once_after_writing)
    return failures


def test_a_command_whose_read_model_write_fails_writes_nothing(
    engine: Engine, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One commit per command: the events, their audit records and the read-model rows they
    cause go together, so a read-model write that fails takes the command's events with it."""
    head = engine.app.head()
    failures = _fail_once_moving(monkeypatch, engine, "actions")
    with pytest.raises(RuntimeError):
        open_consultation(engine, clock)
    assert failures
    assert engine.app.head() == head
    assert engine.app.consultations.list_consultations() == []
    cid = open_consultation(engine, clock)  # and the same command then goes through whole
    assert engine.current()
    live = engine.views.dump()
    assert live["open_actions"], "opening a consultation gives the secretaries an action"
    assert engine.views.tally(cid) is not None
    engine.rebuild()
    assert engine.views.dump() == live


def test_a_catch_up_batch_that_fails_halfway_is_redone_and_equals_live(
    engine: Engine, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catch-up that dies after writing its rows (a crash, a refused write) is rolled back and
    redone; on PostgreSQL the row numbers it drew stay used, and that is all that differs."""
    open_consultation(engine, clock)
    live = engine.views.dump()
    for projector in engine.projectors:
        projector.reset(engine.writing)
    failures = _fail_once_moving(monkeypatch, engine, "actions")
    with pytest.raises(RuntimeError):
        engine.catch_up()
    assert failures
    engine.catch_up()  # the batch again, whole
    assert engine.views.dump() == live
