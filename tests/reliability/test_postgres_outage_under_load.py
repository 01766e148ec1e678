"""Three `serve` nodes under load while their database goes away for a while and comes back:
every answer is a success or a JSON `503 storage_unavailable` with Retry-After (or the
documented `409 concurrent_change` of voters racing on one consultation; never a 500, never
plain text), and every node serves again by itself. A node started while its database is
unreachable waits for it, saying so, and serves once it is there.

Each node reaches PostgreSQL through a TCP relay owned by the test (see
test_postgres_outage.py): cutting the relays is what the nodes see when the server restarts.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from adapters.auth.tokens import TokenStore
from adapters.bootstrap import build, init_database
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.store import backend_for
from adapters.store.postgres import PostgresBackend
from domain.actor import Actor, Role
from tests.http.support import bearer, consultation_body
from tests.reliability.support import AKKOORD, ROOT, free_port
from tests.reliability.test_postgres_outage import Relay as OpenRelay

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres_only("nodes losing their PostgreSQL server under load"),
]

NODES = 3
VOTERS_PER_NODE = 8
REQUESTS_PER_NODE = 80
WAIT = 120  # seconds: generous bounds for a loaded machine, never an assertion about speed
FAST = {"GOVERNANCE_POSTGRES_CONNECT_TIMEOUT": "1"}  # the library's per-try connect timeout


class Relay(OpenRelay):
    """The outage test's relay, whose cut also stops the listener at once: on Linux, closing a
    socket that another thread waits in accept() on leaves it accepting."""

    def cut(self) -> None:
        listener = self._listener
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
        super().cut()


@dataclass
class Node:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path
    relay: Relay


@dataclass
class Answers:
    ok: int = 0
    unavailable: int = 0
    conflicts: int = 0
    wrong: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@pytest.fixture
def store(tmp_path: Path) -> tuple[str, dict[str, str]]:
    """A store with the members loaded, and tokens: the officer and a few secretaries."""
    url = make_url(os.environ["AKKOORD_DATABASE_URL"]).update_query_dict(
        {"schema": f"load_{uuid.uuid4().hex[:10]}"}
    )
    direct = Settings(tmp_path / "setup", database_url=url.render_as_string(False))
    backend = backend_for(direct)
    assert isinstance(backend, PostgresBackend)
    init_database(backend)
    facts = read_members_csv(shipped_members_path())
    with build(direct) as e:
        e.app.members.load_members(facts, actor=Actor(Role.OFFICER, "setup"), reason="CBS")
        e.catch_up()
    tokens = TokenStore(direct)
    officer = Actor(Role.OFFICER, "setup")
    try:
        issued = {"officer": tokens.issue(role="officer", name="o", issued_by=officer, reason="t")}
        for fact in facts[: NODES * VOTERS_PER_NODE]:
            issued[fact.code] = tokens.issue(
                role=f"secretary:{fact.code}", name=fact.code, issued_by=officer, reason="t"
            )
    finally:
        tokens.close()
    return url.render_as_string(False), {k: v.token for k, v in issued.items()}


def start_node(tmp_path: Path, url: str, i: int, *, database_away: bool = False) -> Node:
    parsed = make_url(url)
    relay = Relay((parsed.host or "127.0.0.1", int(parsed.port or 5432)))
    if database_away:
        relay.cut()
    through = parsed.set(host="127.0.0.1", port=relay.port).render_as_string(False)
    port = free_port()
    log = tmp_path / f"node{i}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*AKKOORD, "serve", "--port", str(port)],
            env={
                **os.environ,
                **FAST,
                "AKKOORD_DATABASE_URL": through,
                "AKKOORD_HOME": str(tmp_path / f"node{i}"),
            },
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Node(proc, f"http://127.0.0.1:{port}", log, relay)


def stop(nodes: list[Node]) -> None:
    for node in nodes:
        if node.proc.poll() is None:
            node.proc.send_signal(signal.SIGTERM)
    for node in nodes:
        try:
            node.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            node.proc.kill()
            node.proc.wait()
        node.relay.cut()


def serving(node: Node, token: str) -> bool:
    try:
        r = httpx.get(f"{node.url}/api/me", headers=bearer(token), timeout=30)
    except httpx.TransportError:
        return False
    return r.status_code == 200


def wait_until(what: str, condition: object, node: Node) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        assert node.proc.poll() is None, node.log.read_text(errors="replace")
        assert time.monotonic() < deadline, f"{what}: {node.log.read_text(errors='replace')}"
        time.sleep(0.05)


@pytest.fixture
def nodes(tmp_path: Path, store: tuple[str, dict[str, str]]) -> Iterator[list[Node]]:
    url, tokens = store
    started = [start_node(tmp_path, url, i) for i in range(NODES)]
    try:
        for node in started:
            wait_until("node up", lambda n=node: serving(n, tokens["officer"]), node)
        yield started
    finally:
        stop(started)


def judge(answers: Answers, response: httpx.Response) -> None:
    """A success, or the one JSON 503 a client can act on; anything else is recorded."""
    with answers.lock:
        if response.status_code == 200:
            answers.ok += 1
            return
        try:
            error = response.json()["error"]
        except ValueError:
            answers.wrong.append(f"{response.status_code} not JSON: {response.text[:200]}")
            return
        if (
            response.status_code == 503
            and error["code"] == "storage_unavailable"
            and int(response.headers.get("Retry-After", "0")) > 0
        ):
            answers.unavailable += 1
        elif response.status_code == 409 and error["code"] == "concurrent_change":
            answers.conflicts += 1  # many voters on one consultation: documented, and JSON
        else:
            answers.wrong.append(f"{response.status_code} {error}")


def test_nodes_under_load_answer_503_while_the_database_is_away_and_recover(
    nodes: list[Node], store: tuple[str, dict[str, str]]
) -> None:
    _, tokens = store
    officer = bearer(tokens["officer"])
    opened = httpx.post(
        f"{nodes[0].url}/api/consultations", json=consultation_body(), headers=officer, timeout=60
    )
    assert opened.status_code == 201, opened.text
    cid = opened.json()["id"]
    voters = [code for code in tokens if code != "officer"]
    answers = [Answers() for _ in nodes]

    def client(i: int) -> None:
        node, mine = nodes[i], voters[i * VOTERS_PER_NODE : (i + 1) * VOTERS_PER_NODE]
        with httpx.Client(base_url=node.url, timeout=120) as http:
            for n in range(REQUESTS_PER_NODE):
                code = mine[n % len(mine)]
                body = {"member": code, "choice": "yes" if (n // len(mine)) % 2 else "no"}
                try:
                    r = http.post(
                        f"/api/consultations/{cid}/ballots", json=body, headers=bearer(tokens[code])
                    )
                except httpx.TransportError as e:
                    with answers[i].lock:
                        answers[i].wrong.append(f"no answer: {e!r}")
                    continue
                judge(answers[i], r)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(NODES)]
    for t in threads:
        t.start()
    for node, a in zip(nodes, answers, strict=True):  # under way before the outage
        wait_until("first ballots", lambda a=a: a.ok >= 3 or a.wrong, node)
    for node in nodes:
        node.relay.cut()
    for node, a in zip(nodes, answers, strict=True):  # every node has felt the outage
        wait_until("a 503", lambda a=a: a.unavailable >= 1 or a.wrong, node)
    for node in nodes:
        node.relay.restore()
    for t in threads:
        t.join(timeout=WAIT * 3)
        assert not t.is_alive()

    for node, a in zip(nodes, answers, strict=True):
        assert a.wrong == [], (a.wrong, node.log.read_text(errors="replace")[-3000:])
        assert a.unavailable >= 1 and a.ok >= 3
        assert node.proc.poll() is None  # no node exited
        assert serving(node, tokens["officer"])  # and each serves again, without a restart
    tally = httpx.get(f"{nodes[1].url}/api/consultations/{cid}/tally", headers=officer, timeout=60)
    assert tally.status_code == 200, tally.text


def test_a_node_started_while_its_database_is_away_waits_for_it(
    tmp_path: Path, store: tuple[str, dict[str, str]]
) -> None:
    url, tokens = store
    node = start_node(tmp_path, url, 0, database_away=True)
    try:
        wait_until(
            "the waiting line",
            lambda: node.log.read_text(errors="replace").count("waiting for the database") >= 2,
            node,
        )
        assert not serving(node, tokens["officer"])
        node.relay.restore()
        wait_until("serving", lambda: serving(node, tokens["officer"]), node)
    finally:
        stop([node])
