"""The signed Merkle tree over a real store (SQLite file or PostgreSQL tables): the attacks a
hash chain alone lets through — cutting off the newest events with their chain rows, emptying
the log, rewriting events and chain together, cutting an export's start or end — fail `audit
verify`, naming the position and the head; published heads and proofs check offline."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

import pytest

from adapters.audit.chain import GENESIS, chain_hash, digest
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


def positions(raw: RawStore) -> list[int]:
    return [
        int(r[0])
        for r in raw.query(
            "SELECT rowid FROM stored_events ORDER BY rowid",
            "SELECT notification_id FROM {events} ORDER BY notification_id",
        )
    ]


def test_the_untouched_log_reproduces_every_signed_head(cli: Cli) -> None:
    code, result = verify(cli)
    assert code == 0 and result["ok"] is True
    assert result["signed_heads_verified"] >= 7  # type: ignore[operator]
    assert result["tree"]["size"] == result["checked"]  # type: ignore[index]
    assert "signed tree heads reproduced" in cli("audit", "verify").stdout


def test_cutting_off_the_newest_50_events_with_their_chain_rows_fails(cli: Cli) -> None:
    raw = RawStore(cli.data_dir)
    everything = positions(raw)
    for position in everything[-50:]:
        raw.delete_event(position)
        raw.delete_chain_entry(position)
    code, result = verify(cli)
    assert code == 6 and result["ok"] is False
    assert result["break"]["kind"] == "truncated"  # type: ignore[index]
    assert result["break"]["position"] == everything[-50]  # type: ignore[index]
    line = cli("audit", "verify").stdout
    assert line.startswith(f"BROKEN at position {everything[-50]}: truncated")


def test_cutting_below_a_signed_head_names_the_head(cli: Cli) -> None:
    raw = RawStore(cli.data_dir)
    everything = positions(raw)
    for position in everything[-150:]:
        raw.delete_event(position)
        raw.delete_chain_entry(position)
    # the attacker also rewinds the tree's own record: the signed heads still remember
    raw.query("DELETE FROM merkle_state", "DELETE FROM {tree}")
    code, result = verify(cli)
    assert code == 6 and result["break"]["kind"] == "truncated"  # type: ignore[index]
    assert "signed" in result["break"]["detail"]  # type: ignore[index]


def test_emptying_the_log_fails(cli: Cli) -> None:
    raw = RawStore(cli.data_dir)
    raw.query("DELETE FROM stored_events", "DELETE FROM {events}")
    raw.query("DELETE FROM event_hashes", "DELETE FROM {hashes}")
    code, result = verify(cli)
    assert code == 6 and result["checked"] == 0
    assert result["break"]["kind"] == "truncated"  # type: ignore[index]
    assert not cli("audit", "verify").stdout.startswith("OK")


def edited(raw: RawStore, position: int) -> bytes:
    changed = bytearray(bytes(raw.event(position)[3]))  # type: ignore[arg-type]
    changed[len(changed) // 2] ^= 0x01
    return bytes(changed)


def rechain(raw: RawStore, start: int) -> None:
    """Rewrite every chain row from `start` on so the chain follows the (edited) events, as an
    attacker who knows the chain's recipe would."""
    previous = raw.query(
        "SELECT hash FROM event_hashes WHERE position < ? ORDER BY position DESC LIMIT 1",
        "SELECT hash FROM {hashes} WHERE position < %s ORDER BY position DESC LIMIT 1",
        (start,),
    )
    prior = previous[0][0] if previous else GENESIS
    for position in [p for p in positions(raw) if p >= start]:
        originator, version, topic, state = raw.event(position)
        d = digest(str(topic), UUID(str(originator)), int(version), bytes(state))  # type: ignore[call-overload]
        prior = chain_hash(prior, position, d)
        raw.query(
            "UPDATE event_hashes SET digest = ?, hash = ? WHERE position = ?",
            "UPDATE {hashes} SET digest = %s, hash = %s WHERE position = %s",
            (d, prior, position),
        )


def test_rewriting_events_and_chain_together_fails(cli: Cli) -> None:
    assert cli("audit", "checkpoint").exit_code == 0
    raw = RawStore(cli.data_dir)
    raw.set_state(400, edited(raw, 400))
    rechain(raw, 400)
    code, result = verify(cli)
    assert code == 6
    broken: dict[str, object] = result["break"]  # type: ignore[assignment]
    assert broken["kind"] == "rewritten"
    low, high = re.search(r"between positions (\d+) and (\d+)", str(broken["detail"])).groups()  # type: ignore[union-attr]
    assert int(low) <= 400 <= int(high) == broken["position"]
    assert "head signed" in str(broken["detail"])


def test_the_checkpoints_alone_catch_a_rewrite(cli: Cli) -> None:
    """The store's own audit_checkpoints contradict a rewritten chain even without the tree's
    heads (the attacker removed them)."""
    checkpoint = cli("audit", "checkpoint", "--json").json()
    raw = RawStore(cli.data_dir)
    raw.query("DELETE FROM signed_heads", "DELETE FROM {heads}")
    raw.set_state(400, edited(raw, 400))
    rechain(raw, 400)
    code, result = verify(cli)
    assert code == 6 and result["break"]["kind"] == "checkpoint"  # type: ignore[index]
    assert result["break"]["position"] == checkpoint["position"]  # type: ignore[index]


def test_a_published_hash_is_found_in_any_case(cli: Cli, tmp_path: Path) -> None:
    head = cli("audit", "head", "--json").json()
    assert verify(cli, "--expect", head["root_hash"].upper())[0] == 0
    checkpoint = cli("audit", "checkpoint", "--json").json()
    code, result = verify(cli, "--expect", checkpoint["hash"].upper())
    assert code == 0 and result["expected_found_at"] == checkpoint["position"]
    path = tmp_path / "head.json"
    path.write_text(json.dumps(head))
    code, result = verify(cli, "--expect", str(path))
    assert code == 0 and result["expected_found_at"] is not None
    forged = {**head, "root_hash": "ab" * 32}
    path.write_text(json.dumps(forged))
    assert verify(cli, "--expect", str(path))[0] == 6
    bad = cli("audit", "verify", "--expect", "not-a-hash")
    assert bad.exit_code == 2 and "--expect" in bad.stderr


def test_a_published_head_catches_a_truncation_below_it(cli: Cli, tmp_path: Path) -> None:
    head = cli("audit", "head", "--json").json()
    (tmp_path / "head.json").write_text(json.dumps(head))
    raw = RawStore(cli.data_dir)
    # The attacker removes everything the store signed or recorded, and the newest events.
    raw.query("DELETE FROM signed_heads", "DELETE FROM {heads}")
    raw.query("DELETE FROM merkle_state", "DELETE FROM {tree}")
    raw.query("DELETE FROM audit_checkpoints", "DELETE FROM {checkpoints}")
    for position in positions(raw)[-5:]:
        raw.delete_event(position)
        raw.delete_chain_entry(position)
    assert verify(cli)[0] == 0  # nothing left in the store to contradict it ...
    code, result = verify(cli, "--expect", str(tmp_path / "head.json"))
    assert code == 6 and result["break"]["kind"] == "truncated"  # type: ignore[index]


def test_exports_carry_their_head_and_a_cut_start_or_end_fails(cli: Cli, tmp_path: Path) -> None:
    for fmt in ("jsonl", "csv"):
        path = tmp_path / f"log.{fmt}"
        assert cli("export", "log", "--format", fmt, "-o", str(path)).exit_code == 0
        code, result = verify(cli, "--file", str(path))
        assert code == 0 and result["signed_heads_verified"] == 1, result
    lines = (tmp_path / "log.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["position"] == "signed-head"
    variants = {
        "start": lines[10:],
        "end": lines[:-1],
        "last-events": [*lines[:-6], lines[-1]],
    }
    for name, kept in variants.items():
        cut = tmp_path / f"cut-{name}.jsonl"
        cut.write_text("\n".join(kept) + "\n")
        code, result = verify(cli, "--file", str(cut))
        assert code == 6, name
    rows = (tmp_path / "log.csv").read_text().splitlines()
    (tmp_path / "cut.csv").write_text("\n".join([rows[0], *rows[12:]]) + "\n")
    assert verify(cli, "--file", str(tmp_path / "cut.csv"))[0] == 6


def test_proofs_check_offline_with_the_key(cli: Cli, tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    key.write_text(cli("audit", "key", "--json").json()["pem"])
    first = cli("audit", "head", "--json").json()
    raw = RawStore(cli.data_dir)
    proof = cli("audit", "prove", str(positions(raw)[123]), "--json")
    assert proof.exit_code == 0, proof.stderr
    (tmp_path / "inclusion.json").write_text(proof.stdout)
    sizes = [first["tree_size"] // 2, first["tree_size"]]
    every = cli("audit", "head", "--all", "--json").json()
    assert every[-1] == first and len(every) > 2
    old = every[1]["tree_size"]
    consistency = cli("audit", "consistency", str(old), str(sizes[1]), "--json")
    assert consistency.exit_code == 0, consistency.stderr
    (tmp_path / "consistency.json").write_text(consistency.stdout)
    for name in ("inclusion", "consistency"):
        run = cli("audit", "check-proof", str(tmp_path / f"{name}.json"), "--key", str(key))
        assert run.exit_code == 0 and run.stdout.startswith("OK"), run.stdout
        doc = json.loads((tmp_path / f"{name}.json").read_text())
        doc["path"][0] = ("0" if doc["path"][0][0] != "0" else "1") + doc["path"][0][1:]
        (tmp_path / "bad.json").write_text(json.dumps(doc))
        run = cli("audit", "check-proof", str(tmp_path / "bad.json"), "--key", str(key))
        assert run.exit_code == 6 and run.stdout.startswith("INVALID"), run.stdout
        assert len(run.stdout.strip().splitlines()) == 1
    missing = cli("audit", "consistency", "7", str(sizes[1]))
    assert missing.exit_code == 3 and "no signed head at size 7" in missing.stderr


def test_a_store_from_before_the_tree_gets_its_leaves_when_opened(cli: Cli) -> None:
    raw = RawStore(cli.data_dir)
    raw.query("DROP TABLE merkle_state", "DROP TABLE {tree}")
    raw.query("DROP TABLE signed_heads", "DROP TABLE {heads}")
    (cli.data_dir / "audit-key.pem").unlink()
    code, result = verify(cli)
    assert code == 0 and result["signed_heads_verified"] == 1
    assert (cli.data_dir / "audit-key.pem").stat().st_mode & 0o777 == 0o600


def test_heads_of_another_nodes_key_are_root_checked_and_a_named_key_must_sign_all(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "own.pem"
    own.write_text(cli("audit", "key", "--json").json()["pem"])
    monkeypatch.setenv("AKKOORD_AUDIT_KEY", str(tmp_path / "other-node.pem"))
    assert cli("audit", "head").exit_code == 0  # a node with a key of its own signs one
    monkeypatch.delenv("AKKOORD_AUDIT_KEY")
    code, result = verify(cli)
    assert code == 0 and result["signed_heads_by_other_keys"] == 1
    assert "signed by keys not held here" in cli("audit", "verify").stdout
    code, result = verify(cli, "--key", str(own))
    assert code == 6 and result["break"]["kind"] == "signature"  # type: ignore[index]
