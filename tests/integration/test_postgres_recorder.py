"""akkoord's PostgreSQL recorder, with the library's database functions on: a reaction's tracking
record, its events and their chain entries are written together or not at all, and positions
are handed out in commit order."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent, Tracking

from adapters.audit.chain import chained
from adapters.audit.transparency import verify_store
from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings

pytestmark = pytest.mark.postgres_only("the PostgreSQL recorder")


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    with build(Settings(tmp_path / "store"), create=True) as e:
        assert e.app.recorder.datastore.enable_db_functions  # type: ignore[attr-defined]
        yield e


def event(originator: object, version: int) -> StoredEvent:
    return StoredEvent(
        originator_id=originator, originator_version=version, topic="test:Thing", state=b"{}"
    )


def test_tracking_alone_is_recorded(engine: Engine) -> None:
    engine.app.recorder.insert_events([], tracking=Tracking("Elsewhere", 7))
    assert engine.app.recorder.max_tracking_id("Elsewhere") == 7


def test_tracking_events_and_chain_are_written_together_or_not_at_all(engine: Engine) -> None:
    recorder = engine.app.recorder
    thing = uuid4()
    [first] = recorder.insert_events([event(thing, 1)], tracking=Tracking("Elsewhere", 1)) or []
    with pytest.raises(IntegrityError):  # version 1 again: the whole transaction is refused
        recorder.insert_events(
            [event(thing, 2), event(thing, 1)], tracking=Tracking("Elsewhere", 2)
        )
    assert recorder.max_tracking_id("Elsewhere") == 1
    assert [n.originator_version for n in recorder.select_notifications(first, 10)] == [1]
    assert chained(recorder).chain_head()[0] == first
    assert verify_store(chained(recorder)).ok


def test_concurrent_writers_commit_in_position_order(engine: Engine) -> None:
    """A follower that has read up to position P never later finds an event below P."""
    recorder = engine.app.recorder
    writing = threading.Event()
    writing.set()
    followed: list[int] = []

    def write() -> None:
        while writing.is_set():
            recorder.insert_events([event(uuid4(), 1)])

    def follow_from(after: int) -> int:
        page = recorder.select_notifications(after + 1, 100)
        followed.extend(n.id for n in page)
        return page[-1].id if page else after

    writers = [threading.Thread(target=write) for _ in range(4)]
    for t in writers:
        t.start()
    seen = 0
    # Follow the log as it grows, the way every projector does, until enough has been written
    # while following to interleave (bounded: a loaded machine writes slowly, not wrongly).
    give_up = time.monotonic() + 120
    while len(followed) < 60 and time.monotonic() < give_up:
        seen = follow_from(seen)
    writing.clear()
    for t in writers:
        t.join()
    while (after := follow_from(seen)) != seen:
        seen = after
    everything = recorder.select_notifications(1, 100_000)
    # an event committed after a follower passed its position would be missing here
    assert followed == [n.id for n in everything]
    assert len(followed) > 50
    entries = list(chained(recorder).chain_entries())
    assert [e.position for e in entries] == [n.id for n in everything]
    assert verify_store(chained(recorder)).ok
