"""What a load balancer and a metrics scraper may expect of `serve` (env AKKOORD_...)."""

from __future__ import annotations

import os
from dataclasses import dataclass

READY_MAX_LAG_ENV = "AKKOORD_READY_MAX_LAG"
METRICS_OPEN_ENV = "AKKOORD_METRICS_OPEN"


@dataclass(frozen=True)
class OpsSettings:
    # /readyz answers 503 while a read model is more events behind the log than this: a node
    # rebuilding or catching up would serve stale pages.
    ready_max_lag: int = 1000  # AKKOORD_READY_MAX_LAG (0: no lag at all)
    # /metrics without a token, for a scraper on a network only operators reach.
    metrics_open: bool = False  # AKKOORD_METRICS_OPEN=1

    @classmethod
    def from_env(cls) -> OpsSettings:
        raw = os.environ.get(READY_MAX_LAG_ENV, "").strip()
        if raw and not raw.isdigit():
            raise ValueError(f"{READY_MAX_LAG_ENV} must be a whole number, not {raw!r}")
        return cls(
            ready_max_lag=int(raw) if raw else cls.ready_max_lag,
            metrics_open=os.environ.get(METRICS_OPEN_ENV, "").strip().lower()
            in ("1", "true", "yes", "on"),
        )
