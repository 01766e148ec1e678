"""`akkoord serve`: the HTTP API and the dashboard, with the scheduler inside."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from adapters import logs
from adapters.bootstrap import NoStoreError, no_store_message
from adapters.cli.common import DataDirOpt, guarded
from adapters.http.app import create_app
from adapters.settings import Settings


@guarded
def serve_command(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Do not fire deadlines here.")
    ] = False,
    data_dir: DataDirOpt = None,
) -> None:
    """Serve the dashboard and the API (OpenAPI docs at /docs) until Ctrl-C."""
    settings = Settings.resolve(data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if settings.database_url is not None and not settings.store_exists():
        raise NoStoreError(no_store_message(settings))
    logs.configure(settings.log_path, console=True)
    app = create_app(settings, scheduler=not no_scheduler)
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
