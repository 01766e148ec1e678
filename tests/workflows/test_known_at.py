"""Known-at beside true-at: a mistyped ALV percentage corrected later. As of the vote (as known
now) the status shows the corrected figure; as the record stood before the correction, the
mistyped one; the correction is a new event, in the history and the timeline, and never turns an
adopted resolution into a rejected one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from adapters.bootstrap import Engine
from adapters.readmodels.queries import status_as_of, status_known_at, timeline_rows
from domain.actor import Actor, Role
from domain.errors import ConflictError, InvalidInputError, MissingReasonError, NotAllowedError
from domain.resolution import CorrectionError, Resolution, ResolutionKind, ResolutionStateError
from domain.rules import WeightedResult
from tests.conftest import AMS, OFFICER
from tests.stores import log_fingerprint
from workflows.clock import SimulatedClock

ALV = datetime(2024, 11, 29, 14, 0, tzinfo=AMS)
TITLE = "Stop met gesprekken vervolg IZA"


def register_iza(e: Engine) -> None:
    e.app.agreements.register_agreement(
        code="IZA",
        name="IZA",
        full_name="Integraal Zorgakkoord",
        term="",
        signing_parties=["VNG", "VWS", "ZN"],
        involved_parties=[],
        relations=[],
        actor=OFFICER,
        reason="IZA signed in 2022",
    )


def table(e: Engine, *, suspends: bool = True) -> UUID:
    return e.app.resolutions.table_resolution(
        kind=ResolutionKind.RESOLUTION,
        title=TITLE,
        text="",
        tabled_by="bestuur",
        conditions=["Gelijkwaardigheid", "Structurele financiering"],
        suspends=[("VNG", "IZA")] if suspends else [],
        actor=OFFICER,
        reason="agenda item 8",
    )


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(datetime(2024, 11, 1, 9, 0, tzinfo=AMS))


@pytest.fixture
def mistyped(engine: Engine, clock: SimulatedClock) -> UUID:
    """The ALV of 29 Nov 2024 adopts the resolution; the officer types 94.3 for 93.4."""
    register_iza(engine)
    rid = table(engine)
    clock.set(ALV)
    engine.app.resolutions.decide_resolution(
        rid, result=WeightedResult.published("94.3"), actor=OFFICER, reason="ALV 29 Nov 2024"
    )
    engine.catch_up()
    clock.set(datetime(2025, 1, 20, 10, 0, tzinfo=AMS))  # noticed weeks later
    return rid


def vng(e: Engine, moment: datetime, known_at: datetime | None = None) -> str:
    [row] = status_known_at(e.app, e.views, moment, known_at, "IZA", "VNG")
    assert row.status == "participation suspended"
    return row.decision


def correct(e: Engine, rid: UUID, pct: str = "93.4", actor: Actor = OFFICER) -> bool:
    done = e.app.resolutions.correct_decision(
        rid, yes_pct=pct, actor=actor, reason="typefout: 94,3 moet 93,4 zijn (notulen ALV)"
    )
    e.catch_up()
    return done


def test_known_at_before_the_correction_shows_the_mistyped_figure(
    engine: Engine, mistyped: UUID
) -> None:
    december = datetime(2024, 12, 1, tzinfo=AMS)
    before = datetime.now(UTC)  # recorded time: after the vote, before the correction
    assert "94.3% in favour" in vng(engine, december)
    assert correct(engine, mistyped) is True
    after = datetime.now(UTC)

    now = vng(engine, december)
    assert f"'{TITLE}' adopted with 93.4% in favour" in now
    assert "first recorded as 94.3%" in now and "typefout" in now
    assert vng(engine, december, known_at=before) == f"'{TITLE}' adopted with 94.3% in favour"
    assert vng(engine, december, known_at=after) == now
    # true-at: the correction took effect when the vote did, so as of the vote it holds
    assert "93.4%" in vng(engine, ALV)
    # a status that rests on no resolution carries no vote
    [vws] = status_known_at(engine.app, engine.views, december, None, "IZA", "VWS")
    assert (vws.status, vws.decision) == ("negotiating", "")


def test_known_at_before_anything_was_recorded_knows_nothing(
    engine: Engine, mistyped: UUID
) -> None:
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    assert status_known_at(engine.app, engine.views, ALV, long_ago) == []
    # before the vote took effect nothing rests on it, as known now or at any time
    [row] = status_known_at(engine.app, engine.views, ALV - timedelta(days=1), None, "IZA", "VNG")
    assert (row.status, row.decision) == ("negotiating", "")


def test_the_correction_is_an_event_in_the_history_and_the_timeline(
    engine: Engine, mistyped: UUID
) -> None:
    status_rows = status_as_of(engine.views, datetime(2026, 1, 1, tzinfo=AMS))
    correct(engine, mistyped)
    # a correction of the figure changes no party's status
    assert status_as_of(engine.views, datetime(2026, 1, 1, tzinfo=AMS)) == status_rows
    history = engine.app.history.of(mistyped)
    assert [e["event"] for e in history["events"]][-1] == "Resolution.DecisionCorrected"
    assert history["events"][-1]["at"] == ALV.isoformat()  # effective when the vote was
    assert history["state"]["yes_pct"] == "93.4"
    assert engine.app.history.of(mistyped, as_of=ALV)["state"]["yes_pct"] == "93.4"
    assert engine.app.resolutions.get_resolution(mistyped)["yes_pct"] == "93.4"
    rows = [r for r in timeline_rows(engine.views, str(mistyped)) if r["at"] >= "2024-11-29"]
    assert [r["summary"].split(":")[0] for r in rows] == [
        "adopted with 94.3% in favour",
        "vote corrected to 93.4% in favour (first recorded as 94.3%)",
    ]
    assert "typefout" in rows[1]["summary"]
    stored = list(engine.app.events.get(mistyped))[-1]
    assert isinstance(stored, Resolution.DecisionCorrected)
    assert stored.timestamp > stored.at  # recorded now, effective at the ALV of 2024


def test_the_same_figure_again_writes_nothing(engine: Engine, mistyped: UUID) -> None:
    correct(engine, mistyped)
    before = log_fingerprint(engine.settings.data_dir)
    assert correct(engine, mistyped, "93.40") is False
    assert log_fingerprint(engine.settings.data_dir) == before


@pytest.mark.parametrize(
    ("pct", "error", "text"),
    [
        ("40", CorrectionError, "cannot change the outcome; that takes a new decision"),
        ("50", CorrectionError, "would make resolution"),
        ("101", InvalidInputError, "between 0 and 100"),
        ("veel", InvalidInputError, "a percentage like 93.4"),
    ],
)
def test_a_correction_that_changes_the_outcome_or_is_no_figure_is_refused(
    engine: Engine, mistyped: UUID, pct: str, error: type[Exception], text: str
) -> None:
    before = log_fingerprint(engine.settings.data_dir)
    with pytest.raises(error, match=text):
        correct(engine, mistyped, pct)
    assert log_fingerprint(engine.settings.data_dir) == before


def test_only_a_decided_published_vote_by_an_officer_is_corrected(
    engine: Engine, clock: SimulatedClock
) -> None:
    register_iza(engine)
    rid = table(engine)
    before = log_fingerprint(engine.settings.data_dir)
    with pytest.raises(ResolutionStateError, match="no decision to correct"):
        correct(engine, rid)
    engine.app.resolutions.decide_resolution(
        rid, result=WeightedResult.from_weights(900, 100), actor=OFFICER, reason="ALV"
    )
    counted = log_fingerprint(engine.settings.data_dir)
    assert counted != before
    with pytest.raises(ConflictError, match="counted from the recorded weights"):
        correct(engine, rid, "91")
    with pytest.raises(NotAllowedError):
        correct(engine, rid, "91", actor=Actor(Role.BOARD, "voorzitter"))
    assert log_fingerprint(engine.settings.data_dir) == counted


def test_a_correction_needs_a_reason(engine: Engine, mistyped: UUID) -> None:
    before = log_fingerprint(engine.settings.data_dir)
    with pytest.raises(MissingReasonError, match="give a reason to correct a decision"):
        engine.app.resolutions.correct_decision(mistyped, yes_pct="93.4", actor=OFFICER, reason=" ")
    assert log_fingerprint(engine.settings.data_dir) == before


def test_an_announced_outcome_may_get_its_figure(engine: Engine) -> None:
    register_iza(engine)
    rid = table(engine, suspends=False)
    engine.app.resolutions.decide_resolution(
        rid, result=WeightedResult.announced(True), actor=OFFICER, reason="motie aangenomen"
    )
    assert correct(engine, rid, "95.95") is True
    assert engine.app.resolutions.get_resolution(rid)["yes_pct"] == "95.95"
    with pytest.raises(CorrectionError):
        correct(engine, rid, "12")
