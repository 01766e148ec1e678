"""The options of every command that writes a file for people: `--output/-o` and `--force`.

The rules for the file itself (never inside the data directory, never over a file without
--force, never half-written) live in adapters/outputs.py; this module only names the options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adapters.config.settings import Settings

OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="File to write, outside the data directory (default: stdout).",
        show_default=False,
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace the --output file if it exists.")]


def data_home(data_dir: Path | None) -> Path:
    """The data directory the command uses, which an output may never be inside (on PostgreSQL
    too: it holds the log and the keys)."""
    return Settings.resolve(data_dir).data_dir
