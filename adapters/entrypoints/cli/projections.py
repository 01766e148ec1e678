"""`akkoord projections ...`: rebuild the read models from the log."""

from __future__ import annotations

import typer

from adapters.entrypoints.cli.common import DataDirOpt, JsonOpt, engine, guarded, out, print_json
from adapters.i18n.catalogues import gettext as _

app = typer.Typer(help="Read models derived from the event log.", no_args_is_help=True)


@app.command("rebuild")
@guarded
def rebuild_command(json_output: JsonOpt = False, data_dir: DataDirOpt = None) -> None:
    """Drop every read model and replay the whole log; reports whether the result is identical."""
    with engine(data_dir) as e:
        e.catch_up()
        before = e.views.dump()
        replayed = e.rebuild()
        identical = e.views.dump() == before
    if json_output:
        print_json({"events_replayed": replayed, "identical": identical})
    else:
        out.print(
            _("replayed %(num)s events; rebuilt read models equal the live ones", num=replayed)
            if identical
            else _(
                "replayed %(num)s events; rebuilt read models DIFFER FROM the live ones",
                num=replayed,
            )
        )
    if not identical:
        raise typer.Exit(1)
