"""Three `serve` nodes under load while their real PostgreSQL server is stopped (`pg_ctl stop -m
fast`, as an operator restarting it), stays down a while, and is started again: every answer is
a success or a JSON `503 storage_unavailable` with Retry-After (or the documented `409
concurrent_change` of voters racing on one consultation; never a 500, never plain text); every
node serves again by itself, one of them takes the deadline scheduler's lock again, and every
node's tally agrees with the log. The clients retry a 503 with the same Idempotency-Key: every
ballot answered 2xx is in the log exactly once, and so is one whose retry was told its key is in
doubt (committed just before the server went, answer lost); none is there twice. A fourth node
started while the server is down waits for it, saying so, and serves once it is back.

The test owns its server (see pg_cluster.py), so it runs once per CI: in the PostgreSQL half of
the suite. test_postgres_outage_under_load.py cuts TCP relays instead; this is the real thing."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx
import pytest

from adapters.auth.tokens import TokenStore
from adapters.bootstrap import build, init_database
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.store import backend_for
from adapters.store.postgres import PostgresBackend
from domain.actor import Actor, Role
from domain.consultation import Consultation
from tests.http.support import bearer, consultation_body
from tests.reliability.pg_cluster import Cluster, NoClusterError, own_cluster
from tests.reliability.support import AKKOORD, ROOT, free_port
from tests.reliability.test_postgres_outage_under_load import Answers, judge, serving

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres_only("a real PostgreSQL server of the test's own, restarted"),
]

NODES = 3
VOTERS_PER_NODE = 8
DOWN = 10.0  # seconds the server stays down, at least
WAIT = 180  # seconds: generous bounds for a loaded machine, never an assertion about speed
AFTER = 3  # successes each node must give after the restart


@dataclass
class Node:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path  # the console: the startup lines
    home: Path  # akkoord.log, the structured log, is in there

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def structured(self) -> str:
        try:
            return (self.home / "akkoord.log").read_text(errors="replace")
        except FileNotFoundError:
            return ""


@dataclass
class Load:
    """One client per node, casting ballots until told to stop; each ballot carries an
    explanation of its own, so the log says which answered ballots it holds, and how often."""

    answers: Answers = field(default_factory=Answers)
    accepted: list[str] = field(default_factory=list)  # answered 2xx
    doubted: list[str] = field(default_factory=list)  # answered 503, then in doubt on the retry
    refused: list[str] = field(default_factory=list)  # answered 409 concurrent_change at last
    retried: int = 0  # how many ballots were answered 503 at least once: for the record
    longest: tuple[float, int] = (0.0, 0)  # the slowest answer, and its status: for the record


def in_doubt(response: httpx.Response) -> bool:
    if response.status_code != 409:
        return False
    try:
        return bool(response.json()["error"]["code"] == "idempotency_key_in_doubt")
    except (ValueError, KeyError, TypeError):
        return False


def cast_until_stopped(
    node: Node,
    load: Load,
    path: str,
    voters: tuple[str, ...],
    tokens: dict[str, str],
    stopping: threading.Event,
    abandon: threading.Event,
) -> None:
    """Ballots for these voters, one after another, as a careful client casts them: each with an
    Idempotency-Key, a 503 retried with the same key until it is answered otherwise.

    A ballot whose events were committed just before the database went (its answer, or the
    read models' catch-up after it, failed) was answered 503; its retry is then told the key is
    in doubt (409 `idempotency_key_in_doubt`, naming the log position) rather than run twice.
    That answer is accepted only on a retry after a 503, and the log must hold that ballot once.
    """
    n = 0
    with httpx.Client(base_url=node.url, timeout=120) as http:
        while not stopping.is_set():
            code = voters[n % len(voters)]
            why = f"{node.url[-5:]}-{n}-{uuid.uuid4().hex[:8]}"  # the explanation, and the key
            body = {"member": code, "choice": ("yes", "no")[n % 2], "explanation": why}
            headers = {**bearer(tokens[code]), "Idempotency-Key": why}
            n += 1
            unavailable = False
            while not abandon.is_set():  # the test failed: retry no more
                sent = time.monotonic()
                try:
                    r = http.post(path, json=body, headers=headers)
                except httpx.TransportError as e:
                    with load.answers.lock:
                        load.answers.wrong.append(f"no answer: {e!r}")
                    return
                load.longest = max(load.longest, (time.monotonic() - sent, r.status_code))
                if unavailable and in_doubt(r):
                    break
                judge(load.answers, r)
                if r.status_code != 503:
                    break
                if not unavailable:
                    load.retried += 1
                unavailable = True
                time.sleep(0.1)  # a client told to come back does not hammer
            if abandon.is_set():
                return
            with load.answers.lock:
                if r.is_success:
                    load.accepted.append(why)
                elif in_doubt(r):
                    load.doubted.append(why)
                elif r.status_code == 409:
                    load.refused.append(why)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    with contextlib.ExitStack() as stack:
        try:
            made = stack.enter_context(own_cluster())
        except NoClusterError as e:
            pytest.skip(f"cannot run a PostgreSQL server of the test's own: {e}")
        yield made


def prepare_store(url: str, setup: Path) -> dict[str, str]:
    """akkoord's tables, the members, and tokens: the officer and a few secretaries."""
    direct = Settings(setup, database_url=url)
    backend = backend_for(direct)
    assert isinstance(backend, PostgresBackend)
    init_database(backend)
    facts = read_members_csv(shipped_members_path())
    officer = Actor(Role.OFFICER, "setup")
    with build(direct) as e:
        e.app.members.load_members(facts, actor=officer, reason="CBS")
        e.catch_up()
    tokens = TokenStore(direct)
    try:
        issued = {"officer": tokens.issue(role="officer", name="o", issued_by=officer, reason="t")}
        for fact in facts[: NODES * VOTERS_PER_NODE]:
            issued[fact.code] = tokens.issue(
                role=f"secretary:{fact.code}", name=fact.code, issued_by=officer, reason="t"
            )
    finally:
        tokens.close()
    return {k: v.token for k, v in issued.items()}


def start_node(tmp_path: Path, url: str, i: int) -> Node:
    port = free_port()
    log, home = tmp_path / f"node{i}.log", tmp_path / f"n{i}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*AKKOORD, "serve", "--port", str(port)],
            # The product's own connection settings: no shortened timeouts.
            env={
                **os.environ,
                "AKKOORD_DATABASE_URL": url,
                "AKKOORD_HOME": str(home),
            },
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Node(proc, f"http://127.0.0.1:{port}", log, home)


def stop_nodes(nodes: list[Node]) -> None:
    for node in nodes:
        if node.proc.poll() is None:
            node.proc.send_signal(signal.SIGTERM)
    for node in nodes:
        try:
            node.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            node.proc.kill()
            node.proc.wait()


def leaderships(nodes: list[Node]) -> int:
    """How often a node took the deadline scheduler's lock (a session advisory lock: the
    server's restart ends the session, and the lock with it)."""
    return sum(n.structured().count("leading: this node fires the deadlines") for n in nodes)


def standing_ballots(events: Iterable[object]) -> Counter[str]:
    """Each member's last choice, counted per choice."""
    standing: dict[str, str] = {}
    for event in events:
        if isinstance(event, Consultation.BallotCast | Consultation.BallotRecast):
            standing[event.member] = event.choice
    return Counter(standing.values())


def tally_is(node: Node, cid: str, token: str, standing: Counter[str]) -> bool:
    r = httpx.get(f"{node.url}/api/consultations/{cid}/tally", headers=bearer(token), timeout=60)
    assert r.status_code == 200, r.text
    tally = r.json()
    return (tally["yes_members"], tally["no_members"]) == (standing["yes"], standing["no"])


def successes(answers: Answers, count: int) -> Callable[[], bool]:
    """Whether the node has answered `count` successes, or something wrong (reported later)."""
    return lambda: answers.ok >= count or bool(answers.wrong)


def wait_until(
    what: str, condition: Callable[[], bool], nodes: list[Node], cluster: Cluster
) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        for node in nodes:
            assert node.proc.poll() is None, f"a node exited ({what}):\n{node.text()[-3000:]}"
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {n.url}\n{n.text()[-2000:]}" for n in nodes)
            raise AssertionError(f"{what}: not within {WAIT} s\n{logs}\n{cluster.server_log()}")
        time.sleep(0.05)


def test_nodes_under_load_ride_out_a_real_server_restart(tmp_path: Path, cluster: Cluster) -> None:
    tokens = prepare_store(cluster.url, tmp_path / "setup")
    officer = bearer(tokens["officer"])
    nodes = [start_node(tmp_path, cluster.url, i) for i in range(NODES)]
    late: list[Node] = []
    stopping, abandon = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []
    try:
        for node in nodes:
            wait_until("node up", partial(serving, node, tokens["officer"]), nodes, cluster)
        opened = httpx.post(
            f"{nodes[0].url}/api/consultations",
            json=consultation_body(),
            headers=officer,
            timeout=60,
        )
        assert opened.status_code == 201, opened.text
        cid = opened.json()["id"]
        voters = [code for code in tokens if code != "officer"]
        loads = [Load() for _ in nodes]

        threads = [
            threading.Thread(
                target=cast_until_stopped,
                args=(
                    node,
                    load,
                    f"/api/consultations/{cid}/ballots",
                    mine,
                    tokens,
                    stopping,
                    abandon,
                ),
                daemon=True,
            )
            for node, load, mine in zip(
                nodes,
                loads,
                (
                    tuple(voters[i : i + VOTERS_PER_NODE])
                    for i in range(0, len(voters), VOTERS_PER_NODE)
                ),
                strict=True,
            )
        ]
        for t in threads:
            t.start()
        for load in loads:  # under way before the server goes
            wait_until("first ballots", successes(load.answers, 3), nodes, cluster)
        wait_until("a leader", lambda: leaderships(nodes) >= 1, nodes, cluster)
        led = leaderships(nodes)

        cluster.stop()
        down_since = time.monotonic()
        # A node started now waits for the server, saying so, instead of exiting.
        late.append(start_node(tmp_path, cluster.url, NODES))
        wait_until(
            "the late node waiting",
            lambda: late[0].text().count("waiting for the database") >= 2,
            late,
            cluster,
        )
        assert not serving(late[0], tokens["officer"])
        remaining = DOWN - (time.monotonic() - down_since)
        if remaining > 0:
            time.sleep(remaining)  # the load goes on against a server that is not there
        seen_down = [load.answers.unavailable for load in loads]
        cluster.start()

        ok_at_restart = [load.answers.ok for load in loads]
        for load, before in zip(loads, ok_at_restart, strict=True):
            wait_until(
                "successes after the restart",
                successes(load.answers, before + AFTER),
                nodes,
                cluster,
            )
        wait_until(
            "the late node serving", lambda: serving(late[0], tokens["officer"]), late, cluster
        )
        # Some node takes the scheduler's lock again: the deadlines keep firing.
        wait_until("a leader again", lambda: leaderships(nodes + late) > led, nodes, cluster)
        stopping.set()
        for t in threads:
            t.join(timeout=WAIT)
            assert not t.is_alive()

        for node, load in zip(nodes, loads, strict=True):
            assert load.answers.wrong == [], (load.answers.wrong, node.text()[-3000:])
            assert node.proc.poll() is None  # no node exited
            assert serving(node, tokens["officer"])  # each serves again, without a restart

        # Every ballot answered 2xx is in the log, once; none is in it twice.
        with build(Settings(tmp_path / "check", database_url=cluster.url)) as e:
            events = list(e.app.events.get(uuid.UUID(cid)))
        logged = Counter(getattr(event, "explanation", None) for event in events)
        accepted = [why for load in loads for why in load.accepted]
        assert [why for why in accepted if logged[why] != 1] == []
        # A ballot in doubt was recorded, once; one refused as a concurrent change was not.
        doubted = [why for load in loads for why in load.doubted]
        assert [why for why in doubted if logged[why] != 1] == []
        assert [why for load in loads for why in load.refused if logged[why]] == []
        assert [why for why, count in logged.items() if why is not None and count > 1] == []

        # And the read models caught up through the restart: every node's tally is the log's.
        standing = standing_ballots(events)
        for node in nodes + late:
            wait_until(
                "the tally agreeing with the log",
                partial(tally_is, node, cid, tokens["officer"], standing),
                nodes + late,
                cluster,
            )
        ok, unavailable = [a.answers.ok for a in loads], [a.answers.unavailable for a in loads]
        print(
            f"answers: ok={ok} 503={unavailable} (by the restart {seen_down})"
            f" retried={[a.retried for a in loads]} in doubt={[len(a.doubted) for a in loads]}"
            f" slowest={[a.longest for a in loads]}"
        )  # for -s runs
    finally:
        stopping.set()
        abandon.set()
        for t in threads:
            t.join(timeout=WAIT)
        stop_nodes(nodes + late)
