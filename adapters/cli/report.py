"""`akkoord report consultation ID`: the result for the board."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from adapters.cli.common import DataDirOpt, JsonOpt, emit, engine, guarded, parse_id
from adapters.report import gather, render

app = typer.Typer(help="Reports for the board.", no_args_is_help=True)


@app.command("consultation")
@guarded
def consultation_command(
    consultation_id: Annotated[str, typer.Argument(show_default=False)],
    fmt: Annotated[str, typer.Option("--format", help="html|md|pdf")] = "md",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="File (default: stdout; required for pdf on a terminal)."
        ),
    ] = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Question, dates, weight rule, tally, turnout, provinces, a chart, and the explanations."""
    cid = parse_id(consultation_id)
    with engine(data_dir) as e:
        content = render(gather(e, cid), fmt)
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    output.write_bytes(content)
    emit(
        json_output,
        {"file": str(output), "bytes": len(content)},
        f"{len(content)} bytes written to {output}",
    )
