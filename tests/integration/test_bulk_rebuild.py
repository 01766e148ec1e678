"""`Engine.rebuild` in bulk: built beside the live read models, swapped in at once.

The tally is rebuilt as SQL over the stored events (adapters/readmodels/tally_sql.py) and must
end with exactly the rows the projection gives live; commands written while a rebuild runs are
in its result; a rebuild that fails leaves the live read models as they were.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

import adapters.readmodels.rebuild as bulk_rebuild
from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from adapters.readmodels.tally_sql import TallySql
from domain.actor import SCHEDULER
from projections.status import StatusProjection
from projections.tally import TallyProjection
from tests.conftest import CLOSES, OFFICER, secretary
from tests.integration.test_consultation_store import FACTS, independent_tally, open_consultation
from workflows.clock import SimulatedClock

MEMBERS = FACTS[:40]


def _cast(
    e: Engine, clock: SimulatedClock, cid: str, code: str, choice: str, why: str = ""
) -> None:
    clock.advance(timedelta(minutes=1))
    e.app.consultations.cast_ballot(
        UUID(cid), member=code, choice=choice, actor=secretary(code), explanation=why
    )


def _open_another(e: Engine, clock: SimulatedClock, title: str) -> str:
    cid = e.app.consultations.open_consultation(
        title=title,
        question="Stemt u in?",
        agreements=["AZWA"],
        closes_at=CLOSES,
        timezone="Europe/Amsterdam",
        actor=OFFICER,
        reason="test",
    )
    return str(cid)


def _every_tally_event(e: Engine, clock: SimulatedClock) -> list[str]:
    """Ballots, re-casts (back and forth, with and without a reason), an extension, a close, a
    cancellation, and a consultation nobody voted in."""
    first = open_consultation(e, clock, MEMBERS)
    second = _open_another(e, clock, "Tweede")
    quiet = _open_another(e, clock, "Stil")
    for i, fact in enumerate(MEMBERS[:30]):
        _cast(e, clock, first, fact.code, "yes" if i % 3 else "no", f"reden {i}" if i % 4 else "")
    for fact in MEMBERS[:10]:
        _cast(e, clock, first, fact.code, "no", "bedacht")
    for fact in MEMBERS[:5]:
        _cast(e, clock, first, fact.code, "yes")
    for fact in MEMBERS[20:35]:
        _cast(e, clock, second, fact.code, "yes")
    e.app.consultations.extend_consultation(
        UUID(first), closes_at=CLOSES + timedelta(days=7), actor=OFFICER, reason="later"
    )
    e.app.consultations.extend_consultation(
        UUID(first), closes_at=CLOSES + timedelta(days=9), actor=OFFICER, reason="later still"
    )
    e.app.consultations.cancel_consultation(UUID(quiet), actor=OFFICER, reason="withdrawn")
    clock.set(CLOSES + timedelta(days=10))
    e.app.consultations.close_consultation(UUID(first), actor=SCHEDULER, rule="deadline")
    return [first, second, quiet]


def test_the_sql_tally_reads_every_topic_the_tally_projection_follows() -> None:
    assert TallySql.topics == frozenset(TallyProjection.topics)


def test_a_rebuild_ends_with_the_rows_the_projections_gave_live(
    engine: Engine, clock: SimulatedClock
) -> None:
    consultations = _every_tally_event(engine, clock)
    engine.catch_up()  # the workflows react to the close
    live = engine.views.dump()
    assert engine.rebuild() == engine.app.head()
    assert engine.views.dump() == live
    assert engine.current()
    for cid in consultations:
        tally = engine.views.tally(cid)
        assert tally is not None
        expected = independent_tally(engine, cid)
        assert {k: tally.as_dict()[k] for k in expected} == expected
    states = {r[0]: r[3] for r in live["tally_consultations"]}
    assert sorted(states.values()) == ["cancelled", "closed", "open"]


def _before_the_swap(
    monkeypatch: pytest.MonkeyPatch, then: Callable[[], None]
) -> list[dict[str, Any]]:
    """Run `then` when a rebuild has built its scratch tables and not yet swapped them in."""
    swap = bulk_rebuild._Rebuild._swap
    seen: list[dict[str, Any]] = []

    def swap_after(self: Any, position: int) -> int:
        seen.append({"position": position})
        then()
        return swap(self, position)

    monkeypatch.setattr(bulk_rebuild._Rebuild, "_swap", swap_after)
    return seen


def test_commands_written_during_a_rebuild_are_in_what_it_swaps_in(
    engine: Engine, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = open_consultation(engine, clock, MEMBERS)
    for fact in MEMBERS[:10]:
        _cast(engine, clock, cid, fact.code, "yes")
    before = engine.views.tally(cid)
    during: list[Any] = []

    def commands_meanwhile() -> None:
        # The live read models are whole and current while the rebuild builds beside them.
        during.append(engine.views.tally(cid))
        for fact in MEMBERS[5:20]:
            _cast(engine, clock, cid, fact.code, "no", "tijdens de herbouw")
        during.append(engine.views.tally(cid))

    seen = _before_the_swap(monkeypatch, commands_meanwhile)
    assert engine.rebuild() == engine.app.head()
    assert seen and seen[0]["position"] < engine.app.head()
    assert during[0] == before
    assert during[1] is not None and during[1].voted_members == 20
    assert engine.current()
    rebuilt = engine.views.dump()
    monkeypatch.undo()
    engine.rebuild()
    assert engine.views.dump() == rebuilt
    tally = engine.views.tally(cid)
    assert tally is not None and tally.voted_members == 20
    expected = independent_tally(engine, cid)
    assert {k: tally.as_dict()[k] for k in expected} == expected


def test_a_rebuild_that_fails_leaves_the_read_models_as_they_were(
    engine: Engine, clock: SimulatedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Attack: a projection that breaks halfway through a rebuild (a bug, a killed process)."""
    cid = open_consultation(engine, clock, MEMBERS)
    engine.app.agreements.register_agreement(
        code="AZWA",
        name="AZWA",
        full_name="Aanvullend Zorg- en Welzijnsakkoord",
        term="2023-2026",
        signing_parties=["VNG", "VWS"],
        involved_parties=[],
        relations=[],
        actor=OFFICER,
        reason="test",
    )
    for fact in MEMBERS[:10]:
        _cast(engine, clock, cid, fact.code, "yes")
    live = engine.views.dump()
    assert live["party_status"] and live["tally_voters"]

    def broken(self: Any, event: Any, rows: Any, position: int) -> None:
        raise RuntimeError("a projection fails halfway through the log")

    monkeypatch.setattr(StatusProjection, "process", broken)
    with pytest.raises(RuntimeError, match="halfway"):
        engine.rebuild()
    assert engine.views.dump() == live
    assert engine.current()
    monkeypatch.undo()
    _cast(engine, clock, cid, MEMBERS[10].code, "no")  # and commands go on updating them
    tally = engine.views.tally(cid)
    assert tally is not None and tally.voted_members == 11


def test_a_rebuild_while_another_engine_casts_ballots_ends_equal_to_live(
    engine: Engine, clock: SimulatedClock, store_dir: Any
) -> None:
    cid = open_consultation(engine, clock, FACTS)
    codes = [f.code for f in FACTS]
    for code in codes[:100]:
        _cast(engine, clock, cid, code, "yes")
    stop = threading.Event()
    cast: list[str] = []
    failures: list[BaseException] = []

    def casting() -> None:
        other_clock = SimulatedClock(clock.now())
        try:
            with build(Settings(store_dir), clock=other_clock) as other:
                for i, code in enumerate(codes[100:] * 3):
                    if stop.is_set() and len(cast) >= 20:
                        return
                    _cast(other, other_clock, cid, code, "no" if i % 2 else "yes")
                    cast.append(code)
        except BaseException as failure:
            failures.append(failure)

    writer = threading.Thread(target=casting)
    writer.start()
    try:
        for _ in range(3):
            engine.rebuild()
    finally:
        stop.set()
        writer.join(timeout=120)
    assert not writer.is_alive() and not failures, failures
    engine.catch_up()
    live = engine.views.dump()
    engine.rebuild()
    assert engine.views.dump() == live
    tally = engine.views.tally(cid)
    assert tally is not None
    expected = independent_tally(engine, cid)
    assert {k: tally.as_dict()[k] for k in expected} == expected
    assert tally.voted_members == 100 + len(set(cast))
