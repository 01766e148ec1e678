"""`akkoord report consultation ID`: the result for the board."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, emit, engine, guarded, parse_id
from adapters.entrypoints.cli.output_options import ForceOpt, OutputOpt, data_home
from adapters.reports.outputs import check_output, write_output
from domain.errors import InvalidInputError

app = typer.Typer(help="Reports for the board.", no_args_is_help=True)


@app.command("consultation")
@guarded
def consultation_command(
    consultation_id: Annotated[str, typer.Argument(show_default=False)],
    fmt: Annotated[str, typer.Option("--format", help="html|md|pdf")] = "md",
    output: OutputOpt = None,
    force: ForceOpt = False,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Question, dates, weight rule, tally, turnout, provinces, a chart, and the explanations
    (a PDF on a terminal needs --output)."""
    # Jinja2 and fpdf load here, for this one command, not for every `akkoord` run.
    from adapters.reports.report import gather, render

    cid = parse_id(consultation_id)
    home = data_home(data_dir)
    if output is not None:
        check_output(output, data_dir=home, force=force)  # refuse before any work
    elif fmt == "pdf" and sys.stdout.isatty():
        raise InvalidInputError("a PDF on a terminal is unreadable: give --output FILE")
    with engine(data_dir) as e:
        content = render(gather(e, cid), fmt)
    if output is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    written = write_output(output, content, data_dir=home, force=force)
    emit(
        json_output,
        {"file": str(output), "bytes": written},
        f"{written} bytes written to {output}",
    )
