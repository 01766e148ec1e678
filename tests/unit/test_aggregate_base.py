"""Every change needs a timezone-aware effective time, whatever the command."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.conditional_signing import ConditionalSigning
from domain.errors import InvalidDeadlineError
from domain.general_assembly import GeneralAssembly
from tests.conftest import OPENS

NAIVE = datetime(2025, 10, 29, 10, 0)


def test_a_naive_time_is_refused_on_any_command() -> None:
    signing = ConditionalSigning.sign(
        party="VNG", agreement="AZWA", conditions=["c"], actor="officer:x", reason="r", at=OPENS
    )
    with pytest.raises(InvalidDeadlineError, match="time zone"):
        signing.make_definitive(cause="x", actor="system:workflow", reason="r", at=NAIVE)
    assembly = GeneralAssembly.convene(
        title="ALV", held_on=OPENS, actor="officer:x", reason="r", at=OPENS
    )
    with pytest.raises(InvalidDeadlineError):
        assembly.hold(actor="officer:x", reason="r", at=NAIVE)
    assert [type(e).__name__ for e in signing.collect_events()] == ["Signed"]


def test_a_nul_in_any_recorded_text_is_refused_on_creation_and_on_any_command() -> None:
    from domain.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="NUL"):
        ConditionalSigning.sign(
            party="VNG",
            agreement="AZWA",
            conditions=["c\x00"],
            actor="officer:x",
            reason="r",
            at=OPENS,
        )
    signing = ConditionalSigning.sign(
        party="VNG", agreement="AZWA", conditions=["c"], actor="officer:x", reason="r", at=OPENS
    )
    with pytest.raises(InvalidInputError, match="NUL"):
        signing.withdraw(cause="x", actor="officer:x", reason="r\x00", at=OPENS)
    assert [type(e).__name__ for e in signing.collect_events()] == ["Signed"]
