"""The store's figures, read when asked (a readiness probe, a scrape): each a cheap query."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from adapters.audit.chain import STORE_VERSION, chained
from adapters.audit.transparency import transparent
from adapters.bootstrap import Engine
from adapters.config import logs
from adapters.mail.outbox import Outbox
from adapters.readmodels.tables import deadlines, positions
from projections.rows import time_key


class Leading(Protocol):
    leading: bool


def storage_reason(error: Exception) -> str:
    """The database's own words, not a wrapper's SQL dump."""
    inner = getattr(error, "orig", None) or error.__cause__ or error
    return " ".join(str(inner).split()) or type(error).__name__


def lag_by_projection(engine: Engine) -> tuple[int, dict[str, int]]:
    """The log's head and how many events each read model is behind it (two reads)."""
    head = engine.app.head()
    with engine.views.reading() as conn:
        known = {
            str(name): int(at)
            for name, at in conn.execute(select(positions.c.name, positions.c.position))
        }
    # A write between the two reads may put a position past the head read first.
    return head, {
        p.projection.name: max(0, head - known.get(p.projection.name, 0)) for p in engine.projectors
    }


def unready(engine: Engine, max_lag: int) -> str | None:
    """Why this node should get no traffic now, or None: the store answers, at the version this
    akkoord writes, and no read model is more than `max_lag` events behind the log."""
    try:
        found = chained(engine.app.recorder).store_version()
        if found != STORE_VERSION:
            return f"store version {found}, this akkoord expects {STORE_VERSION}"
        _, lag = lag_by_projection(engine)
    except Exception as e:  # whatever stops the reads stops the node serving
        return f"database: {storage_reason(e)}"
    name, behind = max(lag.items(), key=lambda item: item[1], default=("", 0))
    if behind > max_lag:
        return f"read model {name} is {behind} events behind the log (at most {max_lag})"
    return None


@dataclass(eq=False)  # the registry keys its collectors by identity
class StoreFigures(Collector):
    """The gauges read at each scrape. A store that does not answer is `akkoord_store_up 0`,
    not a failed scrape: the scraper keeps the other figures and the alert has its cause."""

    engine: Engine
    outbox: Outbox
    scheduler: Leading | None

    def describe(self) -> list[Metric]:
        return []  # nothing to read at registration

    def collect(self) -> Iterator[Metric]:
        leader = GaugeMetricFamily(
            "akkoord_scheduler_leader", "1 while this node fires the deadlines, else 0"
        )
        leader.add_metric([], 1.0 if self.scheduler is not None and self.scheduler.leading else 0.0)
        yield leader
        up = GaugeMetricFamily("akkoord_store_up", "1 if the event store answered this scrape")
        try:
            store = list(self._store())
        except Exception as e:
            logs.logger(component="metrics").warning(
                "store figures failed", error=storage_reason(e)
            )
            up.add_metric([], 0.0)
            store = []
        else:
            up.add_metric([], 1.0)
        yield up
        yield from store
        try:
            yield from self._mail()
        except Exception as e:
            logs.logger(component="metrics").warning(
                "outbox figures failed", error=storage_reason(e)
            )

    def _store(self) -> Iterator[Metric]:
        head, lag = lag_by_projection(self.engine)
        events = GaugeMetricFamily("akkoord_log_events", "Events in the log (its highest position)")
        events.add_metric([], float(head))
        yield events
        behind = GaugeMetricFamily(
            "akkoord_readmodel_lag_events",
            "Events in the log a read model has not applied yet",
            labels=["projection"],
        )
        for name, count in sorted(lag.items()):
            behind.add_metric([name], float(count))
        yield behind
        now = datetime.now(UTC)
        with self.engine.views.reading() as conn:
            due = conn.execute(
                select(func.count())
                .select_from(deadlines)
                .where(deadlines.c.state == "pending", deadlines.c.due_at <= time_key(now))
            ).scalar_one()
        pending = GaugeMetricFamily(
            "akkoord_deadlines_due", "Deadlines whose time has come and that have not fired"
        )
        pending.add_metric([], float(due))
        yield pending
        head_signed = transparent(self.engine.app.recorder).latest_head()
        if head_signed is not None:
            signed = datetime.fromisoformat(head_signed.timestamp.replace("Z", "+00:00"))
            age = GaugeMetricFamily(
                "akkoord_signed_head_age_seconds", "Seconds since the newest signed tree head"
            )
            age.add_metric([], max(0.0, (now - signed).total_seconds()))
            yield age

    def _mail(self) -> Iterator[Metric]:
        status = self.outbox.status(recent=0)
        messages = GaugeMetricFamily(
            "akkoord_mail_outbox_messages",
            "Messages in the outbox by state (failed: given up on, to be looked at)",
            labels=["state"],
        )
        for state, count in status.counts.items():
            messages.add_metric([state], float(count))
        yield messages
        if status.oldest_waiting is not None:
            waited = datetime.fromisoformat(status.oldest_waiting.replace("Z", "+00:00"))
            oldest = GaugeMetricFamily(
                "akkoord_mail_oldest_waiting_seconds",
                "Seconds the longest-waiting unsent message has been in the outbox",
            )
            oldest.add_metric([], max(0.0, (datetime.now(UTC) - waited).total_seconds()))
            yield oldest
