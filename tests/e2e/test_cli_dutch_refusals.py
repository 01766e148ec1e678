"""The CLI's one-line refusal follows the locale: Dutch when LANG says Dutch, the rule's English
otherwise, and always the English (with its code) in --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adapters.config.settings import Settings
from adapters.entrypoints.cli.main import app
from tests.e2e.cli import Cli, CliRunner
from tests.stores import initialised

UNKNOWN = "00000000-0000-4000-8000-000000000000"
OFFICER = "officer:j.devries"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("dutch-cli") / "store"
    initialised(Settings(data_dir))
    loaded = Cli(data_dir)("members", "load", actor=OFFICER)
    assert loaded.exit_code == 0, loaded.stderr
    return data_dir


def refuse(store: Path, lang: str, *extra: str) -> tuple[int, str]:
    env = {
        "AKKOORD_HOME": str(store),
        "AKKOORD_ACTOR": OFFICER,
        "LANG": lang,
        "LC_ALL": "",
        "LC_MESSAGES": "",
    }
    result = CliRunner().invoke(
        app, ["consultation", "close", UNKNOWN, "--reason", "r", *extra], env=env
    )
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl_NL.UTF-8", f"error: onbekende raadpleging {UNKNOWN}\n"),
        ("C.UTF-8", f"error: unknown consultation {UNKNOWN}\n"),
    ],
)
def test_the_refusal_follows_the_locale(store: Path, lang: str, expected: str) -> None:
    code, stderr = refuse(store, lang)
    assert code != 0
    assert stderr == expected


def test_json_keeps_the_english_and_the_code(store: Path) -> None:
    code, stderr = refuse(store, "nl_NL.UTF-8", "--json")
    assert code != 0
    error = json.loads(stderr)["error"]
    assert error == {"code": "unknown_consultation", "message": f"unknown consultation {UNKNOWN}"}
