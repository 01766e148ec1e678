"""Helpers for the reliability tests: the refusal contract, the real process, store fingerprints."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.e2e.cli import Cli, Run

ROOT = Path(__file__).resolve().parents[2]
AKKOORD = [sys.executable, "-m", "adapters.entrypoints.cli"]
OFFICER = "officer:j.devries"
EXIT_CODES = {1, 2, 3, 4, 5}


def refused(run: Run, exit_codes: int | set[int], text: str = "", *, json_ok: bool = False) -> str:
    """The refusal contract: one line on stderr starting with `error: ` (or, when `json_ok`, the
    `--json` form `{"error": {"code", "message"}}`), a documented non-zero exit, no traceback
    anywhere, nothing on stdout. Returns the error line."""
    wanted = {exit_codes} if isinstance(exit_codes, int) else exit_codes
    everything = run.stdout + run.stderr
    assert "Traceback" not in everything, everything
    assert run.exit_code in wanted, (run.exit_code, run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    if json_ok and lines[0].startswith("{"):
        error = json.loads(lines[0])["error"]
        assert set(error) == {"code", "message"} and error["message"], error
        lines = [f"error: {error['message']}"]
    assert lines[0].startswith("error: "), run.stderr
    assert run.stderr.endswith("\n")
    assert run.stdout.strip() == "", run.stdout  # (a transient progress bar may leave "\n")
    assert text in lines[0], (text, lines[0])
    return lines[0]


def akkoord(*args: str, home: Path, env: dict[str, str] | None = None, timeout: float = 120) -> Run:
    """The real `akkoord` process."""
    full = {**os.environ, "AKKOORD_HOME": str(home), "COLUMNS": "200", **(env or {})}
    full.pop("AKKOORD_ACTOR", None)
    done = subprocess.run(
        [*AKKOORD, *args], capture_output=True, text=True, env=full, timeout=timeout, cwd=ROOT
    )
    return Run(done.returncode, done.stdout, done.stderr)


def loaded_cli(data_dir: Path) -> Cli:
    cli = Cli(data_dir)
    run = cli("members", "load", actor=OFFICER)
    assert run.exit_code == 0, run.stderr
    return cli


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
