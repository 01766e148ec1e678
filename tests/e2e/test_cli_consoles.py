"""One command's console settings never leak into the next command run in the same process
(tests, tools driving the CLI): `akkoord demo` wraps its story at the terminal's width, and a
later command's one-line messages must stay one line whatever their length."""

from __future__ import annotations

from pathlib import Path

from adapters.entrypoints.cli.common import err, out
from tests.e2e.cli import Cli


def test_the_demo_leaves_the_next_command_its_one_line_messages(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "store")
    run = cli("demo", "--data-dir", str(tmp_path / "store"))
    assert run.exit_code == 0, run.stderr
    # The next command gets consoles of its own, soft-wrapping as the CLI's consoles do.
    assert out.soft_wrap and err.soft_wrap
    garbage = "niet-een-datum-" * 8
    refused = cli(
        "consultation", "open", "--title", "T", "--question", "Q", "--closes", garbage,
        "--reason", "test", actor="officer:j.devries",
    )  # fmt: skip
    assert refused.exit_code == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and garbage in lines[0] and len(lines[0]) > 80, refused.stderr
