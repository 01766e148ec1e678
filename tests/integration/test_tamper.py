"""Tampering with a real SQLite store directly is detected at the right position, and how."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.cli.scenario import play
from adapters.scenario import default_scenario_path, load_scenario
from adapters.settings import Settings
from tests.e2e.cli import Cli

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("pristine") / "store"
    play(Settings(store), load_scenario(default_scenario_path()), show_progress=False)
    return store


@pytest.fixture
def cli(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    copy = tmp_path / "store"
    shutil.copytree(pristine, copy)
    yield Cli(copy)


def verify(cli: Cli, *args: str) -> tuple[int, dict[str, object]]:
    run = cli("audit", "verify", "--json", *args)
    return run.exit_code, json.loads(run.stdout)


def tamper(cli: Cli, *statements: tuple[str, tuple[object, ...]]) -> None:
    with sqlite3.connect(cli.data_dir / "events.sqlite") as db:
        for sql, params in statements:
            db.execute(sql, params)


def test_the_untouched_log_verifies(cli: Cli) -> None:
    code, result = verify(cli)
    assert code == 0 and result["ok"] is True and result["break"] is None
    assert result["checked"] == result["head"]["position"] > 700  # type: ignore[index]
    assert cli("audit", "verify").stdout.startswith("OK: ")


def test_one_changed_byte_is_found_as_modified(cli: Cli) -> None:
    with sqlite3.connect(cli.data_dir / "events.sqlite") as db:
        [state] = db.execute("SELECT state FROM stored_events WHERE rowid = 400").fetchone()
    changed = bytearray(state)
    changed[len(changed) // 2] ^= 0x01
    tamper(cli, ("UPDATE stored_events SET state = ? WHERE rowid = 400", (bytes(changed),)))
    code, result = verify(cli)
    assert code == 6
    assert result["break"] == {
        "position": 400,
        "kind": "modified",
        "detail": result["break"]["detail"],
    }  # type: ignore[index]
    assert result["checked"] == 399


def test_a_deleted_row_is_found_as_missing(cli: Cli) -> None:
    tamper(cli, ("DELETE FROM stored_events WHERE rowid = 123", ()))
    code, result = verify(cli)
    assert code == 6 and result["break"]["position"] == 123  # type: ignore[index]
    assert result["break"]["kind"] == "missing"  # type: ignore[index]


def test_a_row_deleted_with_its_chain_entry_is_still_missing(cli: Cli) -> None:
    tamper(
        cli,
        ("DELETE FROM stored_events WHERE rowid = 200", ()),
        ("DELETE FROM event_hashes WHERE position = 200", ()),
    )
    code, result = verify(cli)
    assert code == 6 and result["break"]["position"] == 200  # type: ignore[index]
    assert result["break"]["kind"] == "missing"  # type: ignore[index]


def test_a_forged_row_is_found_as_inserted(cli: Cli) -> None:
    with sqlite3.connect(cli.data_dir / "events.sqlite") as db:
        head = db.execute("SELECT max(rowid) FROM stored_events").fetchone()[0]
        topic, state = db.execute(
            "SELECT topic, state FROM stored_events WHERE topic LIKE '%BallotCast' LIMIT 1"
        ).fetchone()
        db.execute("INSERT INTO stored_events VALUES (?, ?, ?, ?)", ("0" * 32, 1, topic, state))
    code, result = verify(cli)
    assert code == 6 and result["break"] == {  # type: ignore[comparison-overlap]
        "position": head + 1,
        "kind": "inserted",
        "detail": result["break"]["detail"],
    }  # type: ignore[index]


def test_two_swapped_rows_are_found_as_reordered(cli: Cli) -> None:
    with sqlite3.connect(cli.data_dir / "events.sqlite") as db:
        a = db.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid = 300"
        ).fetchone()
        b = db.execute(
            "SELECT originator_id, originator_version, topic, state FROM stored_events "
            "WHERE rowid = 310"
        ).fetchone()
        db.execute("DELETE FROM stored_events WHERE rowid IN (300, 310)")
        db.execute(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, "
            "state) VALUES (300, ?, ?, ?, ?)",
            b,
        )
        db.execute(
            "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, "
            "state) VALUES (310, ?, ?, ?, ?)",
            a,
        )
    code, result = verify(cli)
    assert code == 6 and result["break"]["position"] == 300  # type: ignore[index]
    assert result["break"]["kind"] == "reordered"  # type: ignore[index]
    assert "310" in result["break"]["detail"]  # type: ignore[index]


def test_a_published_head_is_checked(cli: Cli) -> None:
    checkpoint = cli("audit", "checkpoint", "--json").json()
    assert (
        verify(cli, "--expect", checkpoint["hash"])[1]["expected_found_at"]
        == checkpoint["position"]
    )
    code, result = verify(cli, "--expect", "0" * 64)
    assert code == 6 and result["ok"] is False


def test_an_export_verifies_on_its_own_and_its_tampering_is_found(cli: Cli, tmp_path: Path) -> None:
    for fmt in ("jsonl", "csv"):
        path = tmp_path / f"log.{fmt}"
        assert cli("export", "log", "--format", fmt, "-o", str(path)).exit_code == 0
        run = cli("audit", "verify", "--file", str(path), "--json")
        assert run.exit_code == 0 and run.json()["ok"] is True
    lines = (tmp_path / "log.jsonl").read_text().splitlines()
    record = json.loads(lines[99])
    record["state"] = record["state"].replace("officer", "offic3r", 1)
    lines[99] = json.dumps(record)
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(lines) + "\n")
    run = cli("audit", "verify", "--file", str(edited), "--json")
    assert run.exit_code == 6 and run.json()["break"]["position"] == 100
    del lines[149]
    (tmp_path / "cut.jsonl").write_text("\n".join(lines) + "\n")
    run = cli("audit", "verify", "--file", str(tmp_path / "cut.jsonl"), "--json")
    assert run.json()["break"]["position"] == 100  # the first break still comes first
