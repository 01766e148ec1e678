"""API fuzzing: schemathesis against the app's own OpenAPI schema, in process, bounded in time.

Whatever schemathesis sends (valid or not), the API must answer below 500, and every refusal is
the JSON error body with a stable code. The store holds a story (members, agreements, a
signature, a consultation, a ratification) and the generated path ids are mixed with the real
ones, so the handlers behind the lookups are fuzzed too, not only the 404s.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from adapters.http.app import create_app
from tests.http.support import Api, bearer, issue_tokens, seed_story, store_path

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MAX_EXAMPLES = 12
BUDGET_SECONDS = 90.0


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    settings = store_path(Path(tmp_path_factory.mktemp("fuzz")))
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        ids = seed_story(api)
        ids["resolution"] = api.ok(
            "officer",
            "POST",
            "/api/resolutions",
            json={"title": "Opschorting", "conditions": ["gelijkwaardigheid"], "reason": "ALV"},
        )["id"]
        ids["udo"] = api.ok(
            "officer",
            "POST",
            "/api/udos",
            json={"agreement": "AZWA", "title": "UDO AZWA", "reason": "r"},
        )["id"]
        ids["assembly"] = api.ok(
            "officer",
            "POST",
            "/api/assemblies",
            json={"title": "Najaars-ALV", "date": "2099-11-20T10:00", "reason": "r"},
        )["id"]
    app = create_app(settings, scheduler=False)
    yield app, {**ids, "officer_token": tokens["officer"]}
    from schemathesis.python import asgi

    asgi.shutdown_lifespans()  # the lifespan schemathesis started: close the store


def real_ids(ids: dict[str, str]) -> dict[str, list[Any]]:
    """Known values for each path parameter name."""
    return {
        "consultation_id": [ids["consultation"]],
        "ratification_id": [ids["ratification"]],
        "signing_id": [ids["signing"]],
        "resolution_id": [ids["resolution"]],
        "udo_id": [ids["udo"]],
        "assembly_id": [ids["assembly"]],
        "aggregate_id": [ids[k] for k in ("consultation", "ratification", "signing")],
        "code": ["GM0363", "AZWA", "IZA", "gm0090"],
        "number": [1, 2],
        "point": [1],
    }


@pytest.fixture(scope="module")
def api_schema(seeded: tuple[FastAPI, dict[str, str]]) -> Any:
    app, ids = seeded
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    known = real_ids(ids)

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
        if not isinstance(path_parameters, dict) or not path_parameters:
            return st.just(path_parameters)
        real = {
            name: st.sampled_from(known[name]) if name in known else st.just(value)
            for name, value in path_parameters.items()
        }
        return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))

    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors_and_every_refusal_is_a_json_error(
    case: Any, seeded: tuple[FastAPI, dict[str, str]]
) -> None:
    response = case.call(headers=bearer(seeded[1]["officer_token"]))
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert isinstance(error["code"], str) and error["code"], response.text
        assert isinstance(error["message"], str) and error["message"], response.text

