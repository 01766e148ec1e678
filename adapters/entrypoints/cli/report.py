"""`akkoord report consultation ID`: the result for the board."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Annotated

import typer

from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, emit, engine, guarded, parse_id
from adapters.entrypoints.cli.output_options import ForceOpt, OutputOpt, data_home
from adapters.i18n.catalogues import LANGUAGES, speaking
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
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help="nl or en (default: Dutch, the board's language; English when the locale "
            "says English, e.g. LANG=en_GB.UTF-8).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Question, dates, weight rule, tally, turnout, provinces, a chart, and the explanations
    (a PDF on a terminal needs --output)."""
    # Jinja2 and fpdf load here, for this one command, not for every `akkoord` run.
    from adapters.reports.report import gather, render

    cid = parse_id(consultation_id)
    language = report_language(lang)
    home = data_home(data_dir)
    if output is not None:
        check_output(output, data_dir=home, force=force)  # refuse before any work
    elif fmt == "pdf" and sys.stdout.isatty():
        raise InvalidInputError("a PDF on a terminal is unreadable: give --output FILE")
    with engine(data_dir) as e, speaking(language):
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


def report_language(asked: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The report is the board's document: Dutch, unless asked for in English with --lang, or
    the locale names English (a C or POSIX locale names no language, so the report stays Dutch)."""
    if asked is not None:
        if asked.lower() not in LANGUAGES:
            raise InvalidInputError(f"--lang is one of {', '.join(LANGUAGES)}, not {asked!r}")
        return asked.lower()
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "en" if value.lower().startswith("en") else "nl"
    return "nl"
