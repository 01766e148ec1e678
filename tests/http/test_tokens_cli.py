"""`akkoord tokens issue/list/revoke` through the real CLI on a real store.

The secret is printed once, at issue; the store keeps only its SHA-256; `list` shows neither;
a revoked token stops working at once, in the token store and in the running API.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from adapters.auth.tokens import TokenStore, tokens
from adapters.config.settings import Settings
from adapters.entrypoints.http.app import create_app
from tests.conftest import BACKEND
from tests.e2e.cli import Cli, Run
from tests.stores import initialised

OFFICER = "officer:j.devries"


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path / "store")


def refused(run: Run, exit_code: int, text: str) -> None:
    assert run.exit_code == exit_code, (run.exit_code, run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    assert text in lines[0], run.stderr


def issue(cli: Cli, role: str, name: str) -> tuple[str, str]:
    """Issue a token as the officer; returns (token, token_id) from the human output."""
    run = cli("tokens", "issue", "--role", role, "--name", name, "--reason", "test", actor=OFFICER)
    assert run.exit_code == 0, (run.stdout, run.stderr)
    lines = run.stdout.strip().splitlines()
    token = lines[0]
    assert token.startswith("akk_") and len(token) > 40
    assert run.stdout.count(token) == 1  # printed once
    assert "shown only now" in run.stdout
    token_id = lines[1].split()[1]
    return token, token_id


def authenticate(cli: Cli, token: str) -> str | None:
    store = TokenStore(Settings(cli.data_dir))
    try:
        found = store.authenticate(token)
    finally:
        store.close()
    return None if found is None else str(found[0])


def test_issue_prints_the_token_once_and_stores_only_its_hash(cli: Cli) -> None:
    token, token_id = issue(cli, "secretary:GM0090", "Griffier Smallingerland")
    assert authenticate(cli, token) == "secretary:GM0090"

    if BACKEND == "sqlite":
        raw = (cli.data_dir / "auth.sqlite").read_bytes()
        assert token.encode() not in raw
    digest = hashlib.sha256(token.encode()).hexdigest()
    store = TokenStore(Settings(cli.data_dir))
    try:
        with store.engine.connect() as conn:
            everything = [tuple(r) for r in conn.execute(select(tokens)).all()]
    finally:
        store.close()
    assert token not in repr(everything)
    assert [(r[0], r[1], r[2], r[4]) for r in everything] == [
        (token_id, digest, "secretary:GM0090", OFFICER)
    ]


def test_issue_as_json_and_each_role(cli: Cli) -> None:
    for role, name, actor in [
        ("officer", "p.smit", "officer:p.smit"),
        ("board", "voorzitter", "board:voorzitter"),
        ("auditor", "a.jansen", "auditor:a.jansen"),
        ("secretary:GM0363", "Griffier Amsterdam", "secretary:GM0363"),
    ]:
        run = cli("tokens", "issue", "--role", role, "--name", name, "--json", actor=OFFICER)
        assert run.exit_code == 0, run.stderr
        data = run.json()
        assert set(data) == {"token_id", "actor", "token"} and data["actor"] == actor
        assert authenticate(cli, data["token"]) == actor


def test_list_never_shows_the_secret_or_its_hash(cli: Cli) -> None:
    issued = [issue(cli, "secretary:GM0363", "Griffier Amsterdam"), issue(cli, "auditor", "a.j")]
    text = cli("tokens", "list")
    as_json = cli("tokens", "list", "--json")
    assert text.exit_code == as_json.exit_code == 0
    rows = as_json.json()
    assert [r["token_id"] for r in rows] == [token_id for _, token_id in issued]
    assert [r["actor"] for r in rows] == ["secretary:GM0363", "auditor:a.j"]
    assert all("digest" not in r and "token" not in r for r in rows)
    for token, _ in issued:
        digest = hashlib.sha256(token.encode()).hexdigest()
        for output in (text.stdout, as_json.stdout):
            assert token not in output and digest not in output and token[4:20] not in output
            assert digest[:16] not in output


def test_revoke_stops_the_token_at_once(cli: Cli) -> None:
    token, token_id = issue(cli, "officer", "tijdelijk")
    settings = initialised(Settings(cli.data_dir))
    with TestClient(create_app(settings, scheduler=False)) as client:
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/me", headers=headers).json()["actor"] == "officer:tijdelijk"

        run = cli("tokens", "revoke", token_id, actor=OFFICER)
        assert run.exit_code == 0 and f"token {token_id} revoked" in run.stdout

        refused_now = client.get("/api/me", headers=headers)  # the server keeps running
        assert refused_now.status_code == 401
        assert refused_now.json()["error"]["code"] == "unauthenticated"
    assert authenticate(cli, token) is None
    row = cli("tokens", "list", "--json").json()[0]
    assert row["revoked_by"] == OFFICER and row["revoked_at"]

    refused(cli("tokens", "revoke", token_id, actor=OFFICER), 3, "no active token")
    refused(cli("tokens", "revoke", "deadbeef", actor=OFFICER), 3, "no active token")


def test_only_an_officer_issues_and_revokes(cli: Cli) -> None:
    refused(
        cli("tokens", "issue", "--role", "officer", "--name", "ik", actor="secretary:GM0090"),
        5,
        "secretary:GM0090 may not issue tokens",
    )
    refused(
        cli("tokens", "issue", "--role", "auditor", "--name", "x", actor="board:voorzitter"),
        5,
        "may not issue tokens",
    )
    assert cli("tokens", "list", "--json").json() == []  # nothing issued

    token, token_id = issue(cli, "auditor", "a.jansen")
    refused(cli("tokens", "revoke", token_id, actor="auditor:a.jansen"), 5, "may not revoke")
    assert authenticate(cli, token) == "auditor:a.jansen"


@pytest.mark.parametrize(
    ("args", "actor", "code", "text"),
    [
        (["--role", "wizard", "--name", "x"], OFFICER, 2, "unknown role"),
        (["--role", "secretary", "--name", "Griffier"], OFFICER, 2, "secretary:GMxxxx"),
        (["--role", "secretary:GM12", "--name", "x"], OFFICER, 2, "secretary:GMxxxx"),
        (["--role", "system:scheduler", "--name", "x"], OFFICER, 2, "system"),
        (["--role", "system", "--name", "scheduler"], OFFICER, 2, "system"),
        (["--role", "officer", "--name", " "], OFFICER, 2, "name"),
        (["--role", "officer", "--name", "x"], None, 2, "say who acts"),
        (["--role", "officer", "--name", "x"], "system:workflow", 5, "acts only inside"),
    ],
)
def test_bad_issue_requests_are_refused_and_issue_nothing(
    cli: Cli, args: list[str], actor: str | None, code: int, text: str
) -> None:
    refused(cli("tokens", "issue", *args, actor=actor), code, text)
    assert cli("tokens", "list", "--json").json() == []
