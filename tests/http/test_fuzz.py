"""API fuzzing: schemathesis against the app's own OpenAPI schema, in process, bounded in time.

Whatever schemathesis sends (valid or not), the API must answer below 500, and every refusal is
the JSON error body with a stable code. The store holds a story (members, agreements, a
signature, a consultation, a ratification, a resolution, a UDO, an ALV); generated path ids
are mixed with the real ones and body fields with plausible values (times, zones, member and
agreement codes, ids), so the rules behind the lookups and parsers are fuzzed too, not only the
404s and 422s. Times at the edge of the calendar are covered in test_api.py.
Bounded: MAX_EXAMPLES per operation and a budget for the module (no per-example deadline: a
loaded machine is slow, not wrong).

The schema is taken from the app's own `openapi()` when the module is collected (it needs no
store), and each case is sent to the seeded app in process. schemathesis's lazy fixture form
(`from_fixture`) is not used: it writes pytest's private node id, which pytest 9.2 removed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from adapters.config.settings import Settings
from adapters.entrypoints.http.app import create_app
from tests.http.support import Api, bearer, issue_tokens, seed_every_process, store_path

MAX_EXAMPLES = 15
BUDGET_SECONDS = 80.0  # for the whole module; past it the remaining operations are skipped
STARTED: list[float] = []  # when the fuzzing began (set by the store's fixture)
IDS: dict[str, str] = {}  # the seeded story's ids, read by the hooks while cases are generated


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    STARTED[:] = [time.monotonic()]
    settings = store_path(Path(tmp_path_factory.mktemp("fuzz")))
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        ids = seed_every_process(api)
    app = create_app(settings, scheduler=False)
    IDS.update(ids)
    yield app, {**ids, "officer_token": tokens["officer"]}
    from schemathesis.python import asgi

    asgi.shutdown_lifespans()  # the lifespan schemathesis started: close the store


def plausible_fields(ids: dict[str, str]) -> dict[str, list[Any]]:
    """Values that pass the schema and reach the rules, for body fields of these names."""
    times = [
        "2099-10-22T16:00",
        "2099-10-22T16:00:00+02:00",
        "2099-10-29 10:00",
        "2020-01-01T10:00",
    ]
    return {
        "closes": times,
        "opens": [*times, None],
        "date": times,
        "tz": ["Europe/Amsterdam", "UTC", "Asia/Tokyo"],
        "population_year": [2024],
        "member": ["GM0363", "GM0090", "gm0344", "GM9999"],
        "members": [["GM0363"], ["GM0363", "GM0090"], ["GM9999"]],
        "agreement": ["AZWA", "IZA", "GALA"],
        "agreements": [["AZWA"], ["AZWA", "IZA"], []],
        "parties": [["VNG"], ["VWS", "ZN"], ["Nobody"]],
        "party": ["VNG", "ZN"],
        "status": ["signed", "definitive", "participation suspended", "withdrawn"],
        "consultation": [ids["consultation"]],
        "signings": [[ids["signing"]], []],
        "assembly": [ids["assembly"], None],
        "subject": [ids["ratification"], None],
        "suspends": [["VNG:IZA"], ["VNG:GALA"], []],
        "yes_pct": ["93.4", "50", "49.99%"],
        "decision": ["ratify", "reject", "refer"],
        "supplements": ["IZA", None],
        "continues": ["IZA", None],
    }


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


# The schema does not depend on a store: the app is built (not started) only to describe itself.
schema = schemathesis.openapi.from_dict(
    create_app(Settings(Path("unused")), scheduler=False).openapi()
)


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
    if not isinstance(path_parameters, dict) or not path_parameters:
        return st.just(path_parameters)
    known = real_ids(IDS)
    real = {
        name: st.sampled_from(known[name]) if name in known else st.just(value)
        for name, value in path_parameters.items()
    }
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))


@schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    if not isinstance(body, dict) or not body:
        return st.just(body)
    fields = plausible_fields(IDS)
    plausible = {
        name: st.sampled_from(fields[name]) if name in fields else st.just(value)
        for name, value in body.items()
    }
    return st.one_of(st.just(body), st.fixed_dictionaries(plausible))


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_every_refusal_is_a_json_error(
    case: Any, seeded: tuple[FastAPI, dict[str, str]]
) -> None:
    if time.monotonic() - STARTED[0] > BUDGET_SECONDS:
        pytest.skip(f"the fuzzing budget of {BUDGET_SECONDS:.0f} s is spent")
    response = case.call(app=seeded[0], headers=bearer(seeded[1]["officer_token"]))
    assert response.status_code < 500, (case.method, case.formatted_path, response.text)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert isinstance(error["code"], str) and error["code"], response.text
        assert isinstance(error["message"], str) and error["message"], response.text
