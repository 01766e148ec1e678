"""The CLI loads only what a command uses: the web stack, the PDF and template engines, the
scheduler and the PostgreSQL driver stay out of `--help` and of commands on a SQLite store.

Each command runs in a fresh interpreter (a real subprocess), which then reports every module
it loaded; nothing is timed, only what was imported is checked.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import BACKEND

# What only `serve`, `report`, `scheduler` or a PostgreSQL store need.
WEB = {"fastapi", "starlette", "uvicorn"}
OTHER_HEAVY = {"jinja2", "fpdf", "apscheduler", "psycopg"}
# typer (0.29) checks the parameters of any command it runs with pydantic, the root's
# --database-url too, so only the top-level --help can be without it.
VALIDATION = {"pydantic"}

# Runs the real entry point (`python -m adapters.entrypoints.cli ARGS`) in this process, then
# writes the exit code and the top-level packages it loaded to the file named first.
PROBE = """
import json, runpy, sys
report, sys.argv = sys.argv[1], ["akkoord", *sys.argv[2:]]
code = 0
try:
    runpy.run_module("adapters.entrypoints.cli", run_name="__main__", alter_sys=True)
except SystemExit as e:
    code = e.code
with open(report, "w", encoding="utf-8") as f:
    json.dump({"exit": code, "loaded": sorted({m.split(".")[0] for m in sys.modules})}, f)
"""


def loaded_by(tmp_path: Path, *args: str) -> set[str]:
    """The top-level packages `akkoord ARGS` imports, from a fresh interpreter."""
    report = tmp_path / "loaded.json"
    env = {**os.environ, "AKKOORD_HOME": str(tmp_path / "store"), "COLUMNS": "200"}
    env.pop("AKKOORD_ACTOR", None)
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(report), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(report.read_text(encoding="utf-8"))
    assert found["exit"] == 0, (args, run.stdout, run.stderr)
    return set(found["loaded"])


def test_help_loads_no_web_template_pdf_scheduler_or_database_library(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "--help")
    assert "typer" in loaded  # the probe did run the CLI
    assert loaded & (WEB | OTHER_HEAVY | VALIDATION) == set()


def test_help_of_a_command_group_loads_none_of_them_either(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "consultation", "--help")
    assert loaded & (WEB | OTHER_HEAVY) == set()


def test_store_commands_load_no_web_template_pdf_or_scheduler_library(tmp_path: Path) -> None:
    # On PostgreSQL the store itself needs psycopg; on SQLite nothing does.
    forbidden = WEB | OTHER_HEAVY
    if BACKEND == "postgresql":
        forbidden = forbidden - {"psycopg"}
    writes = loaded_by(tmp_path, "members", "load", "--as", "officer:j.devries", "--json")
    reads = loaded_by(tmp_path, "consultation", "list", "--json")
    assert writes & forbidden == set()
    assert reads & forbidden == set()
