"""Crash consistency: the real server, killed with SIGKILL at random moments as commands stream in.

The harness runs `akkoord serve` as a subprocess on a real store and streams commands at it over
HTTP from several threads: secretaries of different municipalities casting and re-casting
ballots in many consultations, and an officer and the board taking every step of a ratification
story (agreement, conditional signature, suspending resolution, consultation, ratification, early
close, the board's decision), whose workflow reactions run inside the server. A supervisor thread
kills the server with SIGKILL after seeded random intervals and starts it again at once.

A command is acknowledged when the harness received a 2xx answer. A command whose answer was lost
is sent again after the restart (ballots and closes are idempotent; a create is looked up first,
so it is never made twice). At the end, straight from the SQLite file and through the engine:

- every ballot command is in the log exactly once, in the order it was sent, and nothing else is;
- no (aggregate, version) twice, no gap in an aggregate's versions, no event without its hash
  chain entry at the same position (nor an entry without its event), `audit verify` says OK;
- the read models equal a rebuild from the log, and every tally equals a recount from the log and
  the harness's own record of the last ballot of every member;
- every workflow reaction happened exactly once, with its step recorded beside its effect.

The number of commands is AKKOORD_CRASH_COMMANDS (default below), the seed AKKOORD_CRASH_SEED,
the kill interval AKKOORD_CRASH_KILL_EVERY ("MIN,MAX" seconds of uptime).
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

from adapters.bootstrap import build
from adapters.config.settings import Settings
from domain.agreement import agreement_id
from tests.conftest import BACKEND
from tests.e2e.cli import Cli
from tests.reliability.support import AKKOORD, ROOT, akkoord, free_port
from tests.stores import RawStore
from workflows.process_managers import TOPICS

pytestmark = pytest.mark.slow
logging.getLogger("httpx").setLevel(logging.WARNING)

# Set 10000 for the full run of issue 9. The kills come after 1-4 s of uptime: a server that
# casts 130 commands a second (the 2-core machine, bytecode cached) dies every few hundred
# commands, as it did at 56 a second with 2-8 s; with 2-8 s it now ran 2,000 through one kill.
COMMANDS = int(os.environ.get("AKKOORD_CRASH_COMMANDS", "2000"))
SEED = int(os.environ.get("AKKOORD_CRASH_SEED", "20251022"))
KILL_EVERY = tuple(float(x) for x in os.environ.get("AKKOORD_CRASH_KILL_EVERY", "1,4").split(","))
BALLOT_THREADS = 3
SECRETARIES_PER_THREAD = 6
BALLOTS_PER_CONSULTATION = 150  # keeps each consultation's event stream short to replay
COMMANDS_PER_CHAIN = 11
CHAIN_EVERY = 400  # one ratification story per this many commands
REQUEST_TIMEOUT = 60.0
FAR = "2099-06-01T12:00"
BALLOT_TOPICS = (
    "domain.consultation:Consultation.BallotCast",
    "domain.consultation:Consultation.BallotRecast",
)
UNICODE = ["", " — ‘ja’", " ✓ akkoord", " Súdwest-Fryslân", " 名古屋", " 🗳️", " ß≠ss", " \u00a0nbsp"]


class Failures:
    """What went wrong in a thread, kept for the assertions in the test's own thread."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.lock = threading.Lock()

    def add(self, text: str) -> None:
        with self.lock:
            self.items.append(text)


@dataclass
class Stats:
    commands: int = 0  # logical commands issued (a resend is the same command)
    requests: int = 0  # HTTP requests sent, resends included
    acknowledged: int = 0  # 2xx answers received
    lost: int = 0  # requests whose answer never came (the server died under them)
    effective_unacknowledged: int = 0  # lost, found done after the restart, not sent again
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bump(self, name: str, n: int = 1) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + n)


class EngineProcess:
    """`akkoord serve` as a subprocess that a supervisor kills and restarts."""

    def __init__(self, home: Path, logs: Path, probe_token: str, failures: Failures) -> None:
        self.home, self.logs, self.probe_token, self.failures = home, logs, probe_token, failures
        self.cond = threading.Condition()
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.generation = 0
        self.up = False
        self.starts = 0
        self.kills = 0
        self.startup_seconds: list[float] = []

    def start(self) -> None:
        for _ in range(5):
            if self._try_start():
                return
        raise RuntimeError(f"the server did not start; see {self.logs}")

    def _try_start(self) -> bool:
        port = free_port()
        self.starts += 1
        log = (self.logs / f"serve-{self.starts}.log").open("wb")
        env = {**os.environ, "AKKOORD_HOME": str(self.home)}
        env.pop("AKKOORD_ACTOR", None)
        started = time.monotonic()
        proc = subprocess.Popen(
            [*AKKOORD, "serve", "--port", str(port), "--no-scheduler"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=5) as probe:
            while True:
                if proc.poll() is not None:
                    return False  # e.g. the port was taken after all
                if time.monotonic() - started > 90:
                    proc.kill()
                    proc.wait()
                    raise RuntimeError(f"the server did not answer within 90 s; see {self.logs}")
                try:
                    r = probe.get(
                        "/api/me", headers={"Authorization": f"Bearer {self.probe_token}"}
                    )
                except httpx.TransportError:
                    time.sleep(0.02)
                    continue
                if r.status_code != 200:
                    self.failures.add(f"health check answered {r.status_code}: {r.text}")
                break
        self.startup_seconds.append(time.monotonic() - started)
        with self.cond:
            self.proc, self.url = proc, url
            self.generation += 1
            self.up = True
            self.cond.notify_all()
        return True

    def kill(self) -> None:
        with self.cond:
            self.up = False
            proc = self.proc
        assert proc is not None
        if proc.poll() is not None:
            self.failures.add(f"the server died by itself (exit {proc.returncode})")
        else:
            proc.send_signal(signal.SIGKILL)
            self.kills += 1
        proc.wait()

    def current(self) -> tuple[int, str]:
        with self.cond:
            if not self.cond.wait_for(lambda: self.up, timeout=120):
                raise RuntimeError("the server did not come back")
            return self.generation, self.url

    def after_lost_answer(self, generation: int) -> None:
        """A request got no answer: expected only when we killed the server under it."""
        with self.cond:
            killed = not self.up or self.generation != generation
            if not killed:
                self.failures.add(f"a request got no answer from a live server (gen {generation})")
                return
            if not self.cond.wait_for(lambda: self.up and self.generation > generation, 120):
                raise RuntimeError("the server did not come back")

    def died_unexpectedly(self) -> bool:
        with self.cond:
            return self.up and self.proc is not None and self.proc.poll() is not None


class Api:
    """HTTP with the harness's bookkeeping: one client per thread and server generation."""

    def __init__(self, server: EngineProcess, stats: Stats, failures: Failures) -> None:
        self.server, self.stats, self.failures = server, stats, failures
        self.local = threading.local()

    def _client(self, generation: int, url: str) -> httpx.Client:
        current = getattr(self.local, "client", None)
        if current is None or self.local.generation != generation:
            if current is not None:
                current.close()
            self.local.client = httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT)
            self.local.generation = generation
        client: httpx.Client = self.local.client
        return client

    def once(
        self, method: str, path: str, token: str, body: dict[str, Any] | None = None
    ) -> httpx.Response | None:
        """One request; None when its answer was lost (the server was killed under it)."""
        generation, url = self.server.current()
        client = self._client(generation, url)
        self.stats.bump("requests")
        try:
            r = client.request(
                method, path, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.TransportError:
            self.stats.bump("lost")
            self.server.after_lost_answer(generation)
            return None
        if 200 <= r.status_code < 300 and method != "GET":
            self.stats.bump("acknowledged")
        elif r.status_code >= 500:
            self.failures.add(f"{method} {path}: {r.status_code} {r.text[:300]}")
        return r

    def get(self, path: str, token: str) -> Any:
        while True:
            r = self.once("GET", path, token)
            if r is None:
                continue
            if r.status_code != 200:
                raise AssertionError(f"GET {path}: {r.status_code} {r.text}")
            return r.json()

    def command(
        self,
        path: str,
        token: str,
        body: dict[str, Any],
        *,
        done_already: Callable[[httpx.Response], bool] = lambda r: False,
    ) -> httpx.Response | None:
        """An idempotent command, sent until it is answered. A refusal after a lost answer may
        mean the lost attempt took effect: `done_already` says whether it did (None returned)."""
        self.stats.bump("commands")
        lost = False
        while True:
            r = self.once("POST", path, token, body)
            if r is None:
                lost = True
                continue
            if 200 <= r.status_code < 300:
                return r
            if lost and done_already(r):
                self.stats.bump("effective_unacknowledged")
                return None
            raise AssertionError(f"POST {path}: {r.status_code} {r.text}")

    def create(
        self, path: str, token: str, body: dict[str, Any], find: Callable[[], str | None]
    ) -> str:
        """A create is not idempotent: after a lost answer, look for it before sending again."""
        self.stats.bump("commands")
        lost = False
        while True:
            if lost:
                found = find()
                if found is not None:
                    self.stats.bump("effective_unacknowledged")
                    return found
            r = self.once("POST", path, token, body)
            if r is None:
                lost = True
                continue
            if r.status_code == 201:
                return str(r.json()["id"])
            raise AssertionError(f"POST {path}: {r.status_code} {r.text}")


@dataclass
class Ballot:
    number: int
    consultation: str
    member: str
    choice: str
    explanation: str
    attempts: int = 0
    acknowledged: bool = False
    recorded: bool | None = None


@dataclass
class Chain:
    number: int
    code: str
    ids: dict[str, str] = field(default_factory=dict)


@dataclass
class Harness:
    home: Path
    tokens: dict[str, str]
    secretaries: list[list[str]]  # per ballot thread, the members it casts for
    chain_member: str
    server: EngineProcess
    api: Api
    stats: Stats
    failures: Failures
    consultations: list[str] = field(default_factory=list)
    ballots: list[Ballot] = field(default_factory=list)
    chains: list[Chain] = field(default_factory=list)
    budget: int = 0
    ballots_lock: threading.Lock = field(default_factory=threading.Lock)

    # Ballots -----------------------------------------------------------------------------

    def ballot_worker(self, thread: int) -> None:
        rng = random.Random(SEED * 100 + thread)
        members = self.secretaries[thread]
        while True:
            with self.ballots_lock:
                if len(self.ballots) >= self.budget:
                    return
                number = len(self.ballots)
                ballot = Ballot(
                    number=number,
                    consultation=rng.choice(self.consultations),
                    member=rng.choice(members),
                    choice=rng.choice(["yes", "no"]),
                    explanation=f"#{number}{rng.choice(UNICODE)}",
                )
                self.ballots.append(ballot)
            self.cast(ballot)

    def cast(self, ballot: Ballot) -> None:
        self.stats.bump("commands")
        path = f"/api/consultations/{ballot.consultation}/ballots"
        body = {"member": ballot.member, "choice": ballot.choice, "explanation": ballot.explanation}
        while True:
            ballot.attempts += 1
            r = self.api.once("POST", path, self.tokens[ballot.member], body)
            if r is None:
                continue  # sent again: a ballot standing already writes nothing
            if r.status_code != 200:
                self.failures.add(f"ballot {ballot.number}: {r.status_code} {r.text[:300]}")
                return
            ballot.acknowledged = True
            ballot.recorded = bool(r.json()["recorded"])
            if not ballot.recorded:
                if ballot.attempts == 1:
                    self.failures.add(f"ballot {ballot.number} answered 'not recorded' at once")
                self.stats.bump("effective_unacknowledged")  # the lost attempt had been saved
            return

    # The ratification story ---------------------------------------------------------------

    def find(self, listing: str, key: str, value: str) -> Callable[[], str | None]:
        def look() -> str | None:
            for item in self.api.get(listing, self.tokens["officer"]):
                if item.get(key) == value:
                    return str(item["id"])
            return None

        return look

    def chain_worker(self, total: int) -> None:
        for number in range(1, total + 1):
            # pace the stories over the run, so that kills meet them among the ballots
            while True:
                with self.ballots_lock:
                    if len(self.ballots) >= (number - 1) * self.budget / total:
                        break
                time.sleep(0.05)
            chain = Chain(number, f"R{number}")
            self.chains.append(chain)
            self.story(chain)

    def story(self, chain: Chain) -> None:
        api, officer, board = self.api, self.tokens["officer"], self.tokens["board"]
        code, reason = chain.code, f"story {chain.number}"
        api.command(
            "/api/agreements",
            officer,
            {
                "code": code,
                "name": code,
                "full_name": f"Akkoord {code}",
                "parties": ["VNG", "VWS"],
                "reason": reason,
            },
            done_already=lambda r: r.status_code == 409 and "registered already" in r.text,
        )
        chain.ids["signing"] = sid = api.create(
            "/api/signings",
            officer,
            {
                "party": "VNG",
                "agreement": code,
                "conditions": [f"uitkomst {code}"],
                "reason": reason,
            },
            self.find("/api/signings", "agreement", code),
        )
        title = f"Motie {code}"
        chain.ids["resolution"] = rid = api.create(
            "/api/resolutions",
            officer,
            {
                "title": title,
                "conditions": [f"voorwaarde {code}"],
                "suspends": [f"VWS:{code}"],
                "reason": reason,
            },
            self.find("/api/resolutions", "title", title),
        )
        api.command(
            f"/api/resolutions/{rid}/decision", officer, {"outcome": "adopted", "reason": reason}
        )
        api.command(
            f"/api/resolutions/{rid}/conditions/1",
            officer,
            {"evidence": f"brief {code}", "reason": reason},
        )
        title = f"Raadpleging {code}"
        chain.ids["consultation"] = cid = api.create(
            "/api/consultations",
            officer,
            {"title": title, "question": "Stemt u in?", "closes": FAR, "reason": reason},
            self.find("/api/consultations", "title", title),
        )
        api.command(
            f"/api/consultations/{cid}/ballots",
            self.tokens[self.chain_member],
            {"member": self.chain_member, "choice": "yes", "explanation": code},
        )
        title = f"Bekrachtiging {code}"
        chain.ids["ratification"] = tid = api.create(
            "/api/ratifications",
            officer,
            {
                "title": title,
                "date": "2099-07-01T10:00",
                "consultation": cid,
                "agreements": [code],
                "signings": [sid],
                "reason": reason,
            },
            self.find("/api/ratifications", "title", title),
        )
        api.command(f"/api/consultations/{cid}/close", officer, {"reason": "alle stemmen binnen"})

        def decided(r: httpx.Response) -> bool:
            shown = api.get(f"/api/ratifications/{tid}", officer)
            return r.status_code == 409 and shown["decision"] == "ratify"

        api.command(
            f"/api/ratifications/{tid}/decision",
            board,
            {"decision": "ratify", "reason": reason},
            done_already=decided,
        )
        api.command(
            f"/api/ratifications/{tid}/communicate",
            officer,
            {"reference": f"Ledenbrief {code}", "reason": reason},
            done_already=lambda r: r.status_code == 409 and "communicated already" in r.text,
        )

    # The supervisor ------------------------------------------------------------------------

    def supervise(self, done: threading.Event) -> None:
        rng = random.Random(SEED)
        low, high = KILL_EVERY
        while not done.is_set():
            # now and then a kill right after a start, while the first requests catch up
            delay = rng.uniform(0.05, 0.5) if rng.random() < 0.2 else rng.uniform(low, high)
            end = time.monotonic() + delay
            while not done.is_set() and time.monotonic() < end:
                if self.server.died_unexpectedly():
                    break
                time.sleep(0.02)
            if done.is_set():
                return
            self.server.kill()
            self.server.start()


# The run -----------------------------------------------------------------------------------


def issue(cli: Cli, role: str, name: str) -> str:
    run = cli("tokens", "issue", "--role", role, "--name", name, "--json", actor="officer:admin")
    assert run.exit_code == 0, run.stderr
    return str(run.json()["token"])


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[Harness]:
    home = tmp_path / "store"
    cli = Cli(home)
    loaded = cli("members", "load", "--json", actor="officer:x")
    assert loaded.exit_code == 0, loaded.stderr
    codes = sorted(loaded.json()["added"])
    picked = codes[:: len(codes) // (BALLOT_THREADS * SECRETARIES_PER_THREAD + 1)]
    secretaries = [
        picked[i * SECRETARIES_PER_THREAD : (i + 1) * SECRETARIES_PER_THREAD]
        for i in range(BALLOT_THREADS)
    ]
    chain_member = picked[BALLOT_THREADS * SECRETARIES_PER_THREAD]
    tokens = {
        "officer": issue(cli, "officer", "harness"),
        "board": issue(cli, "board", "voorzitter"),
    }
    for code in [*(c for group in secretaries for c in group), chain_member]:
        tokens[code] = issue(cli, f"secretary:{code}", f"griffier {code}")
    logs = tmp_path / "logs"
    logs.mkdir()
    failures, stats = Failures(), Stats()
    server = EngineProcess(home, logs, tokens["officer"], failures)
    h = Harness(
        home=home,
        tokens=tokens,
        secretaries=secretaries,
        chain_member=chain_member,
        server=server,
        api=Api(server, stats, failures),
        stats=stats,
        failures=failures,
    )
    try:
        yield h
    finally:
        with server.cond:
            proc = server.proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()


def test_acknowledged_commands_survive_sigkill_exactly_once(harness: Harness) -> None:
    h = harness
    started = time.monotonic()
    chains = max(2, COMMANDS // CHAIN_EVERY)
    opens = max(4, COMMANDS // BALLOTS_PER_CONSULTATION)
    h.budget = COMMANDS - chains * COMMANDS_PER_CHAIN - opens
    assert h.budget > 0, "AKKOORD_CRASH_COMMANDS is too small for the stories"

    h.server.start()
    done = threading.Event()
    supervisor = threading.Thread(target=h.supervise, args=(done,), daemon=True)
    supervisor.start()
    try:
        for n in range(opens):
            title = f"Stemronde {n}"
            h.consultations.append(
                h.api.create(
                    "/api/consultations",
                    h.tokens["officer"],
                    {
                        "title": title,
                        "question": "Stemt u in?",
                        "closes": FAR,
                        "agreements": ["AZWA"],
                        "reason": "crash test",
                    },
                    h.find("/api/consultations", "title", title),
                )
            )
        errors: list[BaseException] = []

        def guarded(target: Callable[..., None], *args: Any) -> threading.Thread:
            def run() -> None:
                try:
                    target(*args)
                except BaseException as e:  # surfaced below, in the test's thread
                    errors.append(e)

            return threading.Thread(target=run, daemon=True)

        workers = [guarded(h.ballot_worker, i) for i in range(BALLOT_THREADS)]
        workers.append(guarded(h.chain_worker, chains))
        for w in workers:
            w.start()
        for w in workers:
            # A bound against a hang, not a speed claim: a loaded machine took over 600 s here.
            w.join(timeout=1800)
            assert not w.is_alive(), "a worker hung"
        assert not errors, errors
    finally:
        done.set()
        supervisor.join(timeout=120)
    streamed = time.monotonic() - started

    # Live read models, as the server that survived every kill serves them.
    live_tallies = {
        cid: h.api.get(f"/api/consultations/{cid}/tally", h.tokens["officer"])
        for cid in h.consultations
    }
    h.server.kill()
    kills = h.server.kills - 1  # the last kill only stops the run
    assert not h.failures.items, h.failures.items
    for log in sorted(h.server.logs.iterdir()):  # no request ever failed inside the server
        assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace"), log

    checking = time.monotonic()
    checked = check_the_store(h, live_tallies)
    figures = {
        "commands": h.stats.commands,
        "requests_sent": h.stats.requests,
        "acknowledged": h.stats.acknowledged,
        "answers_lost_to_kills": h.stats.lost,
        "effective_but_unacknowledged": h.stats.effective_unacknowledged,
        "ballots": len(h.ballots),
        "stories": len(h.chains),
        "kills_survived": kills,
        "checked": checked,
        "stream_seconds": round(streamed, 1),
        "commands_per_second": round(h.stats.commands / streamed, 1),
        "mean_restart_seconds": round(
            sum(h.server.startup_seconds) / len(h.server.startup_seconds), 2
        ),
        "check_seconds": round(time.monotonic() - checking, 1),
        "total_seconds": round(time.monotonic() - started, 1),
    }
    print("\ncrash consistency:", json.dumps(figures))
    (h.home.parent / "figures.json").write_text(json.dumps(figures, indent=2))
    assert h.stats.commands == COMMANDS
    assert kills >= max(1, COMMANDS // 1000), "too few kills; lower AKKOORD_CRASH_KILL_EVERY"
    assert h.stats.lost >= 1


# The checks --------------------------------------------------------------------------------


def check_the_store(h: Harness, live_tallies: dict[str, dict[str, Any]]) -> int:
    """Everything the issue asks of the store after the last kill; returns commands checked."""
    raw = RawStore(h.home)
    if BACKEND == "sqlite":
        with sqlite3.connect(h.home / "events.sqlite") as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    # no (aggregate, version) twice, and no gap in any aggregate's versions
    assert (
        raw.query(
            "SELECT originator_id, originator_version, count(*) FROM stored_events "
            "GROUP BY originator_id, originator_version HAVING count(*) > 1",
            "SELECT originator_id, originator_version, count(*) FROM {events} "
            "GROUP BY originator_id, originator_version HAVING count(*) > 1",
        )
        == []
    )
    assert (
        raw.query(
            "SELECT originator_id FROM stored_events GROUP BY originator_id "
            "HAVING min(originator_version) != 1 OR max(originator_version) != count(*)",
            "SELECT originator_id FROM {events} GROUP BY originator_id "
            "HAVING min(originator_version) != 1 OR max(originator_version) != count(*)",
        )
        == []
    )
    # every event has its chain entry at its own position, and every entry its event
    assert (
        raw.query(
            "SELECT rowid FROM stored_events "
            "WHERE rowid NOT IN (SELECT position FROM event_hashes)",
            "SELECT notification_id FROM {events} "
            "WHERE notification_id NOT IN (SELECT position FROM {hashes})",
        )
        == []
    )
    assert (
        raw.query(
            "SELECT position FROM event_hashes "
            "WHERE position NOT IN (SELECT rowid FROM stored_events)",
            "SELECT position FROM {hashes} "
            "WHERE position NOT IN (SELECT notification_id FROM {events})",
        )
        == []
    )
    # (PostgreSQL may skip positions a failed insert drew from its sequence: count, not max)
    count = raw.query("SELECT count(*) FROM stored_events", "SELECT count(*) FROM {events}")[0][0]
    # the workflows reacted to everything they follow
    last_followed = raw.query(
        f"SELECT max(rowid) FROM stored_events WHERE topic IN ({','.join('?' * len(TOPICS))})",
        "SELECT max(notification_id) FROM {events} WHERE topic = ANY(%s)",
        (*TOPICS,) if BACKEND == "sqlite" else (list(TOPICS),),
    )[0][0]
    tracked = raw.query(
        "SELECT notification_id FROM tracking WHERE application_name = 'Governance'",
        "SELECT notification_id FROM {tracking} WHERE application_name = 'Governance'",
    )[0][0]
    assert tracked is not None and tracked >= last_followed
    ballot_rows = raw.query(
        "SELECT rowid, originator_id, topic, state FROM stored_events "
        "WHERE topic IN (?, ?) ORDER BY rowid",
        "SELECT notification_id, originator_id::text, topic, state FROM {events} "
        "WHERE topic = ANY(%s) ORDER BY notification_id",
        (*BALLOT_TOPICS,) if BACKEND == "sqlite" else (list(BALLOT_TOPICS),),
    )

    checked = check_ballots(h, ballot_rows)
    verified = akkoord("audit", "verify", "--json", home=h.home)
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    report = json.loads(verified.stdout)
    assert report["ok"] is True and report["checked"] == count, report
    rebuilt = akkoord("projections", "rebuild", "--json", home=h.home)
    assert rebuilt.exit_code == 0, rebuilt.stdout + rebuilt.stderr
    assert json.loads(rebuilt.stdout)["identical"] is True
    with build(Settings(h.home)) as e:
        events = [(n.id, e.app.mapper.to_domain_event(n)) for n in e.app.notifications()]
        check_tallies(h, events, e, live_tallies)
        return checked + len(h.consultations) + check_stories(h, events, e)


def check_ballots(h: Harness, ballot_rows: list[tuple[Any, ...]]) -> int:
    """Each ballot command in the log exactly once; per member and consultation, in order."""
    in_log: dict[tuple[str, str], list[tuple[str, str, str, str]]] = defaultdict(list)
    for _, originator, topic, state in ballot_rows:
        data = json.loads(state)
        key = (str(UUID(originator)), data["member"])
        in_log[key].append(
            (
                topic.rsplit(".", 1)[1],
                data["choice"],
                data["explanation"],
                data.get("previous_choice", ""),
            )
        )
    by_explanation = Counter(e for events in in_log.values() for _, _, e, _ in events)
    sent: dict[tuple[str, str], list[Ballot]] = defaultdict(list)
    for ballot in h.ballots:
        assert ballot.acknowledged, ballot
        sent[(ballot.consultation, ballot.member)].append(ballot)
    checked = 0
    for key, ballots in sent.items():
        events = in_log.get(key, [])
        expected = []
        previous = ""
        for i, b in enumerate(ballots):
            kind = "BallotCast" if i == 0 else "BallotRecast"
            expected.append((kind, b.choice, b.explanation, previous))
            previous = b.choice
        assert events == expected, (key, events, expected)
        checked += len(ballots)
    # the chain stories cast one ballot each in their own consultations
    story_consultations = {c.ids["consultation"] for c in h.chains}
    phantom = [k for k in in_log if k not in sent and k[0] not in story_consultations]
    assert phantom == []
    for ballot in h.ballots:
        assert by_explanation[ballot.explanation] == 1, ballot
    return checked


def check_tallies(
    h: Harness, events: list[tuple[int, Any]], e: Any, live: dict[str, dict[str, Any]]
) -> None:
    """Every tally equals a recount from the log, and the harness's own record of the ballots;
    so does every consultation as the engine loads it (from its snapshot, when it has one)."""
    last: dict[tuple[str, str], str] = {}
    for ballot in h.ballots:
        last[(ballot.consultation, ballot.member)] = ballot.choice
    weights: dict[str, dict[str, int]] = {}
    standing: dict[str, dict[str, str]] = defaultdict(dict)
    for _, event in events:
        name = type(event).__qualname__
        cid = str(event.originator_id)
        if name == "Consultation.Opened":
            weights[cid] = {m: int(v["weight"]) for m, v in event.electorate.items()}
        elif name in ("Consultation.BallotCast", "Consultation.BallotRecast"):
            standing[cid][event.member] = event.choice
    # no create was done twice, however often its answer was lost
    created: Counter[tuple[str, str]] = Counter()
    for _, event in events:
        name = type(event).__qualname__
        if name in ("Consultation.Opened", "Resolution.Tabled", "BoardRatification.Scheduled"):
            created[(name, event.title)] += 1
        elif name == "ConditionalSigning.Signed":
            created[(name, event.agreement)] += 1
    assert [k for k, n in created.items() if n > 1] == []
    for n in range(len(h.consultations)):
        assert created[("Consultation.Opened", f"Stemronde {n}")] == 1
    for cid in h.consultations:
        ours = {m: c for (c_id, m), c in last.items() if c_id == cid}
        assert standing[cid] == ours, cid
        w = weights[cid]
        recount = {
            "yes_weight": sum(w[m] for m, c in ours.items() if c == "yes"),
            "no_weight": sum(w[m] for m, c in ours.items() if c == "no"),
            "voted_members": len(ours),
            "electorate_members": len(w),
            "electorate_weight": sum(w.values()),
        }
        loaded = e.app.consultations.standing_ballots(UUID(cid))
        assert {m: choice for m, (choice, _) in loaded.items()} == ours, cid
        tally = e.views.tally(cid)
        assert tally is not None
        rebuilt = tally.as_dict()
        assert {k: rebuilt[k] for k in recount} == recount, cid
        assert {k: live[cid][k] for k in recount} == recount, cid


def check_stories(h: Harness, events: list[tuple[int, Any]], e: Any) -> int:
    """Every story reached its end, every workflow reaction exactly once, each with its step."""
    steps: Counter[tuple[str, str, str]] = Counter()
    caused: Counter[tuple[str, str, str, str]] = Counter()
    failed = []
    for _, event in events:
        name = type(event).__qualname__
        if name == "WorkflowInstance.StepTaken":
            steps[(str(event.originator_id), event.trigger, event.action)] += 1
        elif name == "WorkflowInstance.StepFailed":
            failed.append((event.trigger, event.action, event.error))
        elif name == "Agreement.PartyStatusChanged" and event.cause:
            caused[(event.agreement, event.party, event.status, event.cause)] += 1
    assert failed == []
    assert [k for k, n in steps.items() if n > 1] == []
    assert [k for k, n in caused.items() if n > 1] == []
    # a status step and its status change are saved together: one never without the other
    status_steps = {(action, trigger) for (_, trigger, action) in steps if " in " in action}
    changes = {(f"{p} in {a}: {s}", cause) for (a, p, s, cause) in caused}
    assert status_steps == changes

    checked = 0
    for chain in h.chains:
        ids = {UUID(v) for v in chain.ids.values()} | {agreement_id(chain.code)}
        mine = Counter(type(ev).__qualname__ for _, ev in events if ev.originator_id in ids)
        expected = {
            "Agreement.Registered": 1,
            "Agreement.PartyStatusChanged": 4,
            "ConditionalSigning.Signed": 1,
            "ConditionalSigning.MadeDefinitive": 1,
            "Resolution.Tabled": 1,
            "Resolution.Adopted": 1,
            "Resolution.ConditionMet": 1,
            "Resolution.Fulfilled": 1,
            "Consultation.Opened": 1,
            "Consultation.BallotCast": 1,
            "Consultation.Closed": 1,
            "BoardRatification.Scheduled": 1,
            "BoardRatification.AdviceReceived": 1,
            "BoardRatification.Decided": 1,
            "BoardRatification.Communicated": 1,
        }
        assert {k: mine.get(k, 0) for k in expected} == expected, (chain, mine)
        parties = e.app.agreements.get_agreement(chain.code)["parties"]
        assert parties == {"VNG": "definitive", "VWS": "resumed"}, (chain, parties)
        shown = e.app.ratifications.get_ratification(UUID(chain.ids["ratification"]))
        assert (shown["advice"], shown["outcome"]) == ("positive", "ratified")
        checked += COMMANDS_PER_CHAIN
    started = Counter(
        type(ev).__qualname__ for _, ev in events if type(ev).__qualname__.startswith("Work")
    )
    assert started["WorkflowInstance.Started"] == 3 * len(h.chains)
    assert started["WorkflowInstance.StepTaken"] == 6 * len(h.chains)
    return checked
