"""`akkoord audit ...` and `akkoord export ...`: prove the history untouched, and take it away."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from adapters.config.settings import Settings
from adapters.entrypoints.cli.common import (
    DataDirOpt,
    JsonOpt,
    emit,
    engine,
    err,
    guarded,
    print_json,
)
from adapters.entrypoints.cli.output_options import ForceOpt, OutputOpt, data_home
from adapters.i18n.catalogues import gettext as _
from adapters.inputs.timeparse import DEFAULT_TZ, parse_as_of
from adapters.reports.outputs import check_output, open_output
from domain.errors import InvalidInputError, NotFoundError

# The recorders, keys (cryptography) and proofs are imported by the commands that use them:
# `akkoord --help` imports every command module and needs none of them.
if TYPE_CHECKING:
    from adapters.audit.chain import ChainEntry
    from adapters.audit.keys import SignedHead

audit_app = typer.Typer(
    help="Tamper evidence: the hash chain and the signed Merkle tree over the log.",
    no_args_is_help=True,
)
export_app = typer.Typer(
    help="Take the log or the status away in open formats.", no_args_is_help=True
)


@audit_app.command("verify")
@guarded
def verify_command(
    expect: Annotated[
        str | None,
        typer.Option(
            "--expect",
            help="A published hash (chain hash or tree root, any case) or a signed head file "
            "(`audit head --json`) the log must reproduce.",
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Verify an exported log instead of the store.")
    ] = None,
    key: KeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Recompute the chain and the Merkle tree from the stored events and check them against
    every signed tree head and checkpoint; exit 0 only when all agree."""
    from adapters.audit.exports import verify_export
    from adapters.audit.keys import SignedHead, known_public_key, load_public_key
    from adapters.audit.transparency import transparent, verify_log

    expected = published(expect)
    public = load_public_key(key) if key is not None else None
    if file is not None:
        if public is None:
            public = known_public_key(Settings.resolve(data_dir).audit_key_path)
        result = verify_export(file, expected, public)
    else:
        with engine(data_dir) as e:
            recorder = transparent(e.app.recorder)
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
                result = verify_log(
                    recorder,
                    expected=expected,
                    key=public,
                    progress=lambda n: bar.update(task, completed=n) if n % 500 == 0 else None,
                )
    if json_output:
        print_json(result.as_dict())
    elif result.first_break is not None:
        b = result.first_break
        sys.stdout.write(
            _(
                "BROKEN at position %(position)s: %(kind)s (%(detail)s); "
                "%(checked)s events verified before it",
                position=b.position,
                kind=b.kind,
                detail=b.detail,
                checked=result.checked,
            )
            + "\n"
        )
    elif result.expected is not None and result.expected_at is None:
        sys.stdout.write(
            f"NOT FOUND: the published {'head' if isinstance(expected, SignedHead) else 'hash'} "
            f"{result.expected} is not in this log "
            f"({result.checked} events, head {result.head_hash})\n"
        )
    else:
        found = (
            ""
            if result.expected_at is None
            else _("; published hash found at position %(position)s", position=result.expected_at)
        )
        foreign = (
            _(
                " (%(num)s signed by keys not held here: give --key to check them)",
                num=result.heads_foreign,
            )
            if result.heads_foreign
            else ""
        )
        sys.stdout.write(
            _(
                "OK: %(checked)s events, head %(position)s %(hash)s; "
                "%(heads)s signed tree heads reproduced",
                checked=result.checked,
                position=result.head_position,
                hash=result.head_hash,
                heads=result.heads_verified,
            )
            + f"{found}{foreign}\n"
        )
    if not result.ok:
        raise typer.Exit(6)


@audit_app.command("checkpoint")
@guarded
def checkpoint_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Record and print the head of the chain, to publish or countersign elsewhere."""
    from adapters.audit.chain import chained

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
    output: OutputOpt = None,
    force: ForceOpt = False,
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Every stored event with its chain hash; verifies on its own with `audit verify --file`."""
    from adapters.audit.chain import chained
    from adapters.audit.exports import export_records, sealed, write_records
    from adapters.audit.transparency import transparent

    if output is not None:
        check_output(output, data_dir=data_home(data_dir), force=force)  # refuse before any work
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
        # The seal last: the signed head the export ends at (signed now if none is there).
        records = sealed(records, entries, transparent(recorder).sign_head)
        if output is None:
            write_records(records, fmt, sys.stdout)
            return
        with open_output(output, data_dir=data_home(data_dir), force=force) as f:
            count = write_records(records, fmt, f) - 1  # the seal is not an event
    emit(json_output, {"file": str(output), "events": count}, f"{count} events written to {output}")


@export_app.command("status")
@guarded
def export_status_command(
    fmt: Annotated[str, typer.Option("--format", help="csv|json")] = "json",
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    known_at: Annotated[
        str | None,
        typer.Option("--known-at", help="As the record stood at this moment (recorded time)."),
    ] = None,
    tz: Annotated[str, typer.Option("--tz")] = DEFAULT_TZ,
    output: OutputOpt = None,
    force: ForceOpt = False,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """The status of every agreement for every party, now or as of a moment (and as the record
    stood at --known-at)."""
    from adapters.readmodels.queries import status_known_at

    if fmt not in ("csv", "json"):
        raise InvalidInputError(f"--format is csv or json, not {fmt!r}")
    if output is not None:
        check_output(output, data_dir=data_home(data_dir), force=force)  # refuse before any work
    moment = parse_as_of(as_of, tz) if as_of else datetime.now(UTC)
    recorded = parse_as_of(known_at, tz, what="known-at") if known_at else None
    with engine(data_dir) as e:
        e.catch_up()
        rows = [r.as_dict() for r in status_known_at(e.app, e.views, moment, recorded)]
    if output is None:
        _write_status(sys.stdout, fmt, moment, rows, recorded)
        return
    with open_output(output, data_dir=data_home(data_dir), force=force) as f:
        _write_status(f, fmt, moment, rows, recorded)
    emit(
        json_output,
        {"file": str(output), "rows": len(rows)},
        f"{len(rows)} rows written to {output}",
    )


def _write_status(
    out: TextIO,
    fmt: str,
    moment: datetime,
    rows: list[dict[str, Any]],
    known_at: datetime | None = None,
) -> None:
    if fmt == "json":
        data = {
            "as_of": moment.isoformat(),
            "known_at": known_at.isoformat() if known_at else None,
            "status": rows,
        }
        out.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    writer = csv.DictWriter(
        out,
        fieldnames=["agreement", "party", "status", "detail", "since", "because", "decision"],
        lineterminator="\n",
    )
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "because": " ".join(r["because"])})


class UnknownTreeHeadError(NotFoundError):
    code = "unknown_tree_head"


# The transparency log: keys, signed heads, proofs ----------------------------------------------

KeyOpt = Annotated[
    Path | None,
    typer.Option("--key", help="The audit public key (PEM or hex; default: the store's own)."),
]


def published(expect: str | None) -> str | SignedHead | None:
    """`--expect`: a signed head file, or a hash in any case."""
    from adapters.audit.keys import SignedHead

    if expect is None:
        return None
    path = Path(expect)
    if path.is_file():
        try:
            return SignedHead.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise InvalidInputError(f"--expect {path}: not a signed head ({e})") from None
    wanted = expect.strip().lower()
    if len(wanted) != 64 or any(c not in "0123456789abcdef" for c in wanted):
        raise InvalidInputError("--expect takes a 64-digit hex hash or a signed head file")
    return wanted


@audit_app.command("key")
@guarded
def key_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Print the audit public key that signs the tree heads (made if there is none yet)."""
    from adapters.audit.keys import Signer, key_id, public_pem, raw_public
    from adapters.store import NoStoreError, no_store_message, store_exists

    settings = Settings.resolve(data_dir)
    if not settings.audit_key_path.exists() and not store_exists(settings):
        raise NoStoreError(no_store_message(settings))  # no key is made for a store not there
    public = Signer(settings.audit_key_path).public_key()
    emit(
        json_output,
        {"key_id": key_id(public), "hex": raw_public(public).hex(), "pem": public_pem(public)},
        public_pem(public).rstrip()
        + f"\n# key id {key_id(public)}, hex {raw_public(public).hex()}",
    )


@audit_app.command("head")
@guarded
def head_command(
    every: Annotated[bool, typer.Option("--all", help="Every signed head, oldest first.")] = False,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """The signed tree head over the whole log, to publish (signs a fresh one if needed)."""
    from adapters.audit.transparency import transparent

    with engine(data_dir) as e:
        recorder = transparent(e.app.recorder)
        if every:
            heads = [h.as_dict() for h in recorder.signed_heads()]
            lines = [f"{h['tree_size']} {h['root_hash']} {h['timestamp']}" for h in heads]
            emit(json_output, heads, "\n".join(lines) or "no signed heads yet")
            return
        head = recorder.sign_head()
    emit(
        json_output,
        head.as_dict(),
        f"{head.tree_size} {head.root_hash} {head.timestamp} key {head.key_id} "
        f"signature {head.signature}",
    )


@audit_app.command("prove")
@guarded
def prove_command(
    position: Annotated[int, typer.Argument(help="The event's log position.")],
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """An inclusion proof of one event against the latest signed head; checks offline."""
    from adapters.audit.receipts import inclusion_document
    from adapters.audit.transparency import transparent

    with engine(data_dir) as e:
        proof = inclusion_document(transparent(e.app.recorder), position)
    emit(
        json_output,
        proof,
        f"position {position} is leaf {proof['leaf_index']} of {proof['signed_head']['tree_size']}"
        f" (root {proof['signed_head']['root_hash']}); path: {' '.join(proof['path'])}",
    )


@audit_app.command("consistency")
@guarded
def consistency_command(
    old: Annotated[int, typer.Argument(help="A tree size with a signed head.")],
    new: Annotated[int, typer.Argument(help="A later tree size with a signed head.")],
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """A consistency proof: the tree at OLD is a prefix of the tree at NEW."""
    from adapters.audit.transparency import proof_of_consistency, transparent

    if not 0 < old <= new:
        raise InvalidInputError("give two tree sizes, 0 < OLD <= NEW")
    with engine(data_dir) as e:
        recorder = transparent(e.app.recorder)
        heads = {h.tree_size: h for h in recorder.signed_heads()}
        missing = [size for size in (old, new) if size not in heads]
        if missing:
            raise UnknownTreeHeadError(
                f"no signed head at size {missing[0]} (signed sizes: "
                f"{', '.join(str(s) for s in sorted(heads)[-10:]) or 'none'})"
            )
        proof = proof_of_consistency(recorder, heads[old], heads[new])
    emit(json_output, proof, f"{old} -> {new}: {' '.join(proof['path'])}")  # type: ignore[arg-type]


@audit_app.command("check-proof")
@guarded
def check_proof_command(
    file: Annotated[Path, typer.Argument(help="A proof or receipt (JSON).")],
    key: Annotated[
        Path, typer.Option("--key", help="The audit public key (PEM or hex).", show_default=False)
    ],
    json_output: JsonOpt = False,
) -> None:
    """Check an inclusion proof, consistency proof or ballot receipt offline, without the
    store: exit 0 when it holds, 6 when it does not."""
    from adapters.audit.keys import load_public_key
    from adapters.audit.merkle import ProofError
    from adapters.audit.receipts import check_document

    public = load_public_key(key)
    try:
        doc = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise InvalidInputError(f"{file}: not a JSON proof ({e})") from None
    try:
        what = check_document(doc, public)
    except ProofError as e:
        emit(json_output, {"ok": False, "reason": str(e)}, f"INVALID: {e}")
        raise typer.Exit(6) from None
    emit(json_output, {"ok": True, "proves": what}, f"OK: {what}")


@audit_app.command("receipt")
@guarded
def receipt_command(
    position: Annotated[int, typer.Argument(help="The ballot's log position (from its cast).")],
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """A ballot's receipt: the ballot, its leaf and, once signed, the head and inclusion path."""
    from adapters.audit.receipts import ballot_receipt

    with engine(data_dir) as e:
        receipt = ballot_receipt(e.app.recorder, position)
    covered = receipt["signed_head"]
    emit(
        json_output,
        receipt,
        f"{receipt['member']} {receipt['choice']} at position {position}: "
        + (
            f"leaf {receipt['leaf_index']} of the tree of {covered['tree_size']} events"
            if covered
            else "not yet under a signed head"
        ),
    )


# The same check under the name the receipts' own help uses.
audit_app.command("check-receipt", hidden=True)(check_proof_command)
