"""Helpers to drive the real CLI against a real store in a temp dir."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from adapters.entrypoints.cli.main import app
from tests.stores import log_fingerprint


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
