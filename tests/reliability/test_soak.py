"""The release soak (`akkoord bench --soak MINUTES`) runs and checks what it promises."""

from __future__ import annotations

import pytest

from adapters.benchmarks.soak import soak

pytestmark = pytest.mark.slow


def test_a_short_soak_finds_nothing_lost() -> None:
    seen: list[str] = []
    result = soak(0.01, seen.append, seed=7)
    assert result.problems == []
    assert result.commands >= 501 and result.checks >= 3
    assert seen and "commands" in seen[-1]
