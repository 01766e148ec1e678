"""`akkoord backup` and `akkoord restore`: a running store into one file that proves itself, and
back, only once it has."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adapters.config.settings import Settings
from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, emit, engine, fail, guarded
from adapters.entrypoints.cli.output_options import ForceOpt, data_home
from adapters.i18n.catalogues import gettext as _
from domain.errors import InvalidInputError

if TYPE_CHECKING:
    from adapters.backup.restoring import Checked, TableMakers

EXIT_BROKEN = 6  # as `audit verify`: the backup does not verify

PublicKeyOpt = Annotated[
    Path | None,
    typer.Option(
        "--key",
        help="The audit public key the heads must be signed with (PEM or hex; default: the "
        "one in the backup).",
        show_default=False,
    ),
]


def _table_makers() -> TableMakers:
    """The tables a PostgreSQL store keeps beside the log, made empty before rows go in."""
    from adapters.auth.tokens import token_tables
    from adapters.contacts.register import contact_tables
    from adapters.mail.outbox import outbox_tables

    return (token_tables, contact_tables, outbox_tables)


def _checked_line(checked: Checked) -> str:
    head = checked.manifest.head
    return _(
        "%(events)s events verified, %(heads)s signed heads reproduced; the backup ends at the "
        "head of %(size)s events, root %(root)s, signed by key %(key)s (%(whose)s)",
        events=checked.verification.checked,
        heads=checked.verification.heads_verified,
        size=head.tree_size,
        root=head.root_hash,
        key=checked.key_id,
        whose=_("the key given") if checked.key_from == "given" else _("the key in the backup"),
    )


@guarded
def backup_command(
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="The backup file to write (outside the data directory)."
        ),
    ] = None,
    verify: Annotated[
        Path | None,
        typer.Option("--verify", help="Check this backup file without restoring it."),
    ] = None,
    key: PublicKeyOpt = None,
    force: ForceOpt = False,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Back up the store while it runs, into one file ending at a head signed for it (also
    written to FILE.head.json); or, with --verify, check a backup file."""
    from adapters.backup.restoring import BackupBrokenError, describe, verify_backup

    if (output is None) == (verify is None):
        raise InvalidInputError("give either -o FILE (take a backup) or --verify FILE")
    if verify is not None:
        settings = Settings.resolve(data_dir)
        try:
            checked = verify_backup(
                verify, database_url=settings.database_url, make_tables=_table_makers(), key=key
            )
        except BackupBrokenError as e:
            raise fail(str(e), code=e.code, exit_code=EXIT_BROKEN, as_json=json_output) from None
        emit(json_output, {"ok": True, **describe(checked)}, "OK: " + _checked_line(checked))
        return
    assert output is not None
    from adapters.backup.taking import head_file, take_backup
    from adapters.reports.outputs import check_output

    check_output(output, data_dir=data_home(data_dir), force=force)  # refuse before any work
    with engine(data_dir) as store:
        manifest = take_backup(store, output)
    head = manifest.head
    emit(
        json_output,
        {
            "file": str(output),
            "events": manifest.events,
            "head": head.as_dict(),
            "head_file": str(head_file(output)),
        },
        _(
            "%(events)s events backed up to %(file)s, ending at the head signed %(when)s "
            "(root %(root)s; also in %(head_file)s)",
            events=manifest.events,
            file=output,
            when=head.timestamp,
            root=head.root_hash,
            head_file=head_file(output),
        ),
    )


@guarded
def restore_command(
    file: Annotated[Path, typer.Argument(help="A backup file written by `akkoord backup`.")],
    audit_key: Annotated[
        Path | None,
        typer.Option(
            "--audit-key",
            help="The audit private key the backup was signed with, to go on signing with it "
            "(a backup never holds it).",
            show_default=False,
        ),
    ] = None,
    key: PublicKeyOpt = None,
    json_output: JsonOpt = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Restore a backup into an empty data directory (an empty schema on PostgreSQL): every
    event and signed head verified first, then the read models rebuilt. A backup that does not
    verify is refused, naming the position, and nothing is left behind."""
    from adapters.backup.restoring import BackupBrokenError, describe, restore_backup

    settings = Settings.resolve(data_dir)
    try:
        checked = restore_backup(
            file, settings, make_tables=_table_makers(), key=key, audit_key=audit_key
        )
    except BackupBrokenError as e:
        raise fail(str(e), code=e.code, exit_code=EXIT_BROKEN, as_json=json_output) from None
    emit(
        json_output,
        {"restored_into": str(settings.data_dir), **describe(checked)},
        _("Restored into %(where)s: ", where=settings.data_dir) + _checked_line(checked),
    )
