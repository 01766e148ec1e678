"""HTTP: cast-ballot requests per second and their median latency, at 1 and at 8 clients.

Two real servers run side by side in this run: `akkoord serve` (its API, bearer tokens, the
write lock, catch-up, the ballot's receipt in the answer; the scheduler off, so only the casts
are measured) and `bare_server` (the bare library behind one FastAPI route under uvicorn, its
store configured like akkoord's). Clients are threads with a kept-alive connection each (the
standard library's `http.client`: `akkoord bench` needs no HTTP client package), every client
casting for members of its own, each cast the other choice than last time (one event each).
The two servers take turns, round after round, at each number of clients.
"""

from __future__ import annotations

import http.client
import json
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from adapters.auth.tokens import TokenStore
from adapters.benchmarks.commands import OFFICER, in_turn
from adapters.benchmarks.figures import Config, Figure, Target, sampled
from adapters.benchmarks.subjects import (
    Alternating,
    Subjects,
    akkoord_command,
    child_env,
    free_port,
    prepare,
    tail,
)

RATE_TARGET = Target.ratio_at_least(0.6)
MEMBERS_PER_CLIENT = 4
START_TIMEOUT = 120  # seconds for a server to answer, on a loaded machine; a bound, not a measure
REQUEST_TIMEOUT = 60.0
BARE = "the bare library behind a bare FastAPI route (uvicorn, one write at a time): get + one "
BARE += "event + save"


class ServerError(RuntimeError):
    pass


@dataclass
class Server:
    """One running server and how to cast through it."""

    name: str
    proc: subprocess.Popen[bytes]
    url: str
    log: Path
    path: str  # the cast's path
    tokens: dict[str, str]  # member -> bearer token ({} where none is asked for)
    ready_path: str

    def headers(self, member: str) -> dict[str, str]:
        token = self.tokens.get(member)
        return {"authorization": f"Bearer {token}"} if token else {}

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        any_member = next(iter(self.tokens), "")
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(f"{self.name} exited ({self.proc.returncode}): {tail(self.log)}")
            try:
                with connection(self.url, timeout=5) as http:
                    status, text = request(http, "GET", self.ready_path, self.headers(any_member))
            except OSError:
                time.sleep(0.1)
                continue
            if status != 200:
                raise ServerError(f"{self.name} answered {status}: {text}")
            return
        raise ServerError(f"{self.name} did not answer within {START_TIMEOUT} s: {tail(self.log)}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


@contextmanager
def servers(directory: Path, subjects: Subjects, members: list[str]) -> Iterator[list[Server]]:
    tokens = TokenStore(subjects.akkoord)
    try:
        issued = {
            code: tokens.issue(
                role=f"secretary:{code}", name=f"bench {code}", issued_by=OFFICER, reason="bench"
            ).token
            for code in members
        }
    finally:
        tokens.close()
    started: list[Server] = []
    try:
        port = free_port()
        log = directory / "akkoord-serve.log"
        command = [*akkoord_command(), "serve", "--port", str(port), "--no-scheduler"]
        command += ["--data-dir", str(subjects.akkoord.data_dir)]
        started.append(
            Server(
                "akkoord serve",
                _start(command, child_env(), log),
                f"http://127.0.0.1:{port}",
                log,
                f"/api/consultations/{subjects.consultation}/ballots",
                issued,
                "/api/me",
            )
        )
        port = free_port()
        log = directory / "bare-server.log"
        command = [sys.executable, "-m", "uvicorn", "adapters.benchmarks.bare_server:app"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
        command += ["--log-level", "warning"]
        started.append(
            Server(
                "bare server",
                _start(command, child_env(**subjects.bare_env), log),
                f"http://127.0.0.1:{port}",
                log,
                f"/polls/{subjects.poll}/ballots",
                {},
                "/health",
            )
        )
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.stop()


http_client_errors = http.client.HTTPException


@contextmanager
def connection(url: str, timeout: float) -> Iterator[http.client.HTTPConnection]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        yield conn
    finally:
        conn.close()


def request(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: dict[str, str],
    body: dict[str, Any] | None = None,
) -> tuple[int, str]:
    """One request on a kept-alive connection: (status, body text)."""
    data = None if body is None else json.dumps(body).encode()
    sent = dict(headers)
    if data is not None:
        sent["content-type"] = "application/json"
    conn.request(method, path, body=data, headers=sent)
    answer = conn.getresponse()
    return answer.status, answer.read().decode("utf-8", "replace")


class Load:
    """Casts through one server from `clients` threads; keeps each member's last choice."""

    def __init__(self, server: Server, members: list[str], clients: int) -> None:
        self.server = server
        self.clients = clients
        self.groups = [members[i::clients] for i in range(clients)]
        self.choices = [Alternating() for _ in range(clients)]

    def run(self, requests: int) -> tuple[float, list[float]]:
        """`requests` casts in all; (requests per second, each request's latency in ms)."""
        shares = [
            requests // self.clients + (i < requests % self.clients) for i in range(self.clients)
        ]
        latencies: list[list[float]] = [[] for _ in range(self.clients)]
        failures: list[str] = []
        gate = threading.Barrier(self.clients + 1)

        def client(i: int) -> None:
            group, choices = self.groups[i], self.choices[i]
            with connection(self.server.url, timeout=REQUEST_TIMEOUT) as http:
                gate.wait()
                for n in range(shares[i]):
                    member = group[n % len(group)]
                    body = {"member": member, "choice": choices.next(member)}
                    started = time.perf_counter()
                    try:
                        status, text = request(
                            http, "POST", self.server.path, self.server.headers(member), body
                        )
                    except (OSError, http_client_errors) as e:
                        failures.append(f"{type(e).__name__}: {e}")
                        return
                    latencies[i].append((time.perf_counter() - started) * 1000)
                    if status != 200:
                        failures.append(f"{status} {text[:200]}")
                        return

        threads = [threading.Thread(target=client, args=(i,)) for i in range(self.clients)]
        for thread in threads:
            thread.start()
        gate.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        if failures:
            raise ServerError(f"{self.server.name}: a cast failed: {failures[0]}")
        done = [ms for per_client in latencies for ms in per_client]
        return len(done) / seconds, done


def http_figures(directory: Path, config: Config) -> list[Figure]:
    directory.mkdir(parents=True, exist_ok=True)
    subjects = prepare(directory, config.prefill_ballots)
    members = subjects.codes[: MEMBERS_PER_CLIENT * max(config.http_clients)]
    figures: list[Figure] = []
    with servers(directory, subjects, members) as (akkoord, bare):
        for clients in config.http_clients:
            figures += _at(
                clients, Load(akkoord, members, clients), Load(bare, members, clients), config
            )
    return figures


def _at(clients: int, akkoord: Load, bare: Load, config: Config) -> list[Figure]:
    for load in (akkoord, bare):  # warm-up: connections, imports, caches
        load.run(max(clients, 2))
    p50s: dict[str, list[float]] = {"akkoord": [], "bare": []}

    def measure(load: Load, name: str) -> Callable[[], float]:
        def one_round() -> float:
            rate, latencies = load.run(config.http_requests)
            p50s[name].append(statistics.median(latencies))
            return rate

        return one_round

    rates, bare_rates = in_turn(config.rounds, measure(akkoord, "akkoord"), measure(bare, "bare"))
    what = (
        f"`akkoord serve`: POST a ballot (token, write lock, catch-up, receipt), "
        f"{clients} client(s), {config.http_requests} requests per round"
    )
    return [
        sampled(
            f"http.cast@{clients}",
            rates,
            "req/s",
            bare_rates,
            target=RATE_TARGET,
            what=what,
            baseline_what=BARE,
        ),
        sampled(
            f"http.cast_p50@{clients}",
            p50s["akkoord"],
            "ms",
            p50s["bare"],
            what=f"median latency of the same requests ({clients} client(s))",
            baseline_what=BARE,
        ),
    ]
