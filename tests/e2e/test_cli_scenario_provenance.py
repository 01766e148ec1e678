"""`akkoord scenario check|run` refuses a step that says neither its source nor what it assumes:
one line naming the file, the step's line and number; exit 2; no store written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import Cli

SCENARIO = """title = "t"
timezone = "Europe/Amsterdam"

[[step]]
at = "2025-03-01T10:00"
do = "funding.scheme"
as = "officer:j.devries"
reason = "SPUK IZA"
assumed = "test data"
[step.with]
code = "SPUK-IZA"
name = "SPUK IZA"

[[step]]
at = "2025-03-01T10:05"
do = "funding.scheme"
as = "officer:j.devries"
reason = "SPUK GALA, with no word on where it comes from"
[step.with]
code = "SPUK-GALA"
name = "SPUK GALA"
"""


@pytest.mark.parametrize("command", ["check", "run"])
def test_a_step_without_provenance_refuses_the_file(tmp_path: Path, command: str) -> None:
    cli = Cli(tmp_path / "store")
    path = tmp_path / "scenario.toml"
    path.write_text(SCENARIO, encoding="utf-8")
    run = cli("scenario", command, str(path))
    assert run.exit_code == 2, (run.stdout, run.stderr)
    [line] = run.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}:14: step 2: no provenance: give source = ")
    assert cli.log_fingerprint() == "no store"
