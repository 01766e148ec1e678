"""`--idempotency-key` on the CLI's writes: a retry prints the first answer and writes nothing;
the same key for another command is refused with one line, and nothing is written. Also
`consultation open --tally-visible-to`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.cli import Cli
from tests.e2e.test_cli import OFFICER, in_future, refused

SECRETARY = "secretary:GM0090"


@pytest.fixture
def loaded(tmp_path: Path) -> Cli:
    cli = Cli(tmp_path / "store")
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    return cli


def open_args(*extra: str) -> list[str]:
    return [
        "consultation",
        "open",
        "--title",
        "AZWA",
        "--question",
        "Stemt u in?",
        "--closes",
        in_future(days=30),
        "--reason",
        "Lbr. 25/041",
        "--json",
        *extra,
    ]


def test_a_retried_open_prints_the_same_id_and_writes_nothing(loaded: Cli) -> None:
    args = open_args("--idempotency-key", "open-azwa-2025")
    first = loaded(*args, actor=OFFICER)
    assert first.exit_code == 0, first.stderr
    before = loaded.log_fingerprint()

    again = loaded(*args, actor=OFFICER)

    assert again.exit_code == 0, again.stderr
    assert again.json() == first.json()
    assert loaded.log_fingerprint() == before
    assert len(loaded("consultation", "list", "--json").json()) == 1


def test_a_retried_cast_and_close_write_nothing(loaded: Cli) -> None:
    cid = loaded(*open_args(), actor=OFFICER).json()["id"]
    cast = ["consultation", "cast", cid, "--member", "GM0090", "--choice", "yes", "--json"]
    assert loaded(*cast, "--idempotency-key", "cast-0090-1", actor=SECRETARY).exit_code == 0
    before = loaded.log_fingerprint()
    again = loaded(*cast, "--idempotency-key", "cast-0090-1", actor=SECRETARY)
    assert again.exit_code == 0 and again.json()["recorded"] is True
    assert loaded.log_fingerprint() == before

    close = ["consultation", "close", cid, "--reason", "early", "--idempotency-key", "close-once-1"]
    assert loaded(*close, actor=OFFICER).exit_code == 0
    closed = loaded.log_fingerprint()
    assert loaded(*close, actor=OFFICER).exit_code == 0
    assert loaded.log_fingerprint() == closed


def test_the_same_key_for_another_command_is_refused(loaded: Cli) -> None:
    cid = loaded(*open_args(), actor=OFFICER).json()["id"]
    cast = ["consultation", "cast", cid, "--member", "GM0090", "--idempotency-key", "cast-k-1"]
    assert loaded(*cast, "--choice", "yes", actor=SECRETARY).exit_code == 0
    before = loaded.log_fingerprint()
    refused(loaded(*cast, "--choice", "no", actor=SECRETARY), 2, "was used for a different")
    assert loaded.log_fingerprint() == before


def test_a_malformed_key_is_refused(loaded: Cli) -> None:
    args = [a for a in open_args("--idempotency-key", "x") if a != "--json"]
    refused(loaded(*args, actor=OFFICER), 2, "Idempotency-Key")
    assert loaded("consultation", "list", "--json").json() == []


def test_the_tally_visibility_is_set_at_opening(loaded: Cli) -> None:
    cid = loaded(*open_args("--tally-visible-to", "everyone"), actor=OFFICER).json()["id"]
    shown = loaded("consultation", "show", cid, "--json").json()
    assert shown["tally_visibility"] == "everyone"
    args = [a for a in open_args("--tally-visible-to", "members") if a != "--json"]
    refused(loaded(*args, actor=OFFICER), 2, "officers or")
