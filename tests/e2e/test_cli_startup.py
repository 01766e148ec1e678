"""The CLI loads only what a command uses: the web stack, the PDF and template engines, the
scheduler and the PostgreSQL driver stay out of `--help` and of commands on a SQLite store; a
cast, the command people script by the hundred, loads only its own command module and none of
pydantic, structlog, rich or the token store, and defines the events of no other process than the
consultation's.

Each command runs in a fresh interpreter (a real subprocess), which then reports every module
it loaded; nothing is timed, only what was imported is checked.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from eventsourcing.domain import Aggregate, CanMutateAggregate

import domain
from adapters.entrypoints.cli.main import COMMANDS, GROUPS, command_named
from tests.conftest import BACKEND
from tests.e2e.cli import Cli
from tests.e2e.test_receipts import OFFICER, open_consultation

# What only `serve`, `report`, `scheduler` or a PostgreSQL store need.
WEB = {"fastapi", "starlette", "uvicorn"}
OTHER_HEAVY = {"jinja2", "fpdf", "apscheduler", "psycopg"}
# typer (0.29) checks every parameter with pydantic; akkoord reads text, paths and flags
# itself (adapters/entrypoints/cli/coercion.py), so a command with only those never loads it.
VALIDATION = {"pydantic"}
# What a successful cast need not load: the terminal tables, the log library (loaded at the first
# line logged; a cast that succeeds logs none), the scheduler's file lock.
CAST_NEEDS_NONE_OF = {"rich", "structlog", "filelock"}
# The command modules a cast uses; every other one stays out.
CLI = "adapters.entrypoints.cli"
CAST_MODULES = {f"{CLI}.{m}" for m in ("main", "group", "coercion", "common")}
CAST_MODULES |= {CLI, f"{CLI}.consultation"}
# Defining a process's events is most of what importing it costs (the library makes a dataclass
# of each): a ballot defines the consultation's and the register's members', no other process's.
CAST_PROCESSES = {"domain.aggregate", "domain.consultation", "domain.member"}  # and their base


def process_modules() -> set[str]:
    """The domain modules that define an aggregate and its events."""
    found = set()
    for info in pkgutil.iter_modules(domain.__path__, "domain."):
        for v in vars(importlib.import_module(info.name)).values():
            if isinstance(v, type) and issubclass(v, Aggregate) and v.__module__ == info.name:
                events = [e for e in vars(v).values() if isinstance(e, type)]
                if any(issubclass(e, CanMutateAggregate) for e in events):
                    found.add(info.name)
    return found


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
    json.dump({"exit": code, "modules": sorted(sys.modules)}, f)
"""


def modules_of(tmp_path: Path, *args: str, exit_code: int = 0) -> tuple[set[str], str, str]:
    """Every module `akkoord ARGS` imports, from a fresh interpreter; and its stdout, stderr."""
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
    assert found["exit"] == exit_code, (args, run.stdout, run.stderr)
    return set(found["modules"]), run.stdout, run.stderr


def top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def loaded_by(tmp_path: Path, *args: str) -> set[str]:
    """The top-level packages `akkoord ARGS` imports, from a fresh interpreter."""
    return top_level(modules_of(tmp_path, *args)[0])


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


def test_store_commands_with_text_path_and_flag_options_load_no_pydantic(tmp_path: Path) -> None:
    loaded_by(tmp_path, "members", "load", "--as", "officer:j.devries")
    assert loaded_by(tmp_path, "consultation", "list", "--json") & VALIDATION == set()


@pytest.fixture
def consultation(tmp_path: Path) -> str:
    cli = Cli(tmp_path / "store")
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    return open_consultation(cli)


def cast(consultation: str, choice: str) -> tuple[str, ...]:
    return ("consultation", "cast", consultation, "--member", "GM0090", "--choice", choice,
            "--as", "secretary:GM0090")  # fmt: skip


def test_a_cast_loads_its_own_command_and_no_library_it_does_not_use(
    tmp_path: Path, consultation: str
) -> None:
    modules, stdout, _ = modules_of(tmp_path, *cast(consultation, "yes"))
    assert stdout == "ballot recorded\n"
    forbidden = WEB | OTHER_HEAVY | VALIDATION | CAST_NEEDS_NONE_OF
    if BACKEND == "postgresql":
        # The PostgreSQL store brings its driver, and its module names both leaderships.
        forbidden -= {"psycopg", "filelock"}
    assert top_level(modules) & forbidden == set()
    assert {m for m in modules if m.startswith(CLI)} == CAST_MODULES
    assert "adapters.auth.tokens" not in modules  # the token store: `tokens` and `serve` only
    assert modules & process_modules() == CAST_PROCESSES
    if BACKEND == "sqlite":
        # A third of a cast's start: what a ballot writes is plain SQL on the store's own
        # connection (the PostgreSQL store itself is opened through SQLAlchemy).
        assert "sqlalchemy" not in top_level(modules)
    # It did write: the same ballot again is standing already.
    _, again, _ = modules_of(tmp_path, *cast(consultation, "yes"))
    assert again == "the same ballot was already standing\n"


def test_a_refused_cast_still_logs_its_refusal(tmp_path: Path, consultation: str) -> None:
    # structlog is loaded at the first line logged: a refusal still reaches the log file.
    modules, _, stderr = modules_of(tmp_path, *cast(consultation, "maybe"), exit_code=2)
    assert stderr.startswith("error: ") and len(stderr.splitlines()) == 1
    assert "structlog" in top_level(modules)
    lines = (tmp_path / "store" / "akkoord.log").read_text(encoding="utf-8").splitlines()
    logged = [json.loads(line) for line in lines]
    assert [(e["event"], e["command"], e["actor"]) for e in logged if e["event"] == "refused"] == [
        ("refused", "cast", "secretary:GM0090")
    ]


@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["consultation", "cast", "X"], "consultation"),
        (["--database-url", "postgresql://h/db", "status"], "status"),
        (["--database-url=postgresql://h/db", "export", "csv"], "export"),
        (["--help"], None),
        ([], None),
        (["nope", "consultation"], None),  # not a command: every one is loaded, to say so
        (["--database-url", "consultation"], None),  # the URL, not a command
    ],
)
def test_the_command_a_process_runs_is_its_first_word_after_the_root_options(
    args: list[str], name: str | None
) -> None:
    assert command_named(args) == name
    assert name is None or name in GROUPS or name in COMMANDS
