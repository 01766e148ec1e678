"""Helpers to drive the real CLI against a real store in a temp dir."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer.testing
from typer.testing import CliRunner

from adapters.entrypoints.cli.main import app
from tests.stores import log_fingerprint

__all__ = ["Cli", "CliRunner", "Run", "app"]

# typer's CliRunner turns the Typer app into a click command at every invoke, reading again the
# signature and annotations of each of akkoord's commands: two thirds of the time of the tests
# that run the CLI in-process (cProfile of tests/e2e). The app does not change between runs, so
# the tests turn it once; tests that run the CLI in-process take CliRunner from here. (A real
# `akkoord` process turns only the one command it runs.) Not in the root conftest: the unit
# tests, also run on the lowest allowed versions, import no CLI library.
typer.testing._get_command = functools.cache(typer.testing._get_command)  # type: ignore[attr-defined]


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class Cli:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.runner = CliRunner()

    def __call__(self, *args: str, actor: str | None = None) -> Run:
        env = {"AKKOORD_HOME": str(self.data_dir), "AKKOORD_ACTOR": actor}
        result = self.runner.invoke(app, list(args), env=env, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    def log_fingerprint(self) -> str:
        """A hash of every stored event row: equal before and after means nothing was written."""
        return log_fingerprint(self.data_dir)
