"""Every file the CLI writes for people (reports, exports) is written safely, through the real CLI:
never into the data directory (not even through a symlink), never over an existing file without
--force, never half: a refusal is one line naming the path, exit 2, and nothing is written.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.reports.outputs import OutputError, open_output, write_output
from tests.e2e.cli import Cli, Run
from tests.reliability.test_hard_conditions import fill, read_only, tiny_disk
from tests.stores import store_fingerprint

OFFICER = "officer:j.devries"

# Every command that writes a file with --output/-o, as the words before it.
WRITERS: dict[str, list[str]] = {
    "report pdf": ["report", "consultation", "{cid}", "--format", "pdf"],
    "report html": ["report", "consultation", "{cid}", "--format", "html"],
    "report md": ["report", "consultation", "{cid}", "--format", "md"],
    "export log": ["export", "log"],
    "export log csv": ["export", "log", "--format", "csv"],
    "export status": ["export", "status"],
    "export status csv": ["export", "status", "--format", "csv"],
}


@pytest.fixture
def store(tmp_path: Path) -> tuple[Cli, str]:
    cli = Cli(tmp_path / "store")
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    closes = (datetime.now(UTC) + timedelta(days=30)).isoformat(timespec="seconds")
    opened = cli(
        "consultation",
        "open",
        "--title",
        "AZWA",
        "--question",
        "Stemt u in?",
        "--agreement",
        "AZWA",
        "--closes",
        closes,
        "--reason",
        "Lbr. 25/041",
        "--json",
        actor=OFFICER,
    )
    assert opened.exit_code == 0, opened.stderr
    cid = str(opened.json()["id"])
    cast = cli(
        "consultation",
        "cast",
        cid,
        "--member",
        "GM0090",
        "--choice",
        "yes",
        actor="secretary:GM0090",
    )
    assert cast.exit_code == 0, cast.stderr
    return cli, cid


def write(cli: Cli, cid: str, writer: str, target: Path, *extra: str) -> Run:
    args = [a.format(cid=cid) for a in WRITERS[writer]]
    return cli(*args, "-o", str(target), *extra)


def refused(run: Run, *words: str) -> str:
    assert run.exit_code == 2, (run.exit_code, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def snapshot(cli: Cli) -> tuple[str, dict[str, tuple[int, bytes]]]:
    """The store's rows, and every file of the data directory: the same inode (not replaced)
    and the same opening bytes (not overwritten; SQLite's own header counters may move, its
    WAL and the log may grow, so only the magic of a database is compared)."""
    files: dict[str, tuple[int, bytes]] = {}
    for p in cli.data_dir.iterdir():
        if not p.is_file() or p.name == "akkoord.log" or p.name.endswith(("-wal", "-shm")):
            continue
        data = p.read_bytes()
        files[p.name] = (p.stat().st_ino, data[:16] if p.suffix == ".sqlite" else data)
    return store_fingerprint(cli.data_dir), files


def intact(cli: Cli, before: tuple[str, dict[str, bytes]]) -> None:
    assert snapshot(cli) == before
    verified = cli("audit", "verify")
    assert verified.exit_code == 0, verified.stdout + verified.stderr


def leftovers(directory: Path, *keep: str) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


@pytest.mark.parametrize("writer", list(WRITERS))
def test_writing_onto_the_store_is_refused(store: tuple[Cli, str], writer: str) -> None:
    cli, cid = store
    before = snapshot(cli)
    target = cli.data_dir / "events.sqlite"
    for extra in ((), ("--force",)):
        refused(write(cli, cid, writer, target, *extra), str(target), "data directory")
    intact(cli, before)


@pytest.mark.parametrize("writer", ["report pdf", "export log", "export status"])
def test_no_new_file_is_written_into_the_data_directory(
    store: tuple[Cli, str], writer: str
) -> None:
    cli, cid = store
    before = snapshot(cli)
    target = cli.data_dir / "uitslag.out"
    refused(write(cli, cid, writer, target), str(target), "data directory")
    assert not target.exists()
    intact(cli, before)


@pytest.mark.parametrize("writer", ["report pdf", "export log", "export status"])
def test_a_symlink_into_the_data_directory_is_refused(
    store: tuple[Cli, str], tmp_path: Path, writer: str
) -> None:
    cli, cid = store
    before = snapshot(cli)
    to_store = tmp_path / "uitslag.pdf"
    to_store.symlink_to(cli.data_dir / "events.sqlite")
    to_dir = tmp_path / "elsewhere"
    to_dir.symlink_to(cli.data_dir, target_is_directory=True)
    for target in (to_store, to_dir / "new.pdf"):
        for extra in ((), ("--force",)):
            refused(write(cli, cid, writer, target, *extra), str(target), "data directory")
    assert to_store.is_symlink() and to_store.readlink() == cli.data_dir / "events.sqlite"
    assert not (cli.data_dir / "new.pdf").exists()
    intact(cli, before)


@pytest.mark.parametrize("writer", list(WRITERS))
def test_an_existing_file_is_replaced_only_with_force(
    store: tuple[Cli, str], tmp_path: Path, writer: str
) -> None:
    cli, cid = store
    out = tmp_path / "out"
    out.mkdir()
    target = out / "result"
    target.write_bytes(b"keep me")
    refused(write(cli, cid, writer, target), str(target), "--force")
    assert target.read_bytes() == b"keep me"
    done = write(cli, cid, writer, target, "--force")
    assert done.exit_code == 0, done.stderr
    assert target.read_bytes() != b"keep me" and target.stat().st_size > 0
    assert leftovers(out) == ["result"]  # no temp file beside it


@pytest.mark.parametrize("writer", ["report md", "export log", "export status csv"])
def test_the_file_holds_what_stdout_would(
    store: tuple[Cli, str], tmp_path: Path, writer: str
) -> None:
    cli, cid = store
    target = tmp_path / "result"
    done = write(cli, cid, writer, target)
    assert done.exit_code == 0, done.stderr
    assert str(target) in done.stdout
    printed = cli(*[a.format(cid=cid) for a in WRITERS[writer]])
    if writer != "export status csv":  # the status is as of now: its header line may move
        assert target.read_text(encoding="utf-8") == printed.stdout
    else:
        assert target.read_text(encoding="utf-8").splitlines()[0] == printed.stdout.splitlines()[0]


@pytest.mark.parametrize("writer", ["report pdf", "export log", "export status"])
def test_a_directory_is_refused_by_its_name(
    store: tuple[Cli, str], tmp_path: Path, writer: str
) -> None:
    cli, cid = store
    target = tmp_path / "a directory"
    target.mkdir()
    line = refused(write(cli, cid, writer, target, "--force"), str(target), "directory")
    assert "data directory" not in line
    assert leftovers(target) == []


@pytest.mark.parametrize("writer", ["report pdf", "export log"])
def test_a_missing_directory_is_refused_by_its_name(
    store: tuple[Cli, str], tmp_path: Path, writer: str
) -> None:
    cli, cid = store
    target = tmp_path / "nowhere" / "uitslag.pdf"
    line = refused(write(cli, cid, writer, target), str(target))
    assert "data directory" not in line
    assert not target.parent.exists()


@pytest.mark.parametrize("writer", ["report pdf", "export log"])
def test_an_unwritable_directory_leaves_no_file(
    store: tuple[Cli, str], tmp_path: Path, writer: str
) -> None:
    cli, cid = store
    out = tmp_path / "read-only"
    out.mkdir()
    target = out / "uitslag"
    with read_only(out):
        line = refused(write(cli, cid, writer, target), str(target))
    assert "data directory" not in line
    assert leftovers(out) == []


@pytest.mark.parametrize("writer", ["report pdf", "export log"])
def test_a_full_disk_leaves_no_partial_file(
    store: tuple[Cli, str], tmp_path: Path, writer: str
) -> None:
    cli, cid = store
    with tiny_disk(tmp_path / "disk") as disk:
        fill(disk)
        target = disk / "uitslag"
        refused(write(cli, cid, writer, target), str(target))
        assert leftovers(disk, "filler") == []


def test_a_write_that_fails_midway_leaves_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "store"
    target = tmp_path / "export.jsonl"
    with pytest.raises(RuntimeError), open_output(target, data_dir=data_dir, force=False) as f:
        f.write("half a line")
        raise RuntimeError("the source broke")
    assert leftovers(tmp_path) == []
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), open_output(target, data_dir=data_dir, force=True) as f:
        f.write("new")
        raise RuntimeError("the source broke")
    assert target.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == ["export.jsonl"]


def test_write_output_refuses_a_device_even_with_force(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not a regular file"):
        write_output(Path(os.devnull), b"x", data_dir=tmp_path / "store", force=True)
    assert Path(os.devnull).is_char_device()
