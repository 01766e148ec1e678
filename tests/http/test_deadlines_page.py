"""The dashboard shows deadlines, overdue monitoring reviews among them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from adapters.bootstrap import build
from adapters.config.settings import Settings
from adapters.entrypoints.http.app import create_app
from tests.conftest import OFFICER
from tests.http.support import bearer, issue_tokens


def test_an_overdue_review_shows_on_the_deadlines_page(tmp_path: Path) -> None:
    settings = Settings(tmp_path / "store")
    with build(settings, create=True) as e:
        e.app.monitoring.register_commitment(
            title="Effectmeting en monitoring",
            owner="VNG",
            forum="tripartiet overleg",
            cadence=timedelta(days=91),
            first_review_at=datetime.now(UTC) - timedelta(days=3),
            source="UDO punt 4",
            actor=OFFICER,
            reason="test",
        )
        e.catch_up()
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        page = client.get("/deadlines", headers=bearer(tokens["auditor"]))
    assert page.status_code == 200
    assert "Effectmeting en monitoring" in page.text
    assert "te laat" in page.text  # due three days ago and never raised: no scheduler ran
    assert 'aria-current="page"' in page.text
