"""Synthetic event logs of any length, written fast and decodable by the real projections.

Every event comes from the real domain (the aggregates' own command methods), is encoded by the
application's own mapper and stored by its own recorder (with the audit chain), through the
library's batched save: thousands of events per transaction instead of one command each.

The log looks like years of the association's life: the 342 municipalities, four agreements
with ten signing parties each, then round after round of ledenraadplegingen (300 ballots, a few
re-cast, a closing-soon reminder, the close), and between the ballots, every 15th event, a
party's status in an agreement changes (suspended, resumed, ...). So the status history grows
with the log (about 6% of it) while the set of agreements and parties stays the same, which is
what "as-of must not grow with the log" is about.

The workflows are not run over the synthetic history (a reaction costs a command, and a
million-event log would take hours): the log is written as a store looks whose workflows have
seen every event and had nothing to do, its workflows' tracked position set to its head through
the library's recorder. What the read models make of the log is then up to the rebuild.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from eventsourcing.persistence import Tracking

from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.store import backend_for
from domain.agreement import Agreement, PartyStatus
from domain.consultation import Choice, Consultation, build_electorate
from domain.member import Member, MemberFacts
from domain.weights import WeightRule
from workflows.governance import Governance

AGREEMENTS = ("IZA", "AZWA", "HLO", "GALA")
PARTIES = tuple(f"Partij {i:02d}" for i in range(1, 11))
BALLOTS_PER_ROUND = 300
RECAST_EVERY = 20
STATUS_EVERY = 15
STEP = timedelta(minutes=1)
START = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
ACTOR = "officer:bench"
BATCH = 5000
INFO_FILE = "log.json"


@dataclass(frozen=True)
class LogInfo:
    """What was written: how many events, and the span of their effective times."""

    events: int
    first_at: str
    last_at: str
    status_changes: int

    def save(self, directory: Path) -> None:
        (directory / INFO_FILE).write_text(json.dumps(asdict(self)), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LogInfo:
        data: dict[str, Any] = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))
        return cls(**data)


def synthetic_facts(count: int, year: int = 2024) -> list[MemberFacts]:
    """`count` made-up municipalities (GM0000.., at most 10,000) with plausible populations."""
    if count > 10_000:
        raise ValueError("member codes are GM0000..GM9999: at most 10,000 members")
    rng = random.Random(count)
    provinces = sorted({f.province for f in read_members_csv(shipped_members_path())})
    return [
        MemberFacts(
            code=f"GM{i:04d}",
            name=f"Gemeente {i:04d}",
            province=provinces[i % len(provinces)],
            year=year,
            inhabitants=int(rng.lognormvariate(10.3, 0.8)) + 900,
        )
        for i in range(count)
    ]


class _Clock:
    def __init__(self) -> None:
        self.now = START

    def tick(self) -> datetime:
        self.now += STEP
        return self.now


def domain_events(seed: int = 8) -> Iterator[Any]:
    """An endless, time-ordered stream of new domain events (see the module's docstring)."""
    rng = random.Random(seed)
    clock = _Clock()
    facts = read_members_csv(shipped_members_path())
    for fact in facts:
        yield from Member.register(fact, actor=ACTOR, reason="bench", at=clock.now).collect_events()
    electorate = build_electorate(
        [(f.code, f.name, f.province, f.inhabitants) for f in facts], WeightRule.CEIL
    )
    codes = sorted(electorate)
    agreements: dict[str, Agreement] = {}
    for code in AGREEMENTS:
        agreement = Agreement.register(
            code=code,
            name=code,
            full_name=f"Synthetic agreement {code}",
            term="2020-2030",
            signing_parties=list(PARTIES),
            involved_parties=[],
            relations=[],
            actor=ACTOR,
            reason="bench",
            at=clock.tick(),
        )
        agreements[code] = agreement
        yield from agreement.collect_events()
    pairs = [(a, p) for a in AGREEMENTS for p in PARTIES]
    changes = 0
    round_number = 0
    while True:
        round_number += 1
        opens = clock.tick()
        closes = opens + STEP * (BALLOTS_PER_ROUND * 2)
        consultation = Consultation.open(
            title=f"Synthetic ledenraadpleging {round_number}",
            question="Stemt u in?",
            agreements=[AGREEMENTS[round_number % len(AGREEMENTS)]],
            opens_at=opens,
            closes_at=closes,
            timezone="Europe/Amsterdam",
            weight_rule=WeightRule.CEIL,
            population_year=2024,
            electorate=electorate,
            actor=ACTOR,
            reason="bench",
            at=opens,
        )
        yield from consultation.collect_events()
        voters = rng.sample(codes, BALLOTS_PER_ROUND)
        for n, code in enumerate(voters, start=1):
            choice = Choice.YES if rng.random() < 0.9 else Choice.NO
            consultation.cast(
                member=code,
                choice=choice,
                explanation="",
                actor=f"secretary:{code}",
                at=clock.tick(),
            )
            yield from consultation.collect_events()
            if n % RECAST_EVERY == 0:
                again = voters[n - RECAST_EVERY // 2]
                standing = consultation.ballots[again]["choice"]
                flipped = Choice.NO if standing == Choice.YES.value else Choice.YES
                consultation.cast(
                    member=again,
                    choice=flipped,
                    explanation="changed its mind",
                    actor=f"secretary:{again}",
                    at=clock.tick(),
                )
                yield from consultation.collect_events()
            if n % STATUS_EVERY == 0:
                code_, party = pairs[changes % len(pairs)]
                agreement = agreements[code_]
                current = agreement.status_of(party)
                status = (
                    PartyStatus.RESUMED
                    if current is PartyStatus.SUSPENDED
                    else PartyStatus.SUSPENDED
                )
                agreement.change_status(
                    party, status, actor=ACTOR, reason="bench", at=clock.tick(), detail=""
                )
                changes += 1
                yield from agreement.collect_events()
        consultation.notify_closing_soon(actor="system:scheduler", at=clock.tick())
        yield from consultation.collect_events()
        consultation.close(actor="system:scheduler", reason="", at=closes)
        yield from consultation.collect_events()
        clock.now = closes


def write_log(
    directory: Path,
    events: int,
    *,
    seed: int = 8,
    batch: int = BATCH,
    database_url: str | None = None,
) -> LogInfo:
    """Write the first `events` events of the synthetic stream into a new store in `directory`
    (or the schema `database_url` names), and mark them as seen by the workflows."""
    directory.mkdir(parents=True, exist_ok=True)
    settings = Settings(directory, database_url=database_url)
    # A new store as `db init` (or a first command) makes it: tables, and the store's version
    # marked while it is empty (a store holding events without a mark needs `db upgrade`).
    build(settings, create=True).close()
    app = Governance(env=backend_for(settings).event_store_env())
    first_at = last_at = ""
    changes = 0
    try:
        stream = islice(domain_events(seed), events)
        while True:
            chunk = list(islice(stream, batch))
            if not chunk:
                break
            app.save(*chunk)
            first_at = first_at or chunk[0].at.isoformat()
            last_at = chunk[-1].at.isoformat()
            changes += sum(isinstance(e, Agreement.PartyStatusChanged) for e in chunk)
        written = app.head()
        app.recorder.insert_events([], tracking=Tracking(app.name, written))
    finally:
        app.close()
    info = LogInfo(events=written, first_at=first_at, last_at=last_at, status_changes=changes)
    info.save(directory)
    return info
