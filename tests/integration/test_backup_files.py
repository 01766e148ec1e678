"""Backup files that prove themselves: `akkoord backup -o` writes one, `backup --verify` and
`restore` check every event against the chain and the signed head it ends at. A backup with a
byte changed in an event, or with its last events cut, is refused naming the position, and the
target is left empty; a target that holds anything is refused before any work.

One store and one backup for the module (real `akkoord` processes), tampered copies per test.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.inputs.members_csv import read_members_csv, shipped_members_path
from adapters.store import backend_for
from tests.conftest import CLOSES, OFFICER, OPENS, START, secretary
from tests.reliability.support import AKKOORD, ROOT, akkoord
from workflows.clock import SimulatedClock


def untar(archive: Path, into: Path) -> dict[str, object]:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    manifest: dict[str, object] = json.loads((into / "manifest.json").read_text())
    return manifest


def retar(directory: Path, archive: Path) -> None:
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=str(path.relative_to(directory)))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """A live store (members loaded and a consultation with ballots: a few hundred events,
    signed heads among them) and a backup of it, taken by the real command."""
    home = tmp_path_factory.mktemp("live") / "store"
    clock = SimulatedClock(START)
    with build(Settings(home), create=True, clock=clock) as e:
        facts = read_members_csv(shipped_members_path())
        e.app.members.load_members(facts, actor=OFFICER, reason="CBS 2024")
        clock.set(OPENS)
        cid = e.app.consultations.open_consultation(
            title="AZWA",
            question="Stemt u in?",
            agreements=["AZWA"],
            closes_at=CLOSES,
            timezone="Europe/Amsterdam",
            actor=OFFICER,
            reason="Lbr. 25/041",
        )
        for i, fact in enumerate(facts[:20]):
            e.app.consultations.cast_ballot(
                cid, member=fact.code, choice="yes" if i % 3 else "no", actor=secretary(fact.code)
            )
        e.catch_up()
        tally = e.views.tally(str(cid))
    archive = tmp_path_factory.mktemp("backups") / "akkoord.backup"
    run = akkoord("backup", "-o", str(archive), "--json", home=home)
    assert run.exit_code == 0, run.stderr
    written = json.loads(run.stdout)
    assert written["file"] == str(archive)
    head = json.loads(Path(f"{archive}.head.json").read_text())
    assert head == written["head"] and head["tree_size"] == written["events"] > 100
    return archive, {**written, "consultation": str(cid), "tally": tally, "home": str(home)}


def tampered(
    made: tuple[Path, dict[str, object]], tmp_path: Path, change: Callable[[Path, int], int]
) -> tuple[Path, int]:
    """A copy of the backup with `change(unpacked directory, events)` applied; returns the copy
    and the position `change` says the damage starts at."""
    archive, written = made
    unpacked = tmp_path / "unpacked"
    untar(archive, unpacked)
    position = change(unpacked, int(written["events"]))  # type: ignore[call-overload]
    copy = tmp_path / "tampered.backup"
    retar(unpacked, copy)
    return copy, position


def _copy_rows(unpacked: Path, table: str) -> tuple[list[str], list[str]]:
    manifest = json.loads((unpacked / "manifest.json").read_text())
    columns = next(t["columns"] for t in manifest["tables"] if t["name"] == table)
    lines = (unpacked / "tables" / f"{table}.copy").read_text().splitlines()
    return columns, lines


def flip_a_byte(unpacked: Path, events: int) -> int:
    position = events // 2
    events_file = unpacked / "store" / "events.sqlite"
    if events_file.exists():
        with sqlite3.connect(events_file) as conn:
            (state,) = conn.execute(
                "SELECT state FROM stored_events WHERE rowid = ?", (position,)
            ).fetchone()
            changed = bytearray(state)
            changed[len(changed) // 2] ^= 0x01
            conn.execute(
                "UPDATE stored_events SET state = ? WHERE rowid = ?", (bytes(changed), position)
            )
        return position
    columns, lines = _copy_rows(unpacked, "governance_events")
    at, state = columns.index("notification_id"), columns.index("state")
    for n, line in enumerate(lines):
        cells = line.split("\t")
        if int(cells[at]) == position:
            digits = cells[state]  # \\x7b22...: a bytea in hex
            i = len(digits) // 2
            cells[state] = digits[:i] + ("0" if digits[i] != "0" else "1") + digits[i + 1 :]
            lines[n] = "\t".join(cells)
    (unpacked / "tables" / "governance_events.copy").write_text("\n".join(lines) + "\n")
    return position


def cut_the_last_events(unpacked: Path, events: int) -> int:
    first_gone = events - 2
    events_file = unpacked / "store" / "events.sqlite"
    if events_file.exists():
        with sqlite3.connect(events_file) as conn:
            conn.execute("DELETE FROM stored_events WHERE rowid >= ?", (first_gone,))
            conn.execute("DELETE FROM event_hashes WHERE position >= ?", (first_gone,))
        return first_gone
    for table, column in (("governance_events", "notification_id"), ("event_hashes", "position")):
        columns, lines = _copy_rows(unpacked, table)
        at = columns.index(column)
        kept = [line for line in lines if int(line.split("\t")[at]) < first_gone]
        (unpacked / "tables" / f"{table}.copy").write_text("\n".join(kept) + "\n")
    return first_gone


def empty(target: Path) -> bool:
    nothing_there = not target.exists() or not any(target.iterdir())
    return nothing_there and not backend_for(Settings(target)).store_exists()


def test_a_backup_verifies_and_restores_into_an_empty_directory(
    made: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    archive, written = made
    checked = akkoord("backup", "--verify", str(archive), home=tmp_path / "unused")
    assert checked.exit_code == 0, checked.stderr
    assert f"{written['events']} events" in checked.stdout
    assert not (tmp_path / "unused").exists()  # verifying writes nothing anywhere

    target = tmp_path / "restored"
    run = akkoord("restore", str(archive), home=target)
    assert run.exit_code == 0, run.stderr
    verified = akkoord("audit", "verify", "--json", home=target)
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    result = json.loads(verified.stdout)
    assert result["checked"] == written["events"]
    assert result["tree"]["root"] == written["head"]["root_hash"]  # type: ignore[index]
    with build(Settings(target)) as e:  # the read models were rebuilt
        assert e.views.tally(str(written["consultation"])) == written["tally"]


def test_restore_refuses_a_target_that_is_not_empty(
    made: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    archive, _ = made
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    run = akkoord("restore", str(archive), home=target)
    assert run.exit_code == 4, run.stderr
    assert run.stderr.count("\n") == 1 and "not empty" in run.stderr, run.stderr
    # (akkoord.log: every command run on an existing data directory logs there, refusals too)
    assert {p.name for p in target.iterdir()} <= {"notes.txt", "akkoord.log"}
    assert not backend_for(Settings(target)).store_exists()


@pytest.mark.parametrize(
    ("change", "kind"), [(flip_a_byte, "modified"), (cut_the_last_events, "truncated")]
)
def test_a_damaged_backup_is_refused_naming_the_position(
    made: tuple[Path, dict[str, object]],
    tmp_path: Path,
    change: Callable[[Path, int], int],
    kind: str,
) -> None:
    copy, position = tampered(made, tmp_path, change)
    checked = akkoord("backup", "--verify", str(copy), home=tmp_path / "unused")
    assert checked.exit_code == 6, checked.stdout + checked.stderr
    assert f"position {position}" in checked.stderr and kind in checked.stderr, checked.stderr
    assert checked.stderr.count("\n") == 1 and "Traceback" not in checked.stderr

    target = tmp_path / "restored"
    run = akkoord("restore", str(copy), home=target)
    assert run.exit_code == 6, run.stdout + run.stderr
    assert f"position {position}" in run.stderr, run.stderr
    assert empty(target)
    assert not any(p.name.startswith(".akkoord-restore") for p in tmp_path.iterdir())


def test_a_file_that_is_not_a_whole_backup_is_refused(
    made: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    archive, _ = made
    cut = tmp_path / "cut.backup"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    target = tmp_path / "restored"
    for args, home in ((("backup", "--verify"), tmp_path / "unused"), (("restore",), target)):
        run = akkoord(*args, str(cut), home=home)
        assert run.exit_code == 2, run.stderr
        assert run.stderr.startswith("error: ") and run.stderr.count("\n") == 1, run.stderr
    assert empty(target)
    shutil.rmtree(tmp_path / "unused", ignore_errors=True)


def test_the_scheduler_takes_backups_on_a_schedule_and_keeps_the_newest(
    made: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    home = Path(str(made[1]["home"]))
    log = home / "akkoord.log"
    before = log.read_text(errors="replace").count("backup written") if log.exists() else 0
    folder = tmp_path / "scheduled"
    env = {
        **os.environ,
        "AKKOORD_HOME": str(home),
        "AKKOORD_BACKUP_DIR": str(folder),
        "AKKOORD_BACKUP_EVERY": "1s",
        "AKKOORD_BACKUP_KEEP": "2",
    }
    proc = subprocess.Popen(
        [*AKKOORD, "scheduler", "run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while log.read_text(errors="replace").count("backup written") < before + 3:
            assert proc.poll() is None, "the scheduler stopped"
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    kept = sorted(folder.glob("akkoord-*.backup"))
    assert len(kept) == 2, kept
    assert all(Path(f"{p}.head.json").is_file() for p in kept)
    assert len(list(folder.glob("*.head.json"))) == 2
    checked = akkoord("backup", "--verify", str(kept[-1]), home=tmp_path / "unused")
    assert checked.exit_code == 0, checked.stderr
