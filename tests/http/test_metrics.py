"""`/metrics` in the Prometheus text format, for officers and auditors (or open with
AKKOORD_METRICS_OPEN=1): what is done and refused, how long requests take, and the store's
figures read at each scrape (log, read-model lag, scheduler, deadlines, outbox, signed head)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from adapters.audit.transparency import transparent
from adapters.config.settings import MailSettings
from adapters.entrypoints.http.app import create_app
from adapters.mail.outbox import Outbox, OutgoingMail
from tests.http.support import UNKNOWN, Api, issue_tokens, seed_story, store_path

BALLOTS = "/api/consultations/{consultation_id}/ballots"
Figures = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    settings = store_path(Path(tmp_path_factory.mktemp("metrics")))
    tokens = issue_tokens(settings)
    with pytest.MonkeyPatch.context() as env:
        env.delenv("AKKOORD_METRICS_OPEN", raising=False)
        env.delenv("AKKOORD_SMTP_URL", raising=False)  # queued mail stays queued
        app = create_app(settings)  # with the scheduler: it takes the leadership
    with TestClient(app) as client:
        api = Api(client, tokens, settings)
        seed_story(api)
        yield api


def scrape(api: Api, role: str = "auditor") -> Figures:
    response = api.as_(role).get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def figure(figures: Figures, name: str, **labels: str) -> float:
    return figures.get((name, frozenset(labels.items())), 0.0)


def test_metrics_need_an_officer_or_auditor_token(api: Api) -> None:
    assert api.client.get("/metrics").status_code == 401
    refused = api.as_("amsterdam").get("/metrics")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "not_allowed"
    assert api.as_("officer").get("/metrics").status_code == 200
    assert api.as_("auditor").get("/metrics").status_code == 200


def test_metrics_may_be_opened_to_a_scraper_without_token(api: Api) -> None:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AKKOORD_METRICS_OPEN", "1")
        app = create_app(api.settings, scheduler=False)
    with TestClient(app) as client:
        response = client.get("/metrics")
    assert response.status_code == 200
    assert "akkoord_log_events" in response.text


def test_the_figures_follow_what_happens(api: Api) -> None:
    before = scrape(api)
    consultation = api.ids["consultation"]
    api.ok(
        "utrecht",
        "POST",
        f"/api/consultations/{consultation}/ballots",
        json={"member": "GM0344", "choice": "no", "explanation": "Te weinig budget."},
    )
    refused = api.as_("utrecht").post(
        f"/api/consultations/{UNKNOWN}/ballots", {"member": "GM0344", "choice": "yes"}
    )
    assert refused.status_code == 404
    assert api.as_("officer").get("/api/no-such-thing").status_code == 404
    assert api.client.get("/static/favicon.svg").status_code == 200
    outbox = Outbox(api.settings, MailSettings())
    try:
        outbox.enqueue(
            [
                OutgoingMail(
                    message_id="<metrics.test@akkoord>",
                    to="griffie@utrecht.example",
                    subject="Uitnodiging",
                    text="Stem uiterlijk vrijdag.",
                    kind="invitation",
                    member="GM0344",
                )
            ]
        )
    finally:
        outbox.close()
    engine = api.client.app.state.server.engine  # type: ignore[attr-defined]
    transparent(engine.app.recorder).sign_head()

    after = scrape(api)
    post = {"method": "POST", "route": BALLOTS}
    assert figure(after, "akkoord_commands_total", **post) == (
        figure(before, "akkoord_commands_total", **post) + 1
    )
    unknown = {"kind": "not_found", "code": "unknown_consultation"}
    assert figure(after, "akkoord_refusals_total", **unknown) == (
        figure(before, "akkoord_refusals_total", **unknown) + 1
    )
    # latency by route template: both ballots, never the raw path with its id
    assert figure(after, "akkoord_request_duration_seconds_count", **post) == (
        figure(before, "akkoord_request_duration_seconds_count", **post) + 2
    )
    shown = {value for _, labels in after for _, value in labels}
    assert not any(consultation in value or "no-such-thing" in value for value in shown)
    assert {"<unmatched>", "/static/{path}"} <= shown, sorted(shown)
    assert figure(after, "akkoord_log_events") == engine.app.head()
    assert figure(after, "akkoord_log_events") > figure(before, "akkoord_log_events")
    for name in ("tally", "status", "timeline", "deadlines", "actions", "funding"):
        assert ("akkoord_readmodel_lag_events", frozenset({("projection", name)})) in after
        assert figure(after, "akkoord_readmodel_lag_events", projection=name) == 0
    assert figure(after, "akkoord_mail_outbox_messages", state="queued") == (
        figure(before, "akkoord_mail_outbox_messages", state="queued") + 1
    )
    assert ("akkoord_mail_outbox_messages", frozenset({("state", "failed")})) in after
    assert figure(after, "akkoord_deadlines_due") == 0  # the consultation closes in 3 days
    assert 0 <= figure(after, "akkoord_signed_head_age_seconds") < 3600
    assert figure(after, "akkoord_store_up") == 1


def test_the_scheduler_reports_its_leadership(api: Api) -> None:
    deadline = time.monotonic() + 60
    while figure(scrape(api), "akkoord_scheduler_leader") != 1:
        assert time.monotonic() < deadline, "the scheduler never took the leadership"
        time.sleep(0.2)


def test_the_mail_loop_runs_beside_the_figures(api: Api) -> None:
    # Both open the outbox at start; on a new store both made its tables, and the loop died.
    deadline = time.monotonic() + 60
    while not any(line.get("event") == "mail loop started" for line in api.log_lines()):
        assert time.monotonic() < deadline, "the mail loop never started"
        time.sleep(0.2)
