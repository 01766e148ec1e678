"""On PostgreSQL a command's transaction waits for the server once before its commit: the reads
the read models make in it (their positions, a voter's standing row) are sent down the insert's
pipeline ahead of the insert and come back with its positions, and everything after the insert
is only written (`LiveProjections.before_insert`, `Driver.prefetch`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import psycopg
import pytest

from adapters.bootstrap import Engine
from tests.integration.test_consultation_store import FACTS, independent_tally, open_consultation
from tests.integration.test_consultation_store import secretary as secretary_of
from workflows.clock import SimulatedClock

pytestmark = pytest.mark.postgres_only("the PostgreSQL insert's pipeline")


def _text(query: Any, cursor: psycopg.Cursor[Any]) -> str:
    return query if isinstance(query, str) else query.as_string(cursor.connection)


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bool]]]:
    """Every statement any cursor sends, with whether it went down a pipeline."""
    sent: list[tuple[str, bool]] = []
    execute = psycopg.Cursor.execute

    def recording(self: psycopg.Cursor[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        piped = self.connection._pipeline is not None
        sent.append((" ".join(_text(query, self).split()), piped))
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    yield sent


def _cast(engine: Engine, clock: SimulatedClock, cid: str, code: str, choice: str) -> None:
    clock.advance(timedelta(minutes=1))
    engine.app.consultations.cast_ballot(
        UUID(cid), member=code, choice=choice, actor=secretary_of(code)
    )


def test_a_cast_reads_nothing_after_its_insert(
    engine: Engine, clock: SimulatedClock, statements: list[tuple[str, bool]]
) -> None:
    cid = open_consultation(engine, clock)
    codes = [f.code for f in FACTS[:6]]
    for code in codes:  # the first of each: prepared statements, a member's first ballot
        _cast(engine, clock, cid, code, "yes")
    for code in codes[:3]:
        statements.clear()
        _cast(engine, clock, cid, code, "no")
        piped = [text for text, in_pipeline in statements if in_pipeline]
        [insert] = [i for i, text in enumerate(piped) if "insert_events" in text]
        reads_before = [t for t in piped[:insert] if t.startswith("SELECT name, position")]
        voter_reads = [t for t in piped[:insert] if "FROM" in t and "tally_voters" in t]
        assert reads_before and voter_reads, piped
        after = [t for t in piped[insert + 1 :] if t.upper().startswith("SELECT")]
        assert after == [], f"reads after the insert wait for the server each: {after}"
    assert engine.current(), "the cast's own transaction moved every read model"
    tally = engine.views.tally(cid)
    assert tally is not None
    expected = independent_tally(engine, cid)
    assert {k: tally.as_dict()[k] for k in expected} == expected
    assert (tally.yes_members, tally.no_members) == (3, 3)
