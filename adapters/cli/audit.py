"""`akkoord audit ...` and `akkoord export ...`: prove the history untouched, and take it away."""

from __future__ import annotations

import csv
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from adapters.audit_chain import ChainEntry, chained, verify_chain, verify_store
from adapters.cli.common import DataDirOpt, JsonOpt, emit, engine, err, guarded, print_json
from adapters.exports import export_records, read_export, write_records
from adapters.queries import status_as_of
from adapters.timeparse import DEFAULT_TZ, parse_as_of
from domain.errors import InvalidInputError

audit_app = typer.Typer(
    help="Tamper evidence: verify the hash chain over the log.", no_args_is_help=True
)
export_app = typer.Typer(
    help="Take the log or the status away in open formats.", no_args_is_help=True
)


@audit_app.command("verify")
@guarded
def verify_command(
    expect: Annotated[
        str | None, typer.Option("--expect", help="A published head hash the log must contain.")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Verify an exported log instead of the store.")
    ] = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Recompute the chain from the stored events; exit 0 only when it is intact."""
    if file is not None:
        rows, entries, start = read_export(file)
        by_digest: dict[str, list[int]] = {}
        entry_list = list(entries)
        for entry in entry_list:
            by_digest.setdefault(entry.digest, []).append(entry.position)
        result = verify_chain(
            rows,
            iter(entry_list),
            start=start,
            expected=expect,
            digest_positions=lambda d: by_digest.get(d, []),
        )
    else:
        with engine(data_dir) as e:
            recorder = chained(e.app.recorder)
            total = e.app.head()
            with Progress(
                TextColumn("verifying"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err,
                transient=True,
                disable=json_output,
            ) as bar:
                task = bar.add_task("verify", total=total)
                result = verify_store(
                    recorder,
                    expected=expect,
                    progress=lambda n: bar.update(task, completed=n) if n % 500 == 0 else None,
                )
    if json_output:
        print_json(result.as_dict())
    elif result.first_break is not None:
        b = result.first_break
        sys.stdout.write(
            f"BROKEN at position {b.position}: {b.kind} ({b.detail}); "
            f"{result.checked} events verified before it\n"
        )
    elif result.expected is not None and result.expected_at is None:
        sys.stdout.write(
            f"NOT FOUND: the published hash {expect} is not in this log "
            f"({result.checked} events, head {result.head_hash})\n"
        )
    else:
        found = (
            ""
            if result.expected_at is None
            else f"; published hash found at position {result.expected_at}"
        )
        sys.stdout.write(
            f"OK: {result.checked} events, head {result.head_position} {result.head_hash}{found}\n"
        )
    if not result.ok:
        raise typer.Exit(6)


@audit_app.command("checkpoint")
@guarded
def checkpoint_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Record and print the head of the chain, to publish or countersign elsewhere."""
    with engine(data_dir) as e:
        position, head = chained(e.app.recorder).record_checkpoint()
    emit(json_output, {"position": position, "hash": head}, f"{position} {head}")


@export_app.command("log")
@guarded
def export_log_command(
    fmt: Annotated[str, typer.Option("--format", help="jsonl|csv")] = "jsonl",
    since: Annotated[
        str | None, typer.Option("--since", help="Recorded at or after this moment.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Recorded at or before this moment.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default: stdout).")
    ] = None,
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Every stored event with its chain hash; verifies on its own with `audit verify --file`."""
    if fmt not in ("jsonl", "csv"):
        raise InvalidInputError(f"--format is jsonl or csv, not {fmt!r}")
    start = parse_as_of(since, tz).astimezone(UTC) if since else None
    end = parse_as_of(until, tz).astimezone(UTC) if until else None
    if start and end and end < start:
        raise InvalidInputError("--until is before --since")
    with engine(data_dir) as e:
        recorder = chained(e.app.recorder)
        entries: dict[int, ChainEntry] = {}
        previous: dict[int, str] = {}
        prior = None
        for entry in recorder.chain_entries():
            entries[entry.position] = entry
            previous[entry.position] = prior.hash if prior else ""
            prior = entry
        records = export_records(recorder.log_rows(), entries, previous, start, end)
        if output is None:
            write_records(records, fmt, sys.stdout)
            return
        with output.open("w", encoding="utf-8", newline="") as f:
            count = write_records(records, fmt, f)
    emit(json_output, {"file": str(output), "events": count}, f"{count} events written to {output}")


@export_app.command("status")
@guarded
def export_status_command(
    fmt: Annotated[str, typer.Option("--format", help="csv|json")] = "json",
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """The status of every agreement for every party, now or as of a moment."""
    if fmt not in ("csv", "json"):
        raise InvalidInputError(f"--format is csv or json, not {fmt!r}")
    moment = parse_as_of(as_of, tz) if as_of else datetime.now(UTC)
    with engine(data_dir) as e:
        e.catch_up()
        rows = [r.as_dict() for r in status_as_of(e.views, moment)]
    if fmt == "json":
        print_json({"as_of": moment.isoformat(), "status": rows})
        return
    writer = csv.DictWriter(
        sys.stdout,
        fieldnames=["agreement", "party", "status", "detail", "since", "because"],
        lineterminator="\n",
    )
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "because": " ".join(r["because"])})
