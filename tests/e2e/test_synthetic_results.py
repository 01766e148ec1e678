"""After the shipped story, everything derived from its synthetic ballots says so: the tally
(human and JSON), the board report's Uitslag (md, html, pdf), the status after ratification,
the API and the dashboard's tally; a consultation with real ballots says it is not synthetic."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from adapters.config.settings import Settings
from adapters.entrypoints.http.app import create_app
from tests.e2e.cli import Cli
from tests.http.dashboard_client import log_in
from tests.http.support import bearer, issue_tokens


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Cli, dict[str, str]]]:
    cli = Cli(tmp_path_factory.mktemp("synthetic") / "store")
    run = cli("scenario", "run", "--json")
    assert run.exit_code == 0, run.stderr
    yield cli, run.json()["ids"]


def ok(cli: Cli, *args: str) -> Any:
    run = cli(*args)
    assert run.exit_code == 0, run.stderr
    return run


def test_the_tally_says_its_ballots_are_synthetic(story: tuple[Cli, dict[str, str]]) -> None:
    cli, ids = story
    tally = ok(cli, "consultation", "tally", ids["consultation"], "--json").json()
    assert tally["synthetic"] is True
    assert "not cast by the members" in tally["synthetic_note"]
    assert tally["yes_weight"] > tally["no_weight"]
    human = ok(cli, "consultation", "tally", ids["consultation"]).stdout
    assert "SYNTHETIC ballots" in human and "synthetic: synthetic ballots" in human
    shown = ok(cli, "consultation", "show", ids["consultation"], "--json").json()
    assert shown["synthetic"] is True


def test_the_reports_uitslag_says_so_in_every_format(
    story: tuple[Cli, dict[str, str]], tmp_path: Path
) -> None:
    cli, ids = story
    md = ok(cli, "report", "consultation", ids["consultation"], "--format", "md").stdout
    assert md.startswith("# Uitslag (synthetisch): ")
    assert "## Uitslag (synthetisch)\n\n**SYNTHETISCH: deze uitslag rust op gesimuleerde" in md
    html = ok(cli, "report", "consultation", ids["consultation"], "--format", "html").stdout
    assert "<h2>Uitslag (synthetisch)</h2>" in html
    assert "<p><strong>SYNTHETISCH: deze uitslag rust op gesimuleerde stemmen" in html
    pdf_path = tmp_path / "uitslag.pdf"
    ok(cli, "report", "consultation", ids["consultation"], "--format", "pdf", "-o", str(pdf_path))
    assert "SYNTHETISCH: deze uitslag" in _pdf_text(pdf_path.read_bytes())


def _pdf_text(pdf: bytes) -> str:
    """The text of fpdf's (Flate-compressed) content streams, enough to find a sentence."""
    texts = []
    for part in pdf.split(b"stream\n")[1:]:
        body = part.split(b"\nendstream")[0]
        try:
            texts.append(zlib.decompress(body).decode("latin-1"))
        except zlib.error:
            texts.append(body.decode("latin-1"))
    return "".join(texts).replace(") Tj", "").replace("\\(", "(").replace("\\)", ")")


def test_the_status_that_follows_the_advice_says_so(story: tuple[Cli, dict[str, str]]) -> None:
    cli, _ = story
    rows = ok(cli, "status", "--as-of", "2025-10-30", "--party", "VNG", "--json").json()
    details = {r["agreement"]: r["detail"] for r in rows}
    for agreement in ("AZWA", "IZA", "HLO"):
        assert details[agreement].endswith("(advice from synthetic ballots)"), details
    before = ok(cli, "status", "--as-of", "2025-10-01", "--party", "VNG", "--json").json()
    assert not any("synthetic" in r["detail"] for r in before)


def test_a_consultation_with_real_ballots_is_not_synthetic(
    story: tuple[Cli, dict[str, str]],
) -> None:
    cli, _ = story
    opened = cli(
        "consultation", "open", "--title", "Echte raadpleging", "--question", "Akkoord?",
        "--closes", "2099-01-01T12:00", "--reason", "test", "--json",
        actor="officer:j.devries",
    )  # fmt: skip
    assert opened.exit_code == 0, opened.stderr
    cid = opened.json()["id"]
    tally = ok(cli, "consultation", "tally", cid, "--json").json()
    assert (tally["synthetic"], tally["synthetic_note"]) == (False, "")
    md = ok(cli, "report", "consultation", cid, "--format", "md").stdout
    assert "synthetisch" not in md.lower()


def test_the_api_says_so_in_the_tally_and_the_consultation(
    story: tuple[Cli, dict[str, str]],
) -> None:
    cli, ids = story
    settings = Settings(data_dir=cli.data_dir)
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        auth = bearer(tokens["auditor"])
        cid = ids["consultation"]
        tally = client.get(f"/api/consultations/{cid}/tally", headers=auth)
        assert tally.status_code == 200, tally.text
        assert tally.json()["synthetic"] is True
        shown = client.get(f"/api/consultations/{cid}", headers=auth)
        assert shown.status_code == 200, shown.text
        assert shown.json()["synthetic"] is True
        assert "not cast by the members" in shown.json()["synthetic_note"]
        log_in(client, tokens["auditor"])
        fragment = client.get(f"/consultations/{cid}/tally")
        assert fragment.status_code == 200, fragment.text[:300]
        assert "<h2>Uitslag (synthetisch) (gewogen" in fragment.text
        assert 'data-testid="synthetic"><strong>SYNTHETISCH: ' in fragment.text


def test_the_boards_page_says_the_advice_rests_on_synthetic_ballots(
    story: tuple[Cli, dict[str, str]],
) -> None:
    cli, _ = story
    settings = Settings(data_dir=cli.data_dir)
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        log_in(client, tokens["board"])
        board = client.get("/board")
        assert board.status_code == 200, board.text[:300]
        assert 'data-testid="advice-synthetic"' in board.text
        assert "synthetisch: gesimuleerde stemmen" in board.text
