"""Several nodes, one PostgreSQL database: three `akkoord serve` processes (each with its own
scheduler) share a store; all 342 members cast, and some re-cast, concurrently through them while
the consultation's deadline passes.

Afterwards, from the log itself: every acknowledged ballot is there exactly once, nothing was
written that was not acknowledged, there is exactly one close (fired by whichever scheduler
led), no ballot is recorded after it, the hash chain verifies, and the tally every node serves
equals a recount from the acknowledged ballots with weights computed here from the CBS file.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from adapters.audit.chain import chained
from adapters.audit.transparency import verify_store
from adapters.auth.tokens import TokenStore
from adapters.bootstrap import build
from adapters.config.settings import Settings
from domain.actor import Actor, Role
from domain.consultation import Consultation
from tests.conftest import shipped_rows
from tests.http.support import bearer
from tests.reliability.support import AKKOORD, ROOT, akkoord, free_port

pytestmark = [
    pytest.mark.postgres_only("three engine processes share one PostgreSQL database"),
    pytest.mark.slow,
]

NODES = 3
THREADS = 18
# First casts take seconds, more on a loaded machine; re-casts run on past the close.
CLOSES_AFTER = timedelta(seconds=45)
RUN_PAST_CLOSE = 3.0
OFFICER = Actor(Role.OFFICER, "multinode")


@dataclass
class Ack:
    member: str
    choice: str
    explanation: str
    sent: float  # when the request left, on the monotonic clock
    answered: float


@dataclass
class Outcome:
    acks: list[Ack] = field(default_factory=list)
    too_late: int = 0
    conflicts: int = 0
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def shared_url() -> str:
    """The suite's server, with a schema of this test's own that all three nodes share."""
    base = os.environ["AKKOORD_DATABASE_URL"]
    schema = f"multinode_{uuid.uuid4().hex[:10]}"
    return make_url(base).update_query_dict({"schema": schema}).render_as_string(False)


@dataclass
class Node:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path


@pytest.fixture
def nodes(tmp_path: Path, shared_url: str) -> Iterator[tuple[list[Node], dict[str, str]]]:
    env = {"AKKOORD_DATABASE_URL": shared_url}
    setup = tmp_path / "setup"
    inited = akkoord("db", "init", "--json", home=setup, env=env)
    assert inited.exit_code == 0, inited.stderr
    loaded = akkoord("members", "load", "--as", "officer:setup", home=setup, env=env)
    assert loaded.exit_code == 0, loaded.stderr

    store = TokenStore(Settings(setup, database_url=shared_url))
    try:
        tokens = {"officer": store.issue(role="officer", name="multinode", issued_by=OFFICER,
                                         reason="test").token}  # fmt: skip
        for row in shipped_rows():
            code = row["code"]
            tokens[code] = store.issue(
                role=f"secretary:{code}", name=f"griffier {code}", issued_by=OFFICER, reason="t"
            ).token
    finally:
        store.close()

    started: list[Node] = []
    try:
        for i in range(NODES):
            home = tmp_path / f"node{i}"
            port = free_port()
            log = tmp_path / f"node{i}.log"
            with log.open("wb") as out:
                proc = subprocess.Popen(
                    [*AKKOORD, "serve", "--port", str(port)],
                    env={**os.environ, **env, "AKKOORD_HOME": str(home)},
                    cwd=ROOT,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started.append(Node(proc, f"http://127.0.0.1:{port}", log))
        for node in started:
            wait_until_up(node, tokens["officer"])
        yield started, tokens
    finally:
        for node in started:
            if node.proc.poll() is None:
                node.proc.send_signal(signal.SIGTERM)
        for node in started:
            try:
                node.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                node.proc.kill()
                node.proc.wait()


def wait_until_up(node: Node, token: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert node.proc.poll() is None, node.log.read_text(errors="replace")
        try:
            r = httpx.get(f"{node.url}/api/me", headers=bearer(token), timeout=5)
        except httpx.TransportError:
            time.sleep(0.05)
            continue
        assert r.status_code == 200, r.text
        return
    raise AssertionError(f"node did not come up: {node.log.read_text(errors='replace')}")


def weights() -> dict[str, int]:
    """One vote per 1,000 inhabitants or part thereof, at most 75: computed here, not by akkoord."""
    return {r["code"]: min(75, math.ceil(int(r["inhabitants"]) / 1000)) for r in shipped_rows()}


def cast(
    clients: list[httpx.Client],
    rng: random.Random,
    cid: str,
    member: str,
    choice: str,
    explanation: str,
    token: str,
    outcome: Outcome,
) -> bool:
    """One ballot through a random node; a conflict is retried as a person would. Returns False
    once the consultation no longer takes ballots."""
    body = {"member": member, "choice": choice, "explanation": explanation}
    for _ in range(50):
        sent = time.monotonic()
        r = rng.choice(clients).post(
            f"/api/consultations/{cid}/ballots", json=body, headers=bearer(token)
        )
        if r.status_code == 200:
            assert r.json()["recorded"] is True, r.text
            with outcome.lock:
                outcome.acks.append(Ack(member, choice, explanation, sent, time.monotonic()))
            return True
        code = r.json().get("error", {}).get("code")
        if r.status_code == 409 and code == "concurrent_change":
            with outcome.lock:
                outcome.conflicts += 1
            continue
        if r.status_code == 409 and code in ("ballot_too_late", "consultation_closed"):
            with outcome.lock:
                outcome.too_late += 1
            return False
        with outcome.lock:
            outcome.failures.append(f"{r.status_code} {r.text}")
        return False
    with outcome.lock:
        outcome.failures.append(f"{member}: 50 conflicts in a row")
    return False


def voter(
    thread: int,
    members: list[str],
    nodes: list[Node],
    tokens: dict[str, str],
    cid: str,
    closes_at: float,
    outcome: Outcome,
) -> None:
    rng = random.Random(thread)
    # An idle connection is given up after 1 s, before uvicorn closes its side of it (5 s): a
    # request sent on a connection the server is closing at that moment is reset, which says
    # nothing about akkoord (seen once on a loaded machine, with a client idle on one node).
    limits = httpx.Limits(keepalive_expiry=1.0)
    clients = [httpx.Client(base_url=n.url, timeout=60, limits=limits) for n in nodes]
    try:
        count = 0
        open_ = True
        for member in members:
            count += 1
            choice = rng.choice(["yes", "yes", "no"])
            explanation = f"{member}#{count}"
            open_ = cast(clients, rng, cid, member, choice, explanation, tokens[member], outcome)
            if not open_:
                return
        while open_ or time.monotonic() < closes_at + RUN_PAST_CLOSE:
            count += 1
            member = rng.choice(members)
            choice = rng.choice(["yes", "no"])
            explanation = f"{member}#{count}"
            open_ = cast(clients, rng, cid, member, choice, explanation, tokens[member], outcome)
            time.sleep(rng.uniform(0.0, 0.05))
    except Exception as e:  # a transport error means an answer was lost: a failure here
        with outcome.lock:
            outcome.failures.append(f"thread {thread}: {e!r}")
    finally:
        for c in clients:
            c.close()


def test_three_nodes_all_members_casting_while_the_deadline_passes(
    nodes: tuple[list[Node], dict[str, str]], shared_url: str, tmp_path: Path
) -> None:
    running, tokens = nodes
    closes = datetime.now(UTC) + CLOSES_AFTER
    closes_mono = time.monotonic() + CLOSES_AFTER.total_seconds()
    opened = httpx.post(
        f"{running[0].url}/api/consultations",
        json={
            "title": "Ledenraadpleging AZWA (drie knooppunten)",
            "question": "Stemt u in met het AZWA?",
            "closes": closes.isoformat(timespec="milliseconds"),
            "tz": "UTC",
            "agreements": ["AZWA"],
            "reason": "multi-node test",
        },
        headers=bearer(tokens["officer"]),
        timeout=30,
    )
    assert opened.status_code == 201, opened.text
    cid = opened.json()["id"]

    members = sorted(weights())
    assert len(members) == 342
    groups = [members[i::THREADS] for i in range(THREADS)]
    outcome = Outcome()
    threads = [
        threading.Thread(
            target=voter, args=(i, groups[i], running, tokens, cid, closes_mono, outcome)
        )
        for i in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert outcome.failures == []
    assert outcome.too_late > 0, "the deadline did not pass while ballots came in"
    first_casts = {a.member for a in outcome.acks}
    assert first_casts == set(members), "every member's first ballot is acknowledged"
    assert len(outcome.acks) > len(members), "some members re-cast"

    # The close is the scheduler's: wait for it to be visible from every node.
    deadline = time.monotonic() + 30
    for node in running:
        while True:
            shown = httpx.get(
                f"{node.url}/api/consultations/{cid}", headers=bearer(tokens["officer"]), timeout=30
            ).json()
            if shown["phase"] == "closed":
                break
            assert time.monotonic() < deadline, shown
            time.sleep(0.2)
    status = akkoord(
        "db", "status", "--json", home=tmp_path / "ops", env={"AKKOORD_DATABASE_URL": shared_url}
    )
    assert status.exit_code == 0, status.stderr
    assert json.loads(status.stdout)["scheduler_leader"] != "none"  # an operator sees who leads
    tallies = [
        httpx.get(
            f"{n.url}/api/consultations/{cid}/tally", headers=bearer(tokens["officer"]), timeout=30
        ).json()
        for n in running
    ]

    # From the log itself.
    with build(Settings(tmp_path / "auditor", database_url=shared_url)) as e:
        e.catch_up()
        mine = [
            e.app.mapper.to_domain_event(n)
            for n in e.app.notifications()
            if str(n.originator_id) == cid
        ]
        ballots = [
            ev for ev in mine if isinstance(ev, Consultation.BallotCast | Consultation.BallotRecast)
        ]
        closes_events = [ev for ev in mine if isinstance(ev, Consultation.Closed)]
        versions = [ev.originator_version for ev in mine]
        verified = verify_store(chained(e.app.recorder))
        read_model = e.views.tally(cid)

    assert len(closes_events) == 1, closes_events
    closed = closes_events[0]
    assert closed.actor == "system:scheduler"
    assert closed.at >= closes
    assert sorted(versions) == list(range(1, len(versions) + 1)), "no gap, no duplicate"

    recorded = [ev.explanation for ev in ballots]
    acknowledged = [a.explanation for a in outcome.acks]
    assert len(recorded) == len(set(recorded)), "no ballot recorded twice"
    assert set(recorded) == set(acknowledged), "every acknowledged ballot, and only those"
    assert all(ev.at < closes for ev in ballots), "no ballot recorded after the deadline"
    assert verified.ok, verified.as_dict()

    # Recount: each member's ballots were sent one after another, so the last acknowledged
    # one is the standing one.
    standing: dict[str, str] = {}
    for ack in sorted(outcome.acks, key=lambda a: a.answered):
        standing[ack.member] = ack.choice
    w = weights()
    expected = {
        "yes_weight": sum(w[m] for m, c in standing.items() if c == "yes"),
        "no_weight": sum(w[m] for m, c in standing.items() if c == "no"),
        "yes_members": sum(1 for c in standing.values() if c == "yes"),
        "no_members": sum(1 for c in standing.values() if c == "no"),
    }
    for tally in tallies:
        assert {k: tally[k] for k in expected} == expected
    assert read_model is not None
    assert {k: getattr(read_model, k) for k in expected} == expected

    leaders = [
        i
        for i in range(NODES)
        if "leading: this node fires" in (tmp_path / f"node{i}" / "akkoord.log").read_text()
    ]
    assert len(leaders) == 1, "one scheduler led; the others stood by"
    print(  # the figures for the closing note (pytest -s)
        f"\nmulti-node: {len(outcome.acks)} ballots acknowledged ({len(members)} first casts), "
        f"{outcome.conflicts} conflicts retried, {outcome.too_late} refused as late, "
        f"{len(mine)} events on the consultation, closed at {closed.at.isoformat()}"
    )
