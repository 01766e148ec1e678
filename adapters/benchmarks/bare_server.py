"""The HTTP baseline: the bare library behind one FastAPI route, served by uvicorn.

    python -m uvicorn adapters.benchmarks.bare_server:app --port PORT

Its store is the one the environment names (set by the benchmark as akkoord's own). A cast is
what akkoord's route does at its core: get the aggregate, one event, save; one write at a time,
as akkoord's server serialises its writes (two at once on one aggregate would conflict).
"""

from __future__ import annotations

import threading
from typing import Literal
from uuid import UUID

from fastapi import FastAPI
from pydantic import BaseModel

from adapters.benchmarks.bare_model import BareApplication, cast_once


class BallotIn(BaseModel):
    member: str
    choice: Literal["yes", "no"]


app = FastAPI()
store = BareApplication()
write_lock = threading.Lock()


@app.get("/health")
def health() -> dict[str, bool]:
    return {"ok": True}


@app.post("/polls/{poll_id}/ballots")
def cast(poll_id: UUID, body: BallotIn) -> dict[str, bool]:
    with write_lock:
        cast_once(store, poll_id, body.member, body.choice)
    return {"recorded": True}
