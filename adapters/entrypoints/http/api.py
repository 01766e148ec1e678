"""The JSON API: every command and query the CLI has, behind bearer tokens.

One router per process in `routes/`, assembled here under `/api` in the order the OpenAPI
document lists them; what they share is in `context.py` (who asks, the engine) and
`routes/fields.py` (what bodies and paths accept).
"""

from __future__ import annotations

from fastapi import APIRouter

from adapters.entrypoints.http.routes import (
    agreements,
    assemblies,
    audit,
    consultations,
    members,
    ratifications,
    resolutions,
    signings,
    udo,
    views,
)

router = APIRouter(prefix="/api")
for process in (
    members,
    consultations,
    agreements,
    resolutions,
    udo,
    signings,
    ratifications,
    assemblies,
    views,
    audit,
):
    router.include_router(process.router)
