"""`akkoord serve`: the HTTP API and the dashboard, with the scheduler inside."""

from __future__ import annotations

from typing import Annotated

import typer

from adapters.config.settings import Settings
from adapters.entrypoints.cli.common import DatabaseWaitOpt, DataDirOpt, guarded


@guarded
def serve_command(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    no_scheduler: Annotated[
        bool, typer.Option("--no-scheduler", help="Do not fire deadlines here.")
    ] = False,
    database_wait: DatabaseWaitOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Serve the dashboard and the API (OpenAPI docs at /docs) until Ctrl-C."""
    from adapters.config import logs
    from adapters.store.database_wait import wait_for_store
    from adapters.upgrade.status import refuse_unless_upgraded

    settings = Settings.resolve(data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    wait_for_store(settings, give_up_after=database_wait)
    refuse_unless_upgraded(settings)  # one line naming `akkoord db upgrade`, before the web stack
    # The web stack (FastAPI, uvicorn, Jinja2) is most of akkoord's import time: only `serve`
    # pays it.
    import uvicorn

    from adapters.entrypoints.http.app import create_app

    logs.configure(settings.log_path, console=True)
    app = create_app(settings, scheduler=not no_scheduler)
    # X-Forwarded-For/-Proto (client address for the login limit, https for Secure cookies)
    # only behind a proxy we are told of: AKKOORD_TRUST_PROXY=1.
    proxied = settings.web.trust_proxy
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False, proxy_headers=proxied)
