"""Tampering with a real store directly (SQLite file or PostgreSQL tables) is detected at the
right position, and how."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.config.settings import Settings
from adapters.entrypoints.cli.scenario import play
from adapters.scenario import default_scenario_path, load_scenario
from tests.e2e.cli import Cli
from tests.stores import RawStore, copy_store

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("pristine") / "store"
    play(Settings(store), load_scenario(default_scenario_path()), show_progress=False)
    return store


@pytest.fixture
def cli(pristine: Path, tmp_path: Path) -> Iterator[Cli]:
    copy = tmp_path / "store"
    copy_store(pristine, copy)
    yield Cli(copy)


def verify(cli: Cli, *args: str) -> tuple[int, dict[str, object]]:
    run = cli("audit", "verify", "--json", *args)
    return run.exit_code, json.loads(run.stdout)


def test_the_untouched_log_verifies(cli: Cli) -> None:
    code, result = verify(cli)
    assert code == 0 and result["ok"] is True and result["break"] is None
    assert result["checked"] == result["head"]["position"] > 700  # type: ignore[index]
    assert cli("audit", "verify").stdout.startswith("OK: ")


def test_one_changed_byte_is_found_as_modified(cli: Cli) -> None:
    raw = RawStore(cli.data_dir)
    changed = bytearray(bytes(raw.event(400)[3]))  # type: ignore[arg-type]
    changed[len(changed) // 2] ^= 0x01
    raw.set_state(400, bytes(changed))
    code, result = verify(cli)
    assert code == 6
    assert result["break"] == {
        "position": 400,
        "kind": "modified",
        "detail": result["break"]["detail"],
    }  # type: ignore[index]
    assert result["checked"] == 399


def test_a_deleted_row_is_found_as_missing(cli: Cli) -> None:
    RawStore(cli.data_dir).delete_event(123)
    code, result = verify(cli)
    assert code == 6 and result["break"]["position"] == 123  # type: ignore[index]
    assert result["break"]["kind"] == "missing"  # type: ignore[index]


def test_a_row_deleted_with_its_chain_entry_is_still_missing(cli: Cli) -> None:
    raw = RawStore(cli.data_dir)
    raw.delete_event(200)
    raw.delete_chain_entry(200)
    code, result = verify(cli)
    assert code == 6 and result["break"]["position"] == 200  # type: ignore[index]
    assert result["break"]["kind"] == "missing"  # type: ignore[index]


def test_a_forged_row_is_found_as_inserted(cli: Cli) -> None:
    raw = RawStore(cli.data_dir)
    head = raw.head()
    _, _, topic, state = raw.a_ballot()
    raw.put_event(head + 1, (raw.forged_id(), 1, topic, state))
    code, result = verify(cli)
    assert code == 6 and result["break"] == {  # type: ignore[comparison-overlap]
        "position": head + 1,
        "kind": "inserted",
        "detail": result["break"]["detail"],
    }  # type: ignore[index]


def test_two_swapped_rows_are_found_as_reordered(cli: Cli) -> None:
    raw = RawStore(cli.data_dir)
    a, b = raw.event(300), raw.event(310)
    raw.delete_event(300)
    raw.delete_event(310)
    raw.put_event(300, b)
    raw.put_event(310, a)
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
