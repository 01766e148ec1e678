"""Health for load balancers and orchestrators: no token, JSON only, 200 or 503.

`/healthz` (liveness) asks nothing of the database: a restart would not bring the database
back, so a database away must not get the process killed. `/readyz` (readiness) says whether
this node should get traffic: its store answers at the expected version and its read models
keep up with the log (AKKOORD_READY_MAX_LAG).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from adapters.config.operations import OpsSettings
from adapters.entrypoints.http.operations.figures import unready

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> JSONResponse:
    # On the event loop, not in the thread pool: requests stuck on a slow database, which
    # may fill the pool, must not make a live process look dead.
    return JSONResponse({"status": "ok"})


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    server = getattr(request.app.state, "server", None)
    settings: OpsSettings = request.app.state.ops_settings
    reason = "starting" if server is None else unready(server.engine, settings.ready_max_lag)
    if reason is None:
        return JSONResponse({"status": "ok"})
    return JSONResponse(
        {"status": "unavailable", "reason": reason},
        status_code=503,
        headers={"Retry-After": "5", "Cache-Control": "no-store"},
    )
