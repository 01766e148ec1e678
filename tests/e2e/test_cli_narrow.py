"""The CLI in an 80-column terminal: every line fits, and no date is cut or broken.

`akkoord demo` and then `status`, `deadlines --all` and `timeline` on its store, as real
processes with COLUMNS=80 (what a terminal of that width tells rich). A date is printed whole
or not at all: never ellipsized (`2024-1…`), never wrapped over two lines.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

AKKOORD = [sys.executable, "-m", "adapters.entrypoints.cli"]
WIDTH = 80
FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Anything that starts like an ISO date: a year, a dash, and more digits or dashes.
DATE_LIKE = re.compile(r"(?<![\w-])\d{4}-[\d-]*")
CUT = re.compile(r"\d…|…\d")

pytestmark = pytest.mark.slow


def narrow(*args: str, home: Path) -> str:
    env = {**os.environ, "AKKOORD_HOME": str(home), "COLUMNS": str(WIDTH), "LINES": "40"}
    env.pop("AKKOORD_ACTOR", None)
    done = subprocess.run([*AKKOORD, *args], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    store = Path(tmp_path_factory.mktemp("narrow")) / "demo"
    yield store, narrow("demo", "--data-dir", str(store), home=store)


def problems(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > WIDTH:
            found.append(f"line {number} has {len(line)} columns: {line!r}")
        if CUT.search(line):
            found.append(f"line {number} cuts a number: {line!r}")
        for fragment in DATE_LIKE.findall(line):
            if not FULL_DATE.match(fragment):
                found.append(f"line {number} breaks the date {fragment!r}: {line!r}")
    return found


def test_the_demo_fits_80_columns_with_whole_dates(demo: tuple[Path, str]) -> None:
    _, text = demo
    assert problems(text) == []
    # the key dates of the story, each whole in the status matrix
    for day in ("2024-11-28", "2025-10-01", "2025-10-30", "2025-12-31", "2026-01-15"):
        assert day in text, day


@pytest.mark.parametrize(
    "command",
    [("status",), ("status", "--as-of", "2025-10-01"), ("deadlines", "--all"), ("timeline",)],
)
def test_the_views_fit_80_columns_with_whole_dates(
    demo: tuple[Path, str], command: tuple[str, ...]
) -> None:
    store, _ = demo
    text = narrow(*command, "--data-dir", str(store), home=store)
    assert problems(text) == []
    assert FULL_DATE.search(text), text[:2000]
