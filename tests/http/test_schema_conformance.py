"""The OpenAPI schema tells the truth: schemathesis, with every check it has, against a running
`akkoord serve` (a real process on a free port) on a store seeded with a story.

Every status an operation answers must be documented (with the JSON error schema), every body
must match its schema and content type, no request may end in a 5xx, data outside the schema
must be refused and data inside it accepted. One allowance, stated: a well-formed request that
breaks a rule of the domain (a deadline in the past, an unknown zone) is a documented 422, which
no schema can foresee, so `positive_data_acceptance` accepts 422 too.

Bounded: EXAMPLES per operation (positive and negative data), and a budget for the whole run;
no per-example deadline (a loaded machine is slow, not wrong). The schema is read from the
server (`schemathesis.openapi.from_url`) and each operation is run through its own strategy.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

from adapters.entrypoints.http.app import create_app
from tests.http.support import Api, bearer, issue_tokens, seed_every_process, store_path
from tests.http.test_fuzz import plausible_fields, real_ids
from tests.reliability.support import AKKOORD, ROOT, free_port

pytestmark = pytest.mark.slow

EXAMPLES = 6
BUDGET_SECONDS = 240.0
ACCEPTED = ["2xx", "401", "403", "404", "409", "422"]


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """`akkoord serve` on a seeded store; yields its URL and the story's ids (and a token)."""
    root = Path(tmp_path_factory.mktemp("conformance"))
    settings = store_path(root)
    tokens = issue_tokens(settings)
    with TestClient(create_app(settings, scheduler=False)) as client:
        api = Api(client, tokens, settings)
        ids = seed_every_process(api)
    port = free_port()
    log = root / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*AKKOORD, "serve", "--port", str(port), "--no-scheduler"],
            env={**os.environ, "AKKOORD_HOME": str(settings.data_dir)},
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, url, tokens["officer"], log)
        yield url, {**ids, "token": tokens["officer"]}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until_up(proc: subprocess.Popen[bytes], url: str, token: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text(errors="replace")
        try:
            response = httpx.get(f"{url}/api/me", headers=bearer(token), timeout=5)
        except httpx.TransportError:
            time.sleep(0.1)
            continue
        assert response.status_code == 200, response.text
        return
    raise AssertionError(f"serve did not come up: {log.read_text(errors='replace')}")


def load_schema(url: str, ids: dict[str, str], *, plausible: bool) -> Any:
    """The served schema; with `plausible`, generated values are mixed with the story's ids and
    sensible field values (so the rules behind the lookups run too). Data meant to violate the
    schema is left alone: a plausible value would repair exactly what makes it invalid."""
    config = SchemathesisConfig.from_dict(
        {"checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}}}
    )
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json", config=config)
    if not plausible:
        return schema
    fields, known = plausible_fields(ids), real_ids(ids)

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
        if not isinstance(path_parameters, dict) or not path_parameters:
            return st.just(path_parameters)
        real = {
            name: st.sampled_from(known[name]) if name in known else st.just(value)
            for name, value in path_parameters.items()
        }
        return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))

    @schema.hook
    def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
        if not isinstance(body, dict) or not body:
            return st.just(body)
        plausible = {
            name: st.sampled_from(fields[name]) if name in fields else st.just(value)
            for name, value in body.items()
        }
        return st.one_of(st.just(body), st.fixed_dictionaries(plausible))

    return schema


def test_every_operation_answers_as_its_schema_says(running: tuple[str, dict[str, str]]) -> None:
    url, ids = running
    schemas = {
        GenerationMode.POSITIVE: load_schema(url, ids, plausible=True),
        GenerationMode.NEGATIVE: load_schema(url, ids, plausible=False),
    }
    load_all_checks()
    checks = list(CHECKS.get_all())
    headers = bearer(ids["token"])
    started = time.monotonic()
    failures: list[str] = []
    ran = 0
    for result in schemas[GenerationMode.POSITIVE].get_all_operations():
        label = result.ok().label
        if time.monotonic() - started > BUDGET_SECONDS:
            break
        for mode, schema in schemas.items():
            operation = schema.find_operation_by_label(label)
            assert operation is not None, label

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                case.call_and_validate(base_url=url, headers=headers, checks=checks)

            try:
                check()
            except Unsatisfiable:
                continue  # nothing to send outside the schema (no parameters, no body)
            except (AssertionError, FailureGroup) as e:
                failures.append(f"{label} ({mode.value}): {str(e)[:1500]}")
            ran += 1
    assert ran >= 20, f"only {ran} operation runs fitted in the budget"
    assert not failures, "\n\n".join(failures)
