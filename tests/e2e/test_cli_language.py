"""The CLI speaks the locale's language: Dutch under LANG=nl_NL.UTF-8, English otherwise; the
board's report is Dutch unless asked for in English. Each language run is a real `akkoord`
process with its own environment, since the locale is the process's."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.cli import Cli
from tests.e2e.test_receipts import OFFICER, open_consultation


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    data_dir = Path(tmp_path_factory.mktemp("language")) / "store"
    cli = Cli(data_dir)
    assert cli("members", "load", actor=OFFICER).exit_code == 0
    registered = cli(
        "agreement", "register", "--code", "AZWA", "--name", "AZWA", "--full-name",
        "Aanvullend Zorg- en Welzijnsakkoord", "--party", "VWS,VNG", "--reason", "r",
        actor=OFFICER,
    )  # fmt: skip
    assert registered.exit_code == 0, registered.stderr
    signed = cli(
        "agreement", "status", "AZWA", "--status", "signed", "--party", "VWS",
        "--reason", "r", actor=OFFICER,
    )  # fmt: skip
    assert signed.exit_code == 0, signed.stderr
    yield data_dir, open_consultation(cli)


def akkoord(data_dir: Path, lang: str, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "AKKOORD_ACTOR"))}
    env.update(LANG=lang, AKKOORD_HOME=str(data_dir), COLUMNS="200")
    run = subprocess.run(
        [sys.executable, "-m", "adapters.entrypoints.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_status_in_dutch_under_a_dutch_locale(store: tuple[Path, str]) -> None:
    data_dir, _ = store
    dutch = akkoord(data_dir, "nl_NL.UTF-8", "status", "--agreement", "AZWA")
    assert "Status per " in dutch and "partij" in dutch and "sinds" in dutch
    assert "ondertekend" in dutch and "in onderhandeling" in dutch
    assert "signed" not in dutch and "negotiating" not in dutch
    english = akkoord(data_dir, "C.UTF-8", "status", "--agreement", "AZWA")
    assert "Status as of " in english and "party" in english
    assert "signed" in english and "negotiating" in english


def test_deadlines_in_dutch_under_a_dutch_locale(store: tuple[Path, str]) -> None:
    data_dir, _ = store
    dutch = akkoord(data_dir, "nl_NL.UTF-8", "deadlines")
    assert "soort" in dutch and "vervalt op" in dutch and "stand" in dutch
    assert "ledenraadpleging sluit" in dutch and "in afwachting" in dutch
    assert "consultation closes" not in dutch and "pending" not in dutch
    english = akkoord(data_dir, "C.UTF-8", "deadlines")
    assert "consultation closes" in english and "due at" in english and "pending" in english


def test_the_report_is_dutch_unless_asked_for_in_english(store: tuple[Path, str]) -> None:
    data_dir, cid = store
    dutch = akkoord(data_dir, "C.UTF-8", "report", "consultation", cid, "--format", "md")
    assert dutch.startswith("# Uitslag: AZWA")
    assert "**Opkomst:** 0 van 342 gemeenten (0,00%)" in dutch
    english = akkoord(data_dir, "C.UTF-8", "report", "consultation", cid, "--lang", "en")
    assert english.startswith("# Result: AZWA")
    assert "**Turnout:** 0 of 342 municipalities (0.00%)" in english
    assert akkoord(data_dir, "en_GB.UTF-8", "report", "consultation", cid).startswith("# Result")
