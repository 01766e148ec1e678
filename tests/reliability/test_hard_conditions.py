"""Hard conditions: a read-only or full data directory, a locked event store, a store written by a
newer version, and two officers closing or extending the same consultation at once.

What must hold everywhere: nothing half-written (the event store exactly as before, its hash chain
intact, the next command working once the condition is gone) and a clear one-line error.

Tests run as root in CI, where a 0o555 directory stops nobody: there the read-only directory is a
read-only bind mount and the full one a tiny tmpfs. Without the rights to mount (not root, or no
CAP_SYS_ADMIN) the read-only case falls back to chmod and the full-disk case is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from adapters.bootstrap import Engine, build
from adapters.config import logs
from adapters.config.settings import Settings
from adapters.inputs.timeparse import parse_moment
from domain.actor import Actor, Role
from domain.errors import DomainError
from tests.conftest import BACKEND
from tests.e2e.cli import Cli
from tests.reliability.support import AKKOORD, OFFICER, akkoord, refused
from tests.stores import RawStore, store_fingerprint
from workflows.base import GovernanceBase

SECRETARY = "secretary:GM0363"
FAST_LOCK = {"GOVERNANCE_SQLITE_LOCK_TIMEOUT": "1"}  # the key the library reads first


@pytest.fixture
def store(tmp_path: Path) -> tuple[Cli, str]:
    """Members loaded and a consultation open until 2099."""
    cli = Cli(tmp_path / "store")
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    return cli, open_consultation(cli)


def open_consultation(cli: Cli, title: str = "Raadpleging") -> str:
    run = cli(
        "consultation", "open", "--title", title, "--question", "Stemt u in?", "--closes",
        "2099-10-22T16:00", "--reason", "test", "--json", actor=OFFICER,
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    return str(run.json()["id"])


def cast_args(cid: str, explanation: str = "") -> list[str]:
    return ["consultation", "cast", cid, "--member", "GM0363", "--choice", "yes",
            "--explanation", explanation, "--as", SECRETARY]  # fmt: skip


def healthy(cli: Cli, cid: str) -> None:
    """After the condition is gone: the chain verifies, SQLite is intact, and a command works."""
    if BACKEND == "sqlite":
        with sqlite3.connect(cli.data_dir / "events.sqlite") as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    verified = cli("audit", "verify", "--json")
    assert verified.exit_code == 0 and verified.json()["ok"] is True, verified.stdout
    after = cli(*cast_args(cid, "na het herstel"))
    assert after.exit_code == 0, after.stderr
    rebuilt = cli("projections", "rebuild", "--json")
    assert rebuilt.exit_code == 0 and rebuilt.json()["identical"] is True


def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


def run_mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30)


def unmount(path: Path) -> None:
    logs.configure(None)  # the in-process CLI keeps akkoord.log open: let go of it
    for _ in range(50):
        done = subprocess.run(["umount", str(path)], capture_output=True, text=True, timeout=30)
        if done.returncode == 0:
            return
        time.sleep(0.1)  # a process of ours may still be closing its files
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


@contextmanager
def read_only(path: Path) -> Iterator[str]:
    """Make `path` read-only, in a way that stops root too; yields how."""
    if can_mount():
        bound = run_mount("--bind", str(path), str(path))
        if bound.returncode == 0:
            again = run_mount("-o", "remount,bind,ro", str(path))
            if again.returncode != 0:
                unmount(path)
                pytest.skip(f"cannot remount read-only: {again.stderr.strip()}")
            try:
                yield "read-only bind mount"
            finally:
                unmount(path)
            return
    if os.geteuid() == 0:
        pytest.skip("running as root without the right to mount: chmod would not stop root")
    modes = {p: p.stat().st_mode for p in [path, *path.iterdir()]}
    for p in modes:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield "chmod 0o555"
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


@contextmanager
def tiny_disk(path: Path, size: str = "16m") -> Iterator[Path]:
    if not can_mount():
        pytest.skip("a full disk is emulated with a tmpfs, which needs root")
    path.mkdir(parents=True, exist_ok=True)
    done = run_mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.strip()}")
    try:
        yield path
    finally:
        unmount(path)


def fill(disk: Path) -> Path:
    """Take every free byte of the file system `disk` is on."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as f:
        for size in (1 << 20, 65536, 4096, 512, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError:
                continue
    assert shutil.disk_usage(disk).free < 4096
    return filler


# Read-only ------------------------------------------------------------------------------------


@pytest.mark.sqlite_only("the SQLite files live in the data directory")
def test_a_read_only_data_directory_is_left_untouched(store: tuple[Cli, str]) -> None:
    cli, cid = store
    before = store_fingerprint(cli.data_dir)
    with read_only(cli.data_dir):
        cast = akkoord(*cast_args(cid, "alleen-lezen"), home=cli.data_dir)
        assert cast.exit_code != 0
    assert store_fingerprint(cli.data_dir) == before
    healthy(cli, cid)


@pytest.mark.sqlite_only("the SQLite files live in the data directory")
def test_a_read_only_data_directory_gives_a_clear_error(store: tuple[Cli, str]) -> None:
    cli, cid = store
    with read_only(cli.data_dir):
        refused(akkoord(*cast_args(cid, "alleen-lezen"), home=cli.data_dir), 1)
        reading = akkoord("consultation", "show", cid, home=cli.data_dir)
        if reading.exit_code != 0:
            refused(reading, 1)


# Full ------------------------------------------------------------------------------------------


@pytest.fixture
def on_a_tiny_disk(tmp_path: Path) -> Iterator[tuple[Cli, str, Path]]:
    """A store on a 16 MiB tmpfs, with members and a consultation."""
    with tiny_disk(tmp_path / "disk") as disk:
        cli = Cli(disk / "store")
        assert cli("members", "load", actor=OFFICER).exit_code == 0
        yield cli, open_consultation(cli), disk


@pytest.mark.sqlite_only("the SQLite files live in the data directory")
def test_a_full_disk_leaves_nothing_half_written(on_a_tiny_disk: tuple[Cli, str, Path]) -> None:
    cli, cid, disk = on_a_tiny_disk
    before = store_fingerprint(cli.data_dir)
    filler = fill(disk)
    big = "x" * 3900  # a ballot that needs new pages
    cast = akkoord(*cast_args(cid, big), home=cli.data_dir)
    assert cast.exit_code == 1, cast.stdout + cast.stderr
    assert "storage error" in cast.stderr
    fresh = akkoord("members", "load", "--as", OFFICER, home=disk / "new")
    assert fresh.exit_code == 1
    assert not (disk / "new" / "events.sqlite").exists()  # no empty store left behind
    filler.unlink()
    assert store_fingerprint(cli.data_dir) == before
    healthy(cli, cid)


@pytest.mark.sqlite_only("the SQLite files live in the data directory")
def test_a_full_disk_gives_a_clear_error(on_a_tiny_disk: tuple[Cli, str, Path]) -> None:
    cli, cid, disk = on_a_tiny_disk
    fill(disk)
    refused(akkoord(*cast_args(cid, "x" * 3900), home=cli.data_dir), 1, "storage error")


# Locked ----------------------------------------------------------------------------------------


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        db.execute("ROLLBACK")
        db.close()


@pytest.mark.sqlite_only("SQLite's file lock; see the PostgreSQL table-lock test")
def test_a_locked_event_store_refuses_writes_within_the_lock_timeout(
    store: tuple[Cli, str],
) -> None:
    cli, cid = store
    before = store_fingerprint(cli.data_dir)
    with exclusive_lock(cli.data_dir / "events.sqlite"):
        started = time.monotonic()
        cast = akkoord(*cast_args(cid, "op slot"), home=cli.data_dir, env=FAST_LOCK)
        took = time.monotonic() - started
        refused(cast, 1, "storage error: database is locked")
        # bounded, not a hang: the lock timeout is 1 s; a loaded machine starts Python slowly
        assert took < 120, took
        # readers are not blocked by a writer in WAL mode
        shown = akkoord("consultation", "show", cid, "--json", home=cli.data_dir, env=FAST_LOCK)
        assert shown.exit_code == 0 and json.loads(shown.stdout)["ballots_standing"] == 0
    assert store_fingerprint(cli.data_dir) == before
    log = (cli.data_dir / "akkoord.log").read_text(encoding="utf-8")
    assert "database is locked" in log  # the refusal is on record
    healthy(cli, cid)


@pytest.mark.sqlite_only("SQLite's lock timeout setting")
def test_the_lock_timeout_comes_from_the_environment(
    store: tuple[Cli, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's own timeout is 30 s; GOVERNANCE_SQLITE_LOCK_TIMEOUT is read before it."""
    cli, _ = store
    monkeypatch.setenv("GOVERNANCE_SQLITE_LOCK_TIMEOUT", "1")
    with build(Settings(cli.data_dir)) as e:
        assert e.app.factory.env.get("SQLITE_LOCK_TIMEOUT") == "1"


@pytest.mark.sqlite_only("SQLite's lock timeout setting")
def test_a_malformed_lock_timeout_is_one_line_and_writes_nothing(store: tuple[Cli, str]) -> None:
    cli, cid = store
    before = store_fingerprint(cli.data_dir)
    cast = akkoord(
        *cast_args(cid), home=cli.data_dir, env={"GOVERNANCE_SQLITE_LOCK_TIMEOUT": "soon"}
    )
    refused(cast, 2, "GOVERNANCE_SQLITE_LOCK_TIMEOUT must be a whole number of seconds")
    assert store_fingerprint(cli.data_dir) == before


# A store written by a newer version -------------------------------------------------------------


def append_foreign_event(data_dir: Path, cid: str, topic: str, state: dict[str, Any]) -> None:
    """Append an event as a newer akkoord would: the next version, with its chain entry."""
    RawStore(data_dir).append_with_chain(cid, topic, json.dumps(state).encode())


def stamp(moment: str = "2030-01-01T10:00:00+00:00") -> dict[str, str]:
    return {"_type_": "datetime_iso", "_data_": moment}


@pytest.fixture
def newer(store: tuple[Cli, str]) -> tuple[Cli, str]:
    """A consultation with an event type this version does not know (a newer one paused it)."""
    cli, cid = store
    append_foreign_event(
        cli.data_dir,
        cid,
        "domain.consultation:Consultation.Paused",
        {"timestamp": stamp(), "actor": OFFICER, "reason": "storing", "at": stamp()},
    )
    assert cli("audit", "verify").exit_code == 0  # the newer version kept the chain
    return cli, cid


def test_a_store_from_a_newer_version_is_not_written_to(newer: tuple[Cli, str]) -> None:
    cli, cid = newer
    before = store_fingerprint(cli.data_dir)
    cast = akkoord(*cast_args(cid, "nieuwer"), home=cli.data_dir)
    assert cast.exit_code != 0
    assert store_fingerprint(cli.data_dir) == before
    # what does not touch the unknown event still works
    assert cli("members", "list", "--json").exit_code == 0
    assert cli("projections", "rebuild", "--json").json()["identical"] is True


@pytest.mark.parametrize(
    "command",
    [["consultation", "show"], ["consultation", "cast"], ["history"], ["log"]],
    ids=lambda c: " ".join(c),
)
def test_a_store_from_a_newer_version_gives_a_clear_error(
    newer: tuple[Cli, str], command: list[str]
) -> None:
    cli, cid = newer
    args = cast_args(cid)[:-2] if command == ["consultation", "cast"] else [*command, cid]
    if command == ["log"]:
        args = ["log"]
    refused(cli(*args, actor=SECRETARY), {1, 2, 3, 4})


@pytest.mark.xfail(
    strict=True,
    reason="known limitation: an event stored with a class_version above the code's is read "
    "without complaint (eventsourcing upcasts only upward); akkoord now refuses a store marked "
    "with a newer store version, but does not yet inspect each event's class_version",
)
def test_an_event_of_a_newer_format_is_refused_not_silently_misread(
    store: tuple[Cli, str],
) -> None:
    cli, cid = store
    assert cli(*cast_args(cid, "eerste")[:-2], actor=SECRETARY).exit_code == 0
    append_foreign_event(
        cli.data_dir,
        cid,
        "domain.consultation:Consultation.BallotRecast",
        {
            "timestamp": stamp(),
            "member": "GM0363",
            "choice": "no",
            "previous_choice": "yes",
            "explanation": "v2",
            "actor": SECRETARY,
            "at": stamp(),
            "class_version": 2,
            "counts_double": True,
        },
    )
    before = store_fingerprint(cli.data_dir)
    run = cli(*cast_args(cid, "derde")[:-2], actor=SECRETARY)
    assert store_fingerprint(cli.data_dir) == before
    refused(run, {1, 2, 3, 4})


# Two officers at once --------------------------------------------------------------------------


@contextmanager
def both_load_before_either_saves(aggregate: UUID) -> Iterator[None]:
    """Make two threads load `aggregate` before either saves it: a guaranteed write conflict
    for one of them on its first try, so the retry path is what gets tested."""
    barrier = threading.Barrier(2, timeout=20)
    seen = threading.local()
    original = GovernanceBase._load

    def load(self: GovernanceBase, kind: Any, aggregate_id: UUID, missing: Any) -> Any:
        found = original(self, kind, aggregate_id, missing)
        if aggregate_id == aggregate and not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait()
        return found

    GovernanceBase._load = load  # type: ignore[method-assign]
    try:
        yield
    finally:
        GovernanceBase._load = original  # type: ignore[method-assign]


def race(engines: list[Engine], command: Any) -> list[Any]:
    results: list[Any] = [None, None]

    def run(i: int) -> None:
        try:
            results[i] = command(engines[i], i)
        except DomainError as e:
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def events_of(e: Engine, cid: str, name: str) -> list[Any]:
    return [
        e.app.mapper.to_domain_event(n)
        for n in e.app.notifications()
        if str(n.originator_id) == cid and n.topic.endswith(f":Consultation.{name}")
    ]


@pytest.fixture
def two_officers(store: tuple[Cli, str]) -> Iterator[tuple[list[Engine], str, Cli]]:
    cli, cid = store
    engines = [build(Settings(cli.data_dir)), build(Settings(cli.data_dir))]
    try:
        yield engines, cid, cli
    finally:
        for e in engines:
            e.close()


def officer(i: int) -> Actor:
    return Actor(Role.OFFICER, ["a.jansen", "b.bakker"][i])


def test_two_officers_closing_at_once_write_one_close(
    two_officers: tuple[list[Engine], str, Cli],
) -> None:
    engines, cid, cli = two_officers
    with both_load_before_either_saves(UUID(cid)):
        results = race(
            engines,
            lambda e, i: e.app.consultations.close_consultation(
                UUID(cid), actor=officer(i), reason="klaar"
            ),
        )
    # one closes; the other, retried after the conflict, finds it closed: the idempotent answer
    assert sorted(results, key=str) == [False, True], results
    [closed] = events_of(engines[0], cid, "Closed")
    assert closed.actor in ("officer:a.jansen", "officer:b.bakker")
    engines[0].catch_up()
    assert cli("projections", "rebuild", "--json").json()["identical"] is True


def test_two_officers_closing_at_once_from_two_processes_write_one_close(
    store: tuple[Cli, str],
) -> None:
    cli, _ = store
    for round_ in range(2):
        cid = open_consultation(cli, f"Ronde {round_}")
        env = {**os.environ, "AKKOORD_HOME": str(cli.data_dir)}
        env.pop("AKKOORD_ACTOR", None)
        procs = [
            subprocess.Popen(
                [
                    *AKKOORD,
                    "consultation",
                    "close",
                    cid,
                    "--reason",
                    "klaar",
                    "--json",
                    "--as",
                    f"officer:{name}",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for name in ("a.jansen", "b.bakker")
        ]
        outcomes = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert "Traceback" not in out + err, err
            if p.returncode == 0:
                outcomes.append(json.loads(out)["closed"])
            else:
                assert (
                    p.returncode == 4 and err.startswith("error: ") and len(err.splitlines()) == 1
                )
                outcomes.append("conflict")
        assert outcomes.count(True) == 1, outcomes
        with build(Settings(cli.data_dir)) as e:
            assert len(events_of(e, cid, "Closed")) == 1


def extend_to(cid: str, *closes: str) -> Any:
    """Officer i extends the consultation to closes[i] (or to the one time given)."""
    moments = [parse_moment(c) for c in closes]
    return lambda e, i: e.app.consultations.extend_consultation(
        UUID(cid), closes_at=moments[i % len(moments)], actor=officer(i), reason="uitstel"
    )


def test_two_officers_extending_to_the_same_time_record_one_extension(
    two_officers: tuple[list[Engine], str, Cli],
) -> None:
    engines, cid, _ = two_officers
    with both_load_before_either_saves(UUID(cid)):
        results = race(engines, extend_to(cid, "2099-12-01T16:00"))
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(refusals) == 1, results  # one wins, the other is refused
    [extended] = events_of(engines[0], cid, "Extended")
    assert extended.closes_at.isoformat() == "2099-12-01T16:00:00+01:00"


def test_the_officer_who_loses_the_race_to_extend_gets_a_conflict(
    two_officers: tuple[list[Engine], str, Cli],
) -> None:
    engines, cid, _ = two_officers
    with both_load_before_either_saves(UUID(cid)):
        results = race(engines, extend_to(cid, "2099-12-01T16:00"))
    [refusal] = [r for r in results if isinstance(r, DomainError)]
    assert refusal.kind == "conflict", (type(refusal).__name__, str(refusal))


def test_two_officers_extending_to_different_times_leave_a_consistent_history(
    two_officers: tuple[list[Engine], str, Cli],
) -> None:
    """What the code does today: the loser's extension is re-judged after the winner's and, being
    later still, applied on top; no update is lost, each event names the deadline it moved."""
    engines, cid, cli = two_officers
    with both_load_before_either_saves(UUID(cid)):
        results = race(engines, extend_to(cid, "2099-11-01T16:00", "2099-12-01T16:00"))
    extended = events_of(engines[0], cid, "Extended")
    opened_closes = parse_moment("2099-10-22T16:00")
    previous = opened_closes
    for event in extended:
        assert event.previous_closes_at == previous
        previous = event.closes_at
    if len(extended) == 1:  # the earlier target lost: refused, not applied
        assert any(isinstance(r, DomainError) for r in results), results
    shown = cli("consultation", "show", cid, "--json").json()
    assert shown["closes_at"] == previous.isoformat()
