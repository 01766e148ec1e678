"""A backup taken from a running `akkoord serve` while ballots pour in through the API, by the real
`akkoord backup` process, restores into a fresh data directory (a fresh schema on PostgreSQL),
verifies, and is a prefix of the live log: every restored event equals the live one at its
position, and a consistency proof from the backup's signed head to a fresh live head holds
(checked offline, as anyone holding the public key would check it).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.audit.keys import SignedHead, known_public_key
from adapters.audit.receipts import check_document
from adapters.audit.transparency import proof_of_consistency, transparent
from adapters.auth.tokens import TokenStore
from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from domain.actor import Actor, Role
from tests.http.support import bearer, consultation_body
from tests.reliability.support import AKKOORD, ROOT, akkoord, free_port

pytestmark = pytest.mark.slow

VOTERS = 12
WAIT = 180  # seconds: a generous bound for a loaded machine, never an assertion about speed


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path
    tokens: dict[str, str] = field(default_factory=dict)


@dataclass
class Load:
    ok: int = 0
    wrong: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)


def wait_until(what: str, condition: object, server: Server) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        assert server.proc.poll() is None, server.log.read_text(errors="replace")
        assert time.monotonic() < deadline, f"{what}: {server.log.read_text(errors='replace')}"
        time.sleep(0.05)


def serving(server: Server) -> bool:
    try:
        r = httpx.get(f"{server.url}/api/me", headers=bearer(server.tokens["officer"]), timeout=30)
    except httpx.TransportError:
        return False
    return r.status_code == 200


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    home = tmp_path / "live"
    officer = Actor(Role.OFFICER, "setup")
    facts = read_members_csv(shipped_members_path())
    with build(Settings(home), create=True) as e:
        e.app.members.load_members(facts, actor=officer, reason="CBS 2024")
        e.catch_up()
    store = TokenStore(Settings(home))
    try:
        tokens = {"officer": store.issue(role="officer", name="o", issued_by=officer, reason="t")}
        for fact in facts[:VOTERS]:
            tokens[fact.code] = store.issue(
                role=f"secretary:{fact.code}", name=fact.code, issued_by=officer, reason="t"
            )
    finally:
        store.close()
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*AKKOORD, "serve", "--port", str(port)],
            env={**os.environ, "AKKOORD_HOME": str(home)},
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    running = Server(proc, f"http://127.0.0.1:{port}", log, {k: t.token for k, t in tokens.items()})
    try:
        wait_until("serving", lambda: serving(running), running)
        yield running
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cast_until_stopped(server: Server, cid: str, load: Load) -> None:
    voters = [code for code in server.tokens if code != "officer"]
    with httpx.Client(base_url=server.url, timeout=120) as http:
        n = 0
        while not load.stop.is_set():
            code = voters[n % len(voters)]
            choice = "yes" if (n // len(voters)) % 2 else "no"
            r = http.post(
                f"/api/consultations/{cid}/ballots",
                json={"member": code, "choice": choice},
                headers=bearer(server.tokens[code]),
            )
            if r.status_code == 200:
                load.ok += 1
            else:
                load.wrong.append(f"{r.status_code} {r.text[:200]}")
                return
            n += 1


def test_a_backup_taken_under_load_restores_and_is_a_prefix_of_the_live_log(
    server: Server, tmp_path: Path
) -> None:
    home = tmp_path / "live"
    opened = httpx.post(
        f"{server.url}/api/consultations",
        json=consultation_body(),
        headers=bearer(server.tokens["officer"]),
        timeout=60,
    )
    assert opened.status_code == 201, opened.text
    cid = opened.json()["id"]
    load = Load()
    caster = threading.Thread(target=cast_until_stopped, args=(server, cid, load))
    caster.start()
    try:
        wait_until("ballots under way", lambda: load.ok >= 5 or load.wrong, server)
        archive = tmp_path / "backups" / "live.backup"
        archive.parent.mkdir()
        taken = akkoord("backup", "-o", str(archive), "--json", home=home, timeout=WAIT)
        assert taken.exit_code == 0, taken.stderr
        after_backup = load.ok
        wait_until("ballots after the backup", lambda: load.ok >= after_backup + 5, server)
        # The real server, busy with ballots and a backup, tells a load balancer it is fit,
        # and its metrics count the casts.
        for probe in ("/healthz", "/readyz"):
            answer = httpx.get(server.url + probe, timeout=60)
            assert (answer.status_code, answer.json()) == (200, {"status": "ok"}), answer.text
        scraped = httpx.get(
            server.url + "/metrics", headers=bearer(server.tokens["officer"]), timeout=60
        )
        assert scraped.status_code == 200, scraped.text
        casts = [
            sample.value
            for family in text_string_to_metric_families(scraped.text)
            for sample in family.samples
            if sample.name == "akkoord_commands_total"
            and sample.labels.get("route") == "/api/consultations/{consultation_id}/ballots"
        ]
        assert casts and casts[0] >= after_backup + 5, casts
    finally:
        load.stop.set()
        caster.join(timeout=WAIT)
    assert not caster.is_alive() and load.wrong == [], load.wrong
    head = SignedHead.from_dict(json.loads(Path(f"{archive}.head.json").read_text()))
    assert head.as_dict() == json.loads(taken.stdout)["head"]

    restored = tmp_path / "restored"
    run = akkoord("restore", str(archive), "--json", home=restored, timeout=WAIT)
    assert run.exit_code == 0, run.stderr
    verified = akkoord("audit", "verify", home=restored, timeout=WAIT)
    assert verified.exit_code == 0 and verified.stdout.startswith("OK"), verified.stdout

    public = known_public_key(Settings(home).audit_key_path)
    assert public is not None
    with build(Settings(home)) as live, build(Settings(restored)) as back:
        live_log = transparent(live.app.recorder)
        back_rows = list(transparent(back.app.recorder).log_rows())
        assert len(back_rows) == head.tree_size
        live_rows = list(live_log.log_rows())
        assert len(live_rows) > head.tree_size  # ballots went on after the backup
        assert back_rows == live_rows[: head.tree_size]
        assert head in live_log.signed_heads()  # signed on the live store: published there
        now = live_log.sign_head()
        proof = proof_of_consistency(live_log, head, now)
    assert check_document(json.loads(json.dumps(proof)), public).startswith(
        f"the tree of {head.tree_size} events"
    )
