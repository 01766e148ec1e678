"""Ballot receipts through the real CLI: every secretary keeps a receipt; after the close the
head signed at the close proves each ballot is in the log that was counted, checked offline
with only the public key; one changed byte in a receipt makes it fail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.cli import Cli

OFFICER = "officer:j.devries"
BALLOTS = [("GM0090", "yes"), ("GM0363", "no"), ("GM0344", "yes"), ("GM0088", "no")]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path / "store")
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    return cli


def open_consultation(cli: Cli) -> str:
    closes = (datetime.now(UTC) + timedelta(days=30)).isoformat(timespec="seconds")
    run = cli(
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
    assert run.exit_code == 0, run.stderr
    return str(run.json()["id"])


def flip(hex_text: str) -> str:
    return ("f" if hex_text[0] != "f" else "e") + hex_text[1:]


def check(cli: Cli, doc: object, key: Path, path: Path) -> tuple[int, str]:
    path.write_text(json.dumps(doc, indent=2))
    run = cli("audit", "check-proof", str(path), "--key", str(key))
    return run.exit_code, run.stdout.strip()


def test_every_receipt_proves_its_ballot_after_the_close(cli: Cli, tmp_path: Path) -> None:
    cid = open_consultation(cli)
    cast: list[dict[str, object]] = []
    for member, choice in BALLOTS:
        run = cli(
            "consultation",
            "cast",
            cid,
            "--member",
            member,
            "--choice",
            choice,
            "--json",
            actor=f"secretary:{member}",
        )
        assert run.exit_code == 0, run.stderr
        receipt = run.json()["receipt"]
        assert (receipt["member"], receipt["choice"]) == (member, choice)
        assert receipt["consultation_id"] == cid and len(receipt["leaf_hash"]) == 64
        cast.append(receipt)
    key = tmp_path / "audit.pub"
    key.write_text(cli("audit", "key", "--json").json()["pem"])
    # Before any head covers it, a receipt says so, and does not pass as proof.
    code, line = check(cli, cast[-1], key, tmp_path / "early.json")
    assert code == 6 and "no signed head covers this ballot yet" in line
    closed = cli("consultation", "close", cid, "--reason", "bestuur", "--json", actor=OFFICER)
    assert closed.exit_code == 0, closed.stderr
    for number, early in enumerate(cast):
        run = cli("audit", "receipt", str(early["position"]), "--json")
        assert run.exit_code == 0, run.stderr
        receipt = run.json()
        assert receipt["leaf_hash"] == early["leaf_hash"] and receipt["signed_head"] is not None
        code, line = check(cli, receipt, key, tmp_path / f"receipt-{number}.json")
        assert code == 0 and line.startswith("OK"), line
    # One changed byte anywhere that matters: the path, the leaf, the choice, the signature.
    text = (tmp_path / "receipt-0.json").read_text()
    receipt = json.loads(text)
    tampered = [
        {
            **receipt,
            "path": [flip(receipt["path"][0]), *receipt["path"][1:]],
        },
        {
            **receipt,
            "leaf_hash": ("0" if receipt["leaf_hash"][0] != "0" else "1")
            + receipt["leaf_hash"][1:],
        },
        {**receipt, "choice": "no" if receipt["choice"] == "yes" else "yes"},
        {
            **receipt,
            "signed_head": {
                **receipt["signed_head"],
                "tree_size": receipt["signed_head"]["tree_size"] + 1,
            },
        },
    ]
    for number, doc in enumerate(tampered):
        code, line = check(cli, doc, key, tmp_path / f"tampered-{number}.json")
        assert code == 6 and line.startswith("INVALID"), line
    # a byte in the raw file: the stored state carried inside the receipt
    raw = bytearray(text.encode())
    at = text.index('"state": "') + len('"state": "') + 5
    raw[at] = ord("X") if raw[at] != ord("X") else ord("Y")
    (tmp_path / "raw.json").write_bytes(bytes(raw))
    run = cli("audit", "check-proof", str(tmp_path / "raw.json"), "--key", str(key))
    assert run.exit_code == 6, run.stdout


def test_another_key_does_not_accept_the_receipt(cli: Cli, tmp_path: Path) -> None:
    cid = open_consultation(cli)
    run = cli(
        "consultation",
        "cast",
        cid,
        "--member",
        "GM0090",
        "--choice",
        "yes",
        "--json",
        actor="secretary:GM0090",
    )
    assert run.exit_code == 0
    assert cli("consultation", "close", cid, "--reason", "r", actor=OFFICER).exit_code == 0
    receipt = cli("audit", "receipt", str(run.json()["receipt"]["position"]), "--json").json()
    other = Cli(tmp_path / "other")
    assert other("members", "load", actor=OFFICER).exit_code == 0
    key = tmp_path / "other.hex"
    key.write_text(other("audit", "key", "--json").json()["hex"])
    code, line = check(cli, receipt, key, tmp_path / "receipt.json")
    assert code == 6 and "key" in line
    bad = cli("audit", "check-proof", str(tmp_path / "receipt.json"), "--key", str(tmp_path))
    assert bad.exit_code == 2
