"""An officer's extension meets another write on the same consultation between reading and
saving it: a ballot or the scheduler's reminder is no reason to refuse (the extension is tried
again on the new state), a deadline someone else moved meanwhile is (two people want different
things). The other write is made by a second engine on the same store, at that very moment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

import workflows.ratifications as ratifications_module
from adapters.bootstrap import Engine, build
from adapters.config.settings import Settings
from tests.conftest import CLOSES, OFFICER, START, secretary
from tests.integration.test_consultation_store import FACTS, open_consultation
from workflows.base import ConcurrentChangeError
from workflows.clock import SimulatedClock


@contextmanager
def two_engines(data_dir: Path, clock: SimulatedClock) -> Iterator[tuple[Engine, Engine, UUID]]:
    with ExitStack() as stack:
        first = stack.enter_context(build(Settings(data_dir), create=True, clock=clock))
        cid = UUID(open_consultation(first, clock))
        second = stack.enter_context(build(Settings(data_dir), clock=clock))
        clock.advance(timedelta(days=1))
        yield first, second, cid


def _meanwhile(monkeypatch: pytest.MonkeyPatch, write: Callable[[], None]) -> None:
    """Run `write` once, after the extension read the consultation and before it saves."""
    original = ratifications_module.confirm_overruns
    done: list[bool] = []

    def interleaved(*args: Any, **kwargs: Any) -> Any:
        if not done:
            done.append(True)
            write()
        return original(*args, **kwargs)

    monkeypatch.setattr(ratifications_module, "confirm_overruns", interleaved)


def test_an_extension_that_meets_a_ballot_is_made_on_the_new_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = SimulatedClock(START)
    with two_engines(tmp_path / "s", clock) as (first, second, cid):
        member = FACTS[0].code
        _meanwhile(
            monkeypatch,
            lambda: second.app.consultations.cast_ballot(
                cid, member=member, choice="yes", actor=secretary(member)
            ),
        )
        later = CLOSES + timedelta(days=2)
        first.app.consultations.extend_consultation(
            cid, closes_at=later, actor=OFFICER, reason="meer tijd"
        )
        shown = first.app.consultations.get_consultation(cid)
        assert shown["closes_at"] == later.isoformat()
        assert first.app.consultations.standing_ballots(cid)[member][0] == "yes"


def test_an_extension_that_meets_another_extension_is_a_conflict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = SimulatedClock(START)
    with two_engines(tmp_path / "s", clock) as (first, second, cid):
        theirs = CLOSES + timedelta(days=1)
        _meanwhile(
            monkeypatch,
            lambda: second.app.consultations.extend_consultation(
                cid, closes_at=theirs, actor=OFFICER, reason="zij eerst"
            ),
        )
        with pytest.raises(ConcurrentChangeError):
            first.app.consultations.extend_consultation(
                cid, closes_at=CLOSES + timedelta(days=2), actor=OFFICER, reason="ik ook"
            )
        assert first.app.consultations.get_consultation(cid)["closes_at"] == theirs.isoformat()
